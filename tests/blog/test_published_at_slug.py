"""Post.objects.published_at_slug, the post page's lookup in SQL, gives what published() and published_pages() give,
and, for a logged-in reader, whether they have rows of their own on the post."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post
from comments.models import Comment, Report
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestSameRuleAsTheQuerySet:
    def test_every_status_date_and_kind(self):
        now = timezone.now()
        cases = itertools.product(
            Post.Status.values,
            (now - timezone.timedelta(days=1), now + timezone.timedelta(days=1)),
            Post.Kind.values,
        )
        for n, (status, published_at, kind) in enumerate(cases):
            PostFactory(slug=f"cas-{n}", status=status, published_at=published_at, kind=kind)
        assert Post.objects.count() > 4
        for post in Post.objects.all():
            for kind, rule in (
                (Post.Kind.POST, Post.objects.published()),
                (Post.Kind.PAGE, Post.objects.published_pages()),
            ):
                expected = list(rule.filter(slug=post.slug))
                assert list(Post.objects.published_at_slug(post.slug, kind=kind)) == expected, (post.slug, kind)

    def test_a_post_and_a_page_at_their_own_address(self, client):
        post = PostFactory(slug="un-billet")
        page = PostFactory(slug="une-page", kind=Post.Kind.PAGE)
        PostFactory(slug="brouillon", status=Post.Status.DRAFT)
        assert client.get(post.get_absolute_url()).status_code == 200
        assert client.get(page.get_absolute_url()).status_code == 200
        assert client.get("/billets/une-page/").status_code == 404
        assert client.get("/pages/un-billet/").status_code == 404
        assert client.get("/billets/brouillon/").status_code == 404
        assert client.get("/billets/nulle-part/").status_code == 404


class TestWhatItSaysOfTheReader:
    """With `reader=`, the lookup also says whether that reader has rows of their own on the post (comments/apps.py
    registers the column): the comment section then skips its query for the usual reader."""

    def test_own_pending_comment_or_report_and_nothing_else(self, post, reader):
        other = UserFactory()
        cases = [
            ("rien", lambda: None, False),
            ("un avis publié", lambda: CommentFactory(post=post, author=reader, status=Comment.Status.APPROVED), False),
            ("un avis refusé", lambda: CommentFactory(post=post, author=reader, status=Comment.Status.REJECTED), False),
            ("l'avis en attente d'un autre", lambda: CommentFactory(post=post, author=other), False),
            (
                "un avis en attente ailleurs",
                lambda: CommentFactory(post=PostFactory(slug="ailleurs"), author=reader),
                False,
            ),
            ("un signalement", lambda: Report.objects.create(comment=CommentFactory(post=post), reporter=reader), True),
            ("un avis en attente", lambda: CommentFactory(post=post, author=reader), True),
        ]
        seen = {}
        for label, make, _ in cases:
            Comment.objects.all().delete()
            make()
            (found,) = Post.objects.published_at_slug(post.slug, kind=Post.Kind.POST, reader=reader.pk)
            seen[label] = (bool(found.reader_has_own_rows), found.read_for)
        assert seen == {label: (expected, reader.pk) for label, _, expected in cases}

    def test_anonymous_lookup_carries_nothing(self, post):
        (found,) = Post.objects.published_at_slug(post.slug, kind=Post.Kind.POST)
        assert not hasattr(found, "reader_has_own_rows") and not hasattr(found, "read_for")


class TestTheUsualReadersPage:
    def test_asks_for_the_readers_own_rows_only_when_they_have_some(self, client, post, reader):
        CommentFactory(post=post, status=Comment.Status.APPROVED, body="Un avis publié.")
        client.force_login(reader)
        client.get(post.get_absolute_url())  # caches warm
        with CaptureQueriesContext(connection) as usual:
            assert "Un avis publié." in client.get(post.get_absolute_url()).content.decode()
        CommentFactory(post=post, author=reader, body="Mon avis, en attente.")
        with CaptureQueriesContext(connection) as mine:
            assert "Mon avis, en attente." in client.get(post.get_absolute_url()).content.decode()
        assert not any("UNION ALL" in query["sql"] for query in usual.captured_queries)
        assert any("UNION ALL" in query["sql"] for query in mine.captured_queries)

    def test_a_post_read_for_another_reader_is_not_trusted(self, post, reader):
        from comments.templatetags.comments import _own_rows

        mine = CommentFactory(post=post, author=reader)
        (for_someone_else,) = Post.objects.published_at_slug(post.slug, kind=Post.Kind.POST, reader=UserFactory().pk)
        assert not for_someone_else.reader_has_own_rows
        assert _own_rows(for_someone_else, reader) == ([mine], set())


class TestTheRowAsTheOrmMakesIt:
    def test_every_field_with_the_same_value_and_type(self):
        post = PostFactory(slug="champ-par-champ", comments_open=False, cover_renditions={"640": "a.webp"})
        (found,) = Post.objects.published_at_slug(post.slug, kind=Post.Kind.POST)
        expected = Post.objects.get(pk=post.pk)
        for field in Post._meta.concrete_fields:
            mine, theirs = getattr(found, field.attname), getattr(expected, field.attname)
            assert (mine, type(mine)) == (theirs, type(theirs)), field.name
        assert found._state.db == expected._state.db and not found._state.adding
        assert found.get_deferred_fields() == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
class TestPreparedOnPostgresql:
    """On PostgreSQL the lookup is prepared on the connection after a few pages (config/postgresql/base.py) and then
    planned no more; its answers stay those of each moment; nothing else is prepared."""

    @staticmethod
    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    def lookups(self, post, reader, times: int) -> list[bool]:
        found = [Post.objects.published_at_slug(post.slug, kind=Post.Kind.POST, reader=reader.pk) for _ in range(times)]
        return [bool(posts[0].reader_has_own_rows) for posts in found]

    def test_prepared_from_the_fifth_page_and_still_current(self, post, reader):
        assert self.lookups(post, reader, 4) == [False] * 4
        assert self.prepared() == []
        assert self.lookups(post, reader, 2) == [False] * 2
        assert [statement for statement in self.prepared() if "AS read_for" in statement] != []
        CommentFactory(post=post, author=reader)  # a pending comment of theirs: the prepared plan sees it
        assert self.lookups(post, reader, 1) == [True]

    def test_the_other_queries_are_never_prepared(self, post, reader):
        for _ in range(8):
            list(Post.objects.filter(slug=post.slug))
            Post.objects.published_at_slug(post.slug, kind=Post.Kind.POST)
        assert connection.connection.prepare_threshold is None  # Django's, outside the lookup
        prepared = self.prepared()
        assert len(prepared) == 1 and "slug = $1" in prepared[0] and "read_for" not in prepared[0]  # the lookup

    def test_nothing_prepared_when_turned_off(self, post, reader, settings):
        settings.DATABASE_PREPARED_STATEMENTS = False  # behind a pooler that cannot keep them
        assert self.lookups(post, reader, 8) == [False] * 8
        assert self.prepared() == []
