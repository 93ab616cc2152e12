"""The benchmark's tools, at a tiny scale: bench_fill's counts and refusals, and the anchors (the floor
view and its `cache_page`).

Nothing here is timed: the figures come from `make bench` (docs/performance.md). `bench_fill` is a
command of the `bench` app, which only bench/settings.py installs: it is called here as a command object.
"""

import os
import subprocess
import sys
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import caches
from django.core.management import CommandError, call_command, get_commands
from django.db.models import Max

import bench.settings
from accounts.models import User
from bench import fill
from bench.management.commands.bench_fill import Command as BenchFillCommand
from blog.models import Post
from comments.models import Comment, ModerationEvent
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def bench_fill(**options):
    out = StringIO()
    call_command(BenchFillCommand(), stdout=out, **{"i_know": True, **options})
    return out.getvalue()


class TestBenchFill:
    def test_fills_the_chosen_scale(self):
        output = bench_fill(posts=3, comments_per_post=12, users=5, pending=4)

        posts = Post.objects.filter(slug__startswith=fill.PREFIX)
        assert posts.count() == 3
        assert all(post.is_published for post in posts)
        assert Comment.objects.approved().count() == 3 * 12
        assert Comment.objects.pending().count() == 4
        assert [post.approved_comment_count for post in posts] == [12, 12, 12]
        assert ModerationEvent.objects.count() == 2 * 3 * 12 + 4
        assert "rows/s" in output

    def test_threads_replies_within_the_allowed_depth(self, settings):
        bench_fill(posts=2, comments_per_post=60, users=5, pending=0)

        replies = Comment.objects.filter(parent__isnull=False).select_related("parent")
        assert replies.exists()
        assert all(reply.depth == reply.parent.depth + 1 for reply in replies)
        assert all(reply.created_at > reply.parent.created_at for reply in replies)
        assert all(reply.post_id == reply.parent.post_id for reply in replies)
        deepest = Comment.objects.aggregate(deepest=Max("depth"))["deepest"]
        assert 0 < deepest <= settings.COMMENTS_MAX_DEPTH - 1

    def test_readers_are_verified_and_the_moderator_moderates(self):
        bench_fill(posts=1, comments_per_post=2, users=5, pending=0)

        readers = User.objects.filter(email__startswith="lecteur-")
        assert readers.count() == 5
        assert readers.get(email=fill.reader_email(1)).check_password(fill.PASSWORD)
        assert all(reader.has_verified_email() for reader in readers)
        moderator = User.objects.get(email=fill.MODERATOR_EMAIL)
        assert moderator.is_staff and not moderator.is_superuser
        assert moderator.has_perm("comments.moderate_comment")
        assert EmailAddress.objects.filter(user=moderator, verified=True).exists()
        comment = Comment.objects.first()
        assert comment.body_html.startswith("<p>")

    def test_a_second_fill_replaces_the_first(self):
        bench_fill(posts=2, comments_per_post=5, users=3, pending=2)
        bench_fill(posts=1, comments_per_post=4, users=2, pending=1)

        assert Post.objects.count() == 1
        assert Comment.objects.count() == 4 + 1
        assert User.objects.filter(email__startswith="lecteur-").count() == 2

    def test_refuses_a_database_with_other_content_unless_forced(self):
        real = PostFactory(title="Un vrai billet")
        with pytest.raises(CommandError, match="not the bench's"):
            bench_fill(posts=1, comments_per_post=1, users=1, pending=0)

        bench_fill(posts=1, comments_per_post=1, users=1, pending=0, force=True)
        assert Post.objects.filter(pk=real.pk).exists()
        assert Post.objects.count() == 2

    def test_refuses_production_settings_unless_told(self, settings):
        settings.DEBUG = False
        with pytest.raises(CommandError, match="DEBUG is off"):
            call_command(BenchFillCommand(), posts=1, stdout=StringIO())
        assert not Post.objects.exists()


class TestWhereTheCommandLives:
    def test_only_the_bench_settings_install_it(self):
        assert "bench" in bench.settings.INSTALLED_APPS
        assert "bench_fill" not in get_commands()  # the site's own settings: no benchmark command

    def test_manage_py_finds_it_under_the_bench_settings(self):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DJANGO_DEBUG": "1"}
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "bench_fill", "--help"],
            cwd=bench.settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert "--queue-million" in result.stdout


