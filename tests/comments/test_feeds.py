"""RSS and Atom feeds of the published comments: only approved ones on published posts, masked as on the page."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory
from tests.feeds import parse

pytestmark = pytest.mark.django_db

SITE = "https://causerie.example"
IBAN = "FR76 3000 6000 0112 3456 7890 189"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def thread(post):
    other = PostFactory(title="Un autre billet", slug="autre")
    draft = PostFactory(title="Brouillon", slug="brouillon", status=Post.Status.DRAFT)
    return {
        "approved": CommentFactory(post=post, status=Comment.Status.APPROVED, body=f"Publié. Mon IBAN : {IBAN}"),
        "other": CommentFactory(post=other, status=Comment.Status.APPROVED, body="Publié ailleurs."),
        "pending": CommentFactory(post=post, body="En attente secrète."),
        "rejected": CommentFactory(post=post, status=Comment.Status.REJECTED, body="Refusé secret."),
        "spam": CommentFactory(post=post, status=Comment.Status.SPAM, body="Indésirable secret."),
        "removed": CommentFactory(
            post=post, status=Comment.Status.APPROVED, body="Retiré secret.", removed_at=timezone.now()
        ),
        "on_draft": CommentFactory(post=draft, status=Comment.Status.APPROVED, body="Sur un brouillon secret."),
    }


FEEDS = [
    ("comments:feed_rss", {}, "rss20"),
    ("comments:feed_atom", {}, "atom10"),
    ("comments:post_feed_rss", {"slug": "banques-reseaux-sociaux"}, "rss20"),
    ("comments:post_feed_atom", {"slug": "banques-reseaux-sociaux"}, "atom10"),
]


class TestCommentFeeds:
    @pytest.mark.parametrize(("route", "kwargs", "version"), FEEDS)
    def test_only_approved_comments_of_published_posts(self, client, thread, route, kwargs, version):
        response, feed = parse(client, route, kwargs)
        body = response.content.decode()
        assert feed.version == version
        summaries = " ".join(entry.summary for entry in feed.entries)
        assert "Publié." in summaries
        assert ("Publié ailleurs." in summaries) == (not kwargs)
        for secret in ["En attente", "Refusé", "Indésirable", "Retiré", "brouillon secret"]:
            assert secret not in body, secret

    @pytest.mark.parametrize(("route", "kwargs", "version"), FEEDS)
    def test_personal_data_masked_as_on_the_page(self, client, thread, route, kwargs, version):
        response, feed = parse(client, route, kwargs)
        body = response.content.decode()
        assert "3456" not in body and "6000" not in body
        entry = next(e for e in feed.entries if "Publié." in e.summary)
        assert "FR76 ****" in entry.summary

    def test_links_titles_and_authors(self, client, thread, post):
        response, feed = parse(client, "comments:feed_rss", {})
        entry = next(e for e in feed.entries if "Publié." in e.summary)
        comment = thread["approved"]
        assert entry.link == f"{SITE}{post.get_absolute_url()}#comment-{comment.pk}"
        assert entry.title == f"{comment.author.display_name} sur «\u202f{post.title}\u202f»"  # French typography
        assert entry.author == comment.author.display_name
        assert comment.author.email not in response.content.decode()

    def test_draft_post_has_no_comment_feed(self, client, thread):
        assert client.get(reverse("comments:post_feed_rss", kwargs={"slug": "brouillon"})).status_code == 404

    def test_post_page_announces_its_comment_feeds(self, client, post):
        html = client.get(post.get_absolute_url()).content.decode()
        assert f'href="{reverse("comments:post_feed_rss", kwargs={"slug": post.slug})}"' in html
        assert f'href="{reverse("comments:post_feed_atom", kwargs={"slug": post.slug})}"' in html

    @pytest.mark.parametrize(("route", "kwargs", "version"), FEEDS)
    def test_same_queries_with_3_and_30_comments(self, client, post, route, kwargs, version):
        def count():
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse(route, kwargs=kwargs)).status_code == 200
            return len(captured)

        CommentFactory.create_batch(3, post=post, status=Comment.Status.APPROVED)
        with_3 = count()
        CommentFactory.create_batch(27, post=post, status=Comment.Status.APPROVED)
        assert count() == with_3 <= 2
