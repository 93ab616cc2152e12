"""The post page's cached comment thread, its version, and the HTTP caching of the reading pages."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from blog.models import Post
from blog.views import PostDetailView
from comments.models import Comment, Report
from comments.services import (
    comment_approve,
    comment_delete,
    comment_edit,
    comment_mark_spam,
    comment_reject,
    comment_report,
    comment_submit,
    post_refresh_comments,
)
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def version(post) -> tuple[int, object]:
    return Post.objects.values_list("comments_version", "comments_changed_at").get(pk=post.pk)


def published(post, **kwargs) -> Comment:
    return CommentFactory(post=post, status=Comment.Status.APPROVED, **kwargs)


def at(comment, minutes_ago) -> Comment:
    """Date a comment in the past (created_at is set on insert)."""
    comment.created_at = timezone.now() - timedelta(minutes=minutes_ago)
    Comment.objects.filter(pk=comment.pk).update(created_at=comment.created_at)
    return comment


class _Thread(HTMLParser):
    def __init__(self):
        super().__init__()
        self.roots, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        if tag != "li":
            return
        attrs = dict(attrs)
        node = None
        if (attrs.get("id") or "").startswith("comment-"):
            node = (int(attrs["id"].removeprefix("comment-")), [])
            parent = next((n for n in reversed(self.stack) if n is not None), None)
            (parent[1] if parent else self.roots).append(node)
        self.stack.append(node)

    def handle_endtag(self, tag):
        if tag == "li":
            self.stack.pop()


def thread(html: str) -> list:
    """The comments of a page as nested [(pk, [replies])], in page order."""
    parser = _Thread()
    parser.feed(html)
    return parser.roots


def actions(html: str, comment) -> str | None:
    """The row of links under one comment (its own article, not its replies'); None where it has none."""
    article = re.search(rf'id="comment-{comment.pk}".*?</article>', html, re.S).group(0)
    row = re.search(r'<p class="comment-actions">(.*?)</p>', article, re.S)
    return row.group(1) if row else None


def anonymous_client() -> Client:
    """A visitor who has been here before (the home page is in the cache)."""
    client = Client()
    client.get(reverse("blog:post_list"))
    return client


# The comments version ---------------------------------------------------------


class TestCommentsVersion:
    def test_refresh_recounts_and_bumps_in_one_query(self, post, django_assert_num_queries):
        published(post)
        published(post, removed_at=timezone.now())  # « Commentaire supprimé »: not counted
        CommentFactory(post=post)  # pending
        Post.objects.filter(pk=post.pk).update(approved_comment_count=7)
        with django_assert_num_queries(1):
            post_refresh_comments(post_id=post.pk)
        post.refresh_from_db()
        assert post.approved_comment_count == 1
        assert post.comments_version == 1
        assert post.comments_changed_at is not None

    @pytest.fixture
    def reporters(self, settings):
        settings.COMMENTS_REPORT_THRESHOLD = 2
        return UserFactory.create_batch(2)

    @pytest.mark.parametrize(
        "change",
        [
            "approve",
            "edit_published",
            "approve_edit",
            "reject_edit",
            "reject_published",
            "spam_published",
            "delete_published",
            "delete_published_with_replies",
            "requeue_after_reports",
        ],
    )
    def test_every_change_readers_see_bumps_the_version(self, post, reader, moderator, reporters, change):
        comment = CommentFactory(post=post, author=reader)
        if change != "approve":
            comment = comment_approve(comment=comment, moderator=moderator)
        if change in {"approve_edit", "reject_edit"}:
            comment = comment_edit(comment=comment, author=reader, body="Nouvelle version")
        if change == "delete_published_with_replies":
            comment_approve(comment=CommentFactory(post=post, parent=comment, depth=1), moderator=moderator)
        Post.objects.filter(pk=post.pk).update(comments_changed_at=timezone.now() - timedelta(hours=1))
        before, changed_before = version(post)

        match change:
            case "approve" | "approve_edit":
                comment_approve(comment=comment, moderator=moderator)
            case "edit_published":
                comment_edit(comment=comment, author=reader, body="Nouvelle version")
            case "reject_edit" | "reject_published":
                comment_reject(comment=comment, moderator=moderator, reason="Hors sujet")
            case "spam_published":
                comment_mark_spam(comment=comment, moderator=moderator)
            case "delete_published" | "delete_published_with_replies":
                comment_delete(comment=comment, author=reader)
            case "requeue_after_reports":
                for reporter in reporters:
                    comment_report(comment=comment, reporter=reporter)
                assert Comment.objects.get(pk=comment.pk).is_pending

        after, changed_after = version(post)
        assert after > before
        assert changed_after > changed_before

    def test_changes_nobody_else_sees_leave_the_version(self, post, reader, moderator):
        comment = comment_submit(post=post, author=reader, body="Mon avis, retenu.")
        assert comment.is_pending
        comment_edit(comment=comment, author=reader, body="Mon avis, corrigé.")
        comment_delete(comment=comment, author=reader)
        assert version(post)[0] == 0


# The cached thread -----------------------------------------------------------


class TestCachedThread:
    def test_thread_is_kept_under_post_version_and_language(self, client, post):
        published(post, body="Premier avis publié")
        client.get(post.get_absolute_url())
        client.get("/en" + post.get_absolute_url())
        post.refresh_from_db()
        french = cache.get(f"post:{post.pk}:thread:{post.comments_version}:fr")
        english = cache.get(f"post:{post.pk}:thread:{post.comments_version}:en")
        assert "Premier avis publié" in french["anonymous"]
        assert english is not None and english["anonymous"] != french["anonymous"]  # month names

    def test_second_request_makes_fewer_queries_and_an_approval_shows_at_once(
        self, post, moderator, settings, django_assert_max_num_queries
    ):
        settings.BLOG_PAGE_CACHE_SECONDS = 0  # the thread's cache alone
        published(post, body="Déjà publié")
        client = anonymous_client()
        # The post, its author, categories and tags; then the thread on a cold cache.
        with django_assert_max_num_queries(5) as cold:
            client.get(post.get_absolute_url())
        with django_assert_max_num_queries(4) as warm:
            html = client.get(post.get_absolute_url()).content.decode()
        assert len(warm) < len(cold)
        assert "Déjà publié" in html

        comment_approve(comment=CommentFactory(post=post, body="Tout juste approuvé"), moderator=moderator)
        html = client.get(post.get_absolute_url()).content.decode()
        assert "Tout juste approuvé" in html
        assert "2 commentaires" in html

    def test_an_approval_shows_at_once_through_the_page_cache_too(self, post, moderator):
        client = anonymous_client()
        for _ in range(2):
            assert "Tout juste approuvé" not in client.get(post.get_absolute_url()).content.decode()
        comment_approve(comment=CommentFactory(post=post, body="Tout juste approuvé"), moderator=moderator)
        assert "Tout juste approuvé" in client.get(post.get_absolute_url()).content.decode()

    def test_logged_in_reader_does_not_read_the_thread_again(self, client, post, reader, django_assert_max_num_queries):
        for _ in range(5):
            published(post)
        client.force_login(reader)
        with django_assert_max_num_queries(9) as cold:  # the frame: the post's author, categories, tags
            client.get(post.get_absolute_url())
        # The session, the reader, the post, their own rows, their verified address: frame and thread cached.
        with django_assert_max_num_queries(5) as warm:
            html = client.get(post.get_absolute_url()).content.decode()
        assert len(warm) < len(cold)
        assert html.count('class="comment"') == 5

    def test_a_published_comment_s_edit_and_removal_show_at_once(self, client, post, reader, moderator):
        comment = comment_approve(comment=CommentFactory(post=post, author=reader, body="Texte"), moderator=moderator)
        assert "Une modification de ce commentaire" not in client.get(post.get_absolute_url()).content.decode()
        comment_edit(comment=comment, author=reader, body="Texte revu")
        assert "Une modification de ce commentaire" in client.get(post.get_absolute_url()).content.decode()
        comment_delete(comment=comment, author=reader)
        assert 'id="comment-' not in client.get(post.get_absolute_url()).content.decode()

    def test_no_hole_is_left_in_any_page(self, client, post, reader, moderator):
        parent = published(post)
        published(post, parent=parent, depth=1)
        published(post, removed_at=timezone.now())
        CommentFactory(post=post, author=reader, parent=parent, depth=1)
        for who in [None, reader, moderator]:
            if who:
                client.force_login(who)
            urls = (post.get_absolute_url(), f"{post.get_absolute_url()}?reply={parent.pk}", reverse("blog:post_list"))
            for url in urls:
                html = client.get(url).content.decode()
                assert "<!--c:" not in html and "<!--personal:" not in html


class TestReaderParts:
    def test_own_pending_comments_appear_in_place_for_their_author_only(self, client, post, reader):
        first = at(published(post, body="Premier"), 60)
        mine = at(CommentFactory(post=post, author=reader, body="Ma remarque en attente"), 50)
        last = at(published(post, body="Dernier"), 40)
        reply_a = at(published(post, parent=first, depth=1), 30)
        my_reply = at(CommentFactory(post=post, author=reader, parent=first, depth=1, body="Ma réponse"), 20)
        reply_b = at(published(post, parent=first, depth=1), 10)
        my_lone_reply = at(CommentFactory(post=post, author=reader, parent=last, depth=1, body="Seule réponse"), 5)

        other = Client()
        other.force_login(UserFactory())
        for visitor in (Client(), other):  # the thread is cached before the author comes
            html = visitor.get(post.get_absolute_url()).content.decode()
            assert thread(html) == [(first.pk, [(reply_a.pk, []), (reply_b.pk, [])]), (last.pk, [])]
            assert "Ma remarque" not in html and "Ma réponse" not in html

        client.force_login(reader)
        html = client.get(post.get_absolute_url()).content.decode()
        assert thread(html) == [
            (first.pk, [(reply_a.pk, []), (my_reply.pk, []), (reply_b.pk, [])]),
            (mine.pk, []),
            (last.pk, [(my_lone_reply.pk, [])]),
        ]
        assert html.count("En attente de modération") == 3
        assert html.count("Vous seul voyez ce commentaire") == 3
        lone = html.split(f'id="comment-{last.pk}"')[1]
        assert lone.index('<ol class="comment-replies">') < lone.index("Seule réponse")

    def test_pending_comment_alone_on_a_post(self, client, post, reader):
        CommentFactory(post=post, author=reader, body="Le tout premier")
        client.force_login(reader)
        html = client.get(post.get_absolute_url()).content.decode()
        assert '<ol class="comment-list">' in html and "Le tout premier" in html
        assert "Aucun commentaire pour l’instant" not in html

    def test_links_are_each_reader_s_own(self, post, reader, settings):
        mine = published(post, author=reader)
        theirs = published(post)
        reported = published(post)
        Report.objects.create(comment=reported, reporter=reader)
        anonymous, me, someone = Client(), Client(), Client()
        me.force_login(reader)
        someone.force_login(UserFactory())

        html = anonymous.get(post.get_absolute_url()).content.decode()
        for comment in (mine, theirs, reported):
            assert actions(html, comment) is None  # no row, not an empty one

        html = me.get(post.get_absolute_url()).content.decode()
        assert "Modifier" in actions(html, mine) and "Supprimer" in actions(html, mine)
        assert "Signaler" not in actions(html, mine)
        assert "Signaler" in actions(html, theirs) and "Répondre" in actions(html, theirs)
        assert "<span>Signalé</span>" in actions(html, reported)

        html = someone.get(post.get_absolute_url()).content.decode()
        assert "Modifier" not in html and "Supprimer" not in html and "Signalé<" not in html
        assert "Signaler" in actions(html, mine) and "Signaler" in actions(html, reported)

        settings.COMMENTS_EDIT_MINUTES = 0  # the edit window is the reader's, checked at each request
        html = me.get(post.get_absolute_url()).content.decode()
        assert "Modifier" not in actions(html, mine) and "Supprimer" in actions(html, mine)

    def test_reply_form_names_the_comment_from_the_cached_thread(self, client, post, reader):
        parent = published(post, author=UserFactory(display_name="Zoé Première"))
        client.force_login(reader)
        client.get(post.get_absolute_url())
        html = client.get(post.get_absolute_url(), {"reply": parent.pk}).content.decode()
        assert "Répondre à Zoé Première" in html
        assert f'name="parent" value="{parent.pk}"' in html


class TestReaderFrame:
    """A logged-in reader's page: the frame every reader shares, with their own parts put in (blog/views.py)."""

    @staticmethod
    def frames() -> list[str]:
        local = caches[settings.BLOG_PAGE_FRAME_CACHE]
        return [value for key, value in local.items() if ":frame:" in key]

    def test_each_reader_gets_their_own_header_form_and_token(self, post, reader, moderator):
        first, second, staff = Client(), Client(), Client()
        first.force_login(UserFactory(display_name="Aline Première"))
        second.force_login(reader)
        staff.force_login(moderator)
        first.get(post.get_absolute_url())
        assert len(self.frames()) == 1  # made by the first reader, then shared

        html = second.get(post.get_absolute_url()).content.decode()
        assert "Claire Lectrice" in html and "Aline Première" not in html
        assert "Administration" not in html
        assert len(self.frames()) == 1
        assert "Administration" in staff.get(post.get_absolute_url()).content.decode()

        # The tokens in the page are this reader's own: their comment goes through.
        html = second.get(post.get_absolute_url()).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        second.handler.enforce_csrf_checks = True
        response = second.post(
            reverse("comments:create", kwargs={"post_id": post.pk}),
            {"csrfmiddlewaretoken": token, "body": "Mon avis, depuis la page d’un cadre partagé."},
        )
        assert response.status_code == 302
        assert Comment.objects.filter(author=reader, body__startswith="Mon avis").exists()

    def test_the_frame_holds_nothing_of_its_first_reader(self, client, post, reader):
        published(post, author=reader, body="Ma contribution publiée")
        client.force_login(reader)
        client.get(post.get_absolute_url())
        (frame,) = self.frames()
        assert "<!--personal:account-->" in frame and "<!--personal:comments-->" in frame
        assert "Claire Lectrice" not in frame and reader.email not in frame
        assert "csrfmiddlewaretoken" not in frame and "Ma contribution" not in frame

    def test_a_change_of_the_post_shows_at_once(self, client, post, reader):
        client.force_login(reader)
        client.get(post.get_absolute_url())
        Post.objects.filter(pk=post.pk).update(title="Un titre revu", updated_at=timezone.now())
        assert "Un titre revu" in client.get(post.get_absolute_url()).content.decode()

    def test_a_page_that_reaches_for_a_token_outside_its_holes_is_made_in_full(self, client, post, reader, monkeypatch):
        render_page = PostDetailView.render_page

        def leaky(view, **context):
            if context.get("page_frame"):
                get_token(view.request)  # as a {% csrf_token %} outside the holes would
            return render_page(view, **context)

        monkeypatch.setattr(PostDetailView, "render_page", leaky)
        client.force_login(reader)
        html = client.get(post.get_absolute_url()).content.decode()
        assert "Claire Lectrice" in html and "<!--personal:" not in html
        assert self.frames() == []


# HTTP caching -----------------------------------------------------------------


class TestConditionalGet:
    def test_anonymous_post_page_is_public_with_validators(self, post):
        client = anonymous_client()
        response = client.get(post.get_absolute_url())
        post.refresh_from_db()
        assert response.status_code == 200
        assert response["ETag"].startswith('W/"')
        assert response["Last-Modified"] == http_date(post.last_changed_at.timestamp())
        assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=60"}
        assert {"Cookie", "Accept-Language"} <= {v.strip() for v in response["Vary"].split(",")}
        assert not response.cookies

    def test_a_visitor_holding_a_csrf_cookie_gets_the_same_public_page(self, client, post):
        first_visit = Client().get(post.get_absolute_url())
        client.get(reverse("account_login"))  # the login form gave this one a CSRF cookie
        assert "csrftoken" in client.cookies
        response = client.get(post.get_absolute_url())
        assert not response.cookies
        assert "public" in response["Cache-Control"]
        assert response["ETag"] == first_visit["ETag"]

    def test_if_none_match_gets_a_304_after_one_query(self, post, django_assert_max_num_queries):
        client = anonymous_client()
        etag = client.get(post.get_absolute_url())["ETag"]
        with django_assert_max_num_queries(1):
            response = client.get(post.get_absolute_url(), headers={"if-none-match": etag})
        assert response.status_code == 304
        assert response["ETag"] == etag
        assert "public" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]

    def test_if_modified_since_gets_a_304(self, post):
        client = anonymous_client()
        last_modified = client.get(post.get_absolute_url())["Last-Modified"]
        assert client.get(post.get_absolute_url(), headers={"if-modified-since": last_modified}).status_code == 304

    def test_validators_change_with_the_comments_the_post_and_the_language(self, post, moderator):
        an_hour_ago = timezone.now() - timedelta(hours=1)
        Post.objects.filter(pk=post.pk).update(updated_at=an_hour_ago, comments_changed_at=an_hour_ago)
        client = anonymous_client()
        first = client.get(post.get_absolute_url())
        old = {"if-none-match": first["ETag"]}
        since = {"if-modified-since": first["Last-Modified"]}
        assert client.get(post.get_absolute_url(), headers=old).status_code == 304

        comment_approve(comment=CommentFactory(post=post), moderator=moderator)
        assert client.get(post.get_absolute_url(), headers=old).status_code == 200
        assert client.get(post.get_absolute_url(), headers=since).status_code == 200
        etag = client.get(post.get_absolute_url())["ETag"]
        assert etag != first["ETag"]

        post.refresh_from_db()
        post.title = "Titre revu"
        post.save()
        edited = client.get(post.get_absolute_url(), headers={"if-none-match": etag})
        assert edited.status_code == 200 and "Titre revu" in edited.content.decode()

        english = client.get("/en" + post.get_absolute_url(), headers={"if-none-match": edited["ETag"]})
        assert english.status_code == 200
        assert english["ETag"] != edited["ETag"]

    def test_home_page_has_an_etag_that_follows_the_posts_and_counts(self, post, moderator):
        client = anonymous_client()
        response = client.get(reverse("blog:post_list"))
        assert "public" in response["Cache-Control"]
        old = {"if-none-match": response["ETag"]}
        assert client.get(reverse("blog:post_list"), headers=old).status_code == 304

        comment_approve(comment=CommentFactory(post=post), moderator=moderator)
        response = client.get(reverse("blog:post_list"), headers=old)
        assert response.status_code == 200 and "1 commentaire" in response.content.decode()

        old = {"if-none-match": response["ETag"]}
        PostFactory(title="Un nouveau billet")
        response = client.get(reverse("blog:post_list"), headers=old)
        assert response.status_code == 200 and "Un nouveau billet" in response.content.decode()

    def test_logged_in_reader_gets_a_private_page_without_validators(self, post, reader):
        etag = anonymous_client().get(post.get_absolute_url())["ETag"]
        client = Client()
        client.force_login(reader)
        response = client.get(post.get_absolute_url(), headers={"if-none-match": etag})
        assert response.status_code == 200
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-cache"}
        assert not response.has_header("ETag") and not response.has_header("Last-Modified")
        assert "Cookie" in response["Vary"]