class TestQueue:
    def test_adds_pending_comments_without_touching_the_published_count(self):
        # On PostgreSQL through INSERT … SELECT generate_series, elsewhere through bulk_create.
        bench_fill(posts=2, comments_per_post=3, users=4, pending=0)

        fill.fill_queue(count=25, batch=10, progress=lambda message: None)

        assert Comment.objects.pending().count() == 25
        # From accounts of their own: the readers the benchmark logs in as keep normal pages.
        assert not Comment.objects.pending().filter(author__email__startswith="lecteur-").exists()
        assert Comment.objects.pending().filter(body_html="").count() == 0
        assert all(comment.hold_reasons.exists() for comment in Comment.objects.pending())
        assert [post.approved_comment_count for post in Post.objects.all()] == [3, 3]


class TestAnchors:
    """The floor (the straightforward view) and the same view under `cache_page` (bench/floor.py)."""

    @pytest.fixture(autouse=True)
    def _bench_urls_templates_and_cache(self, settings):
        settings.ROOT_URLCONF = "bench.urls"
        settings.TEMPLATES = [
            {
                **settings.TEMPLATES[0],
                "DIRS": [settings.BASE_DIR / "bench" / "templates", *settings.TEMPLATES[0]["DIRS"]],
            }
        ]
        settings.CACHES = {**settings.CACHES, "bench-floor": bench.settings.CACHES["bench-floor"]}
        yield
        caches["bench-floor"].clear()

    def test_the_floor_reads_the_post_and_the_comments_with_their_authors_in_two_queries(
        self, client, django_assert_num_queries
    ):
        bench_fill(posts=1, comments_per_post=40, users=6, pending=3)
        post = Post.objects.get()

        with django_assert_num_queries(2) as captured:
            response = client.get(f"/bench-floor/{post.slug}/")

        assert response.status_code == 200
        html = response.content.decode()
        assert post.title in html
        assert html.count(' id="comment-') == 40  # the approved ones, not the pending
        template = bench.settings.BASE_DIR / "bench" / "templates" / "bench" / "floor.html"
        assert "{% include" not in template.read_text()  # one template, a flat loop
        post_query, comment_query = (q["sql"] for q in captured.captured_queries)
        assert Post._meta.db_table in post_query and User._meta.db_table in post_query
        assert Comment._meta.db_table in comment_query and User._meta.db_table in comment_query

    def test_cache_page_serves_the_floors_bytes_without_a_query_from_the_second_request(
        self, client, django_assert_num_queries
    ):
        bench_fill(posts=1, comments_per_post=10, users=4, pending=0)
        slug = Post.objects.get().slug
        floor = client.get(f"/bench-floor/{slug}/")

        with django_assert_num_queries(2):
            first = client.get(f"/bench-floor-cached/{slug}/")
        with django_assert_num_queries(0):
            second = client.get(f"/bench-floor-cached/{slug}/")

        assert first.status_code == second.status_code == 200
        assert first.content == second.content
        # The same page as the floor's, but for its own address (the links to the page in other languages).
        assert first.content.replace(b"/bench-floor-cached/", b"/bench-floor/") == floor.content
        assert "max-age=60" in second["Cache-Control"]

    def test_a_logged_in_reader_gets_the_comment_form_and_an_anonymous_visitor_none(self, client):
        # The plain page of the same content for each visitor: the page-weight target compares like with like.
        bench_fill(posts=1, comments_per_post=3, users=2, pending=0)
        path = f"/bench-floor/{Post.objects.get().slug}/"

        anonymous = client.get(path).content.decode()
        client.force_login(User.objects.get(email="lecteur-00001@bench.localhost"))
        logged_in = client.get(path).content.decode()

        assert "<textarea" not in anonymous and "csrfmiddlewaretoken" not in anonymous
        assert '<textarea name="body" id="id_body">' in logged_in and 'name="csrfmiddlewaretoken"' in logged_in

    def test_an_unknown_slug_is_a_404(self, client):
        assert client.get("/bench-floor/nulle-part/").status_code == 404
        assert client.get("/bench-floor-cached/nulle-part/").status_code == 404