class TestNothingLeaksBetweenVisitors:
    def test_a_first_visit_gets_no_cookie_and_a_public_page(self, post):
        for url in (reverse("blog:post_list"), post.get_absolute_url(), "/en" + post.get_absolute_url()):
            response = Client(enforce_csrf_checks=True).get(url)
            assert not response.cookies, url
            assert "public" in response["Cache-Control"], url
            assert "csrfmiddlewaretoken" not in response.content.decode(), url

    def test_the_caches_hold_no_token(self, post, monkeypatch):
        stored = {}
        monkeypatch.setattr(cache, "set", lambda key, value, timeout=None: stored.__setitem__(key, value))
        published(post)
        client = anonymous_client()
        client.get(post.get_absolute_url())
        pages = [value.decode() for value in stored.values() if isinstance(value, bytes)]  # kept as bytes
        threads = [value for value in stored.values() if isinstance(value, dict)]
        assert len(pages) == 2 and len(threads) == 1  # the home and the post; the post's thread
        assert "csrfmiddlewaretoken" not in str(pages) + str(threads)

    def test_a_page_that_used_a_real_token_is_not_stored(self, post, monkeypatch):
        stored = {}
        monkeypatch.setattr(cache, "set", lambda key, value, timeout=None: stored.__setitem__(key, value))
        render_page = PostDetailView.render_page

        def reaching_for_the_token(view, **context):
            get_token(view.request)  # as a template tag calling get_token() itself would
            return render_page(view, **context)

        monkeypatch.setattr(PostDetailView, "render_page", reaching_for_the_token)
        anonymous_client().get(post.get_absolute_url())
        assert len([key for key in stored if key.startswith("page:")]) == 1  # the home's, not the post's

    def test_a_message_is_shown_to_its_visitor_only_and_never_cached(self, post, reader):
        others = anonymous_client()
        others.get(reverse("blog:post_list"))  # the home is cached
        leaving = Client()
        leaving.force_login(reader)
        leaving.post(reverse("account_logout"))
        response = leaving.get(reverse("blog:post_list"))
        assert 'class="messages"' in response.content.decode()
        assert "private" in response["Cache-Control"] and not response.has_header("ETag")
        assert 'class="messages"' not in others.get(reverse("blog:post_list")).content.decode()
        assert 'class="messages"' not in Client().get(reverse("blog:post_list")).content.decode()
        assert 'class="messages"' not in leaving.get(reverse("blog:post_list")).content.decode()

    def test_a_logged_in_page_is_never_served_to_anyone_else(self, post, reader):
        CommentFactory(post=post, author=reader, body="Mon avis, en attente.")
        me = Client()
        me.force_login(reader)
        assert "Mon avis, en attente." in me.get(post.get_absolute_url()).content.decode()
        for _ in range(2):
            html = Client().get(post.get_absolute_url()).content.decode()
            assert "Mon avis, en attente." not in html
            assert "Se déconnecter" not in html and "<textarea" not in html


class TestFrontEntry:
    """BLOG_PAGE_FRONT_SECONDS: a URL's last public answer, served to anonymous readers without a query."""

    @pytest.fixture(autouse=True)
    def _front_on(self, settings):
        settings.BLOG_PAGE_FRONT_SECONDS = 5
        from django.core.cache import caches

        caches[settings.BLOG_PAGE_FRONT_CACHE].clear()

    def test_second_anonymous_request_makes_no_query(self, post, django_assert_num_queries):
        published(post, body="Déjà publié")
        client = anonymous_client()
        first = client.get(post.get_absolute_url())
        with django_assert_num_queries(0):
            again = Client().get(post.get_absolute_url())
        assert again.content == first.content
        assert again["ETag"] == first["ETag"] and "public" in again["Cache-Control"]
        with django_assert_num_queries(0):
            revalidated = Client().get(post.get_absolute_url(), headers={"if-none-match": first["ETag"]})
        assert revalidated.status_code == 304

    def test_a_logged_in_reader_never_gets_it(self, post, reader):
        CommentFactory(post=post, author=reader, body="Mon avis, en attente.")
        anonymous_client().get(post.get_absolute_url())
        me = Client()
        me.force_login(reader)
        response = me.get(post.get_absolute_url())
        assert "Mon avis, en attente." in response.content.decode()
        assert "private" in response["Cache-Control"]

    def test_another_query_string_is_not_served_from_it(self, post, django_assert_max_num_queries):
        anonymous_client().get(post.get_absolute_url())
        with django_assert_max_num_queries(10) as captured:
            anonymous_client().get(f"{post.get_absolute_url()}?reply=1")
        assert len(captured) > 0

    def test_a_page_lags_at_most_the_front_seconds(self, post, moderator, settings):
        client = anonymous_client()
        client.get(post.get_absolute_url())
        comment_approve(comment=CommentFactory(post=post, body="Tout juste approuvé"), moderator=moderator)
        assert "Tout juste approuvé" not in client.get(post.get_absolute_url()).content.decode()  # within the window
        settings.BLOG_PAGE_FRONT_SECONDS = 0  # the window has passed
        assert "Tout juste approuvé" in client.get(post.get_absolute_url()).content.decode()
