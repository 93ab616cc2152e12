"""RSS and Atom feeds of the posts: they parse, hold only published posts, absolute links, constant queries."""

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from tests.factories import CategoryFactory, PostFactory
from tests.feeds import parse

pytestmark = pytest.mark.django_db

SITE = "https://causerie.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def posts(db):
    category = CategoryFactory(slug="banque-et-finances", name="Banque et finances")
    visible = PostFactory(title="Visible & publié", body="Un **texte**.\n\n<script>alert(1)</script>")
    visible.categories.add(category)
    draft = PostFactory(title="Brouillon caché", status=Post.Status.DRAFT)
    future = PostFactory(title="Futur caché", published_at=timezone.now() + timezone.timedelta(days=2))
    elsewhere = PostFactory(title="Autre catégorie")
    for post in (draft, future):
        post.categories.add(category)
    return {"visible": visible, "elsewhere": elsewhere}


FEEDS = [
    ("blog:feed_rss", {}, "rss20"),
    ("blog:feed_atom", {}, "atom10"),
    ("blog:category_feed_rss", {"slug": "banque-et-finances"}, "rss20"),
    ("blog:category_feed_atom", {"slug": "banque-et-finances"}, "atom10"),
]


class TestPostFeeds:
    @pytest.mark.parametrize(("route", "kwargs", "version"), FEEDS)
    def test_parses_and_holds_only_published_posts(self, client, posts, route, kwargs, version):
        response, feed = parse(client, route, kwargs)
        assert feed.version == version
        titles = [entry.title for entry in feed.entries]
        assert "Visible & publié" in titles
        assert "Brouillon caché" not in titles and "Futur caché" not in titles
        assert ("Autre catégorie" in titles) == (not kwargs)
        body = response.content.decode()
        assert "Brouillon caché" not in body and "Futur caché" not in body

    @pytest.mark.parametrize(("route", "kwargs", "version"), FEEDS)
    def test_absolute_links_from_site_url(self, client, posts, route, kwargs, version):
        _response, feed = parse(client, route, kwargs)
        entry = next(e for e in feed.entries if e.title == "Visible & publié")
        assert entry.link == f"{SITE}{posts['visible'].get_absolute_url()}"
        assert feed.feed.link.startswith(SITE)
        assert entry.author == posts["visible"].author.display_name
        assert "lecteur" not in entry.get("author_detail", {}).get("email", "")

    def test_description_is_the_sanitized_html(self, client, posts):
        _response, feed = parse(client, "blog:feed_rss", {})
        entry = next(e for e in feed.entries if e.title == "Visible & publié")
        assert "<strong>texte</strong>" in entry.summary
        assert "<script" not in entry.summary
        assert [t.term for t in entry.tags] == ["Banque et finances"]

    def test_english_feed_links_to_english_pages(self, client, posts):
        feed = feedparser.parse(client.get("/en" + reverse("blog:feed_rss")).content)
        assert all(entry.link.startswith(f"{SITE}/en/") for entry in feed.entries)

    def test_unknown_category_is_404(self, client):
        assert client.get(reverse("blog:category_feed_rss", kwargs={"slug": "rien"})).status_code == 404

    def test_autodiscovery_links(self, client, posts):
        home = client.get(reverse("blog:post_list")).content.decode()
        rss = reverse("blog:feed_rss")
        assert f'type="application/rss+xml" title="Causerie : les derniers billets (RSS)" href="{rss}"' in home
        assert f'href="{reverse("blog:feed_atom")}"' in home
        category = client.get(reverse("blog:category", kwargs={"slug": "banque-et-finances"})).content.decode()
        assert f'href="{reverse("blog:category_feed_atom", kwargs={"slug": "banque-et-finances"})}"' in category

    @pytest.mark.parametrize(("route", "kwargs", "version"), FEEDS)
    def test_same_queries_with_3_and_30_posts(self, client, route, kwargs, version, django_assert_max_num_queries):
        category = CategoryFactory(slug="banque-et-finances")

        def count():
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                client.get(reverse(route, kwargs=kwargs))
            return len(captured)

        for post in PostFactory.create_batch(3):
            post.categories.add(category, CategoryFactory())
        with django_assert_max_num_queries(3):
            client.get(reverse(route, kwargs=kwargs))
        with_3 = count()
        for post in PostFactory.create_batch(27):
            post.categories.add(category, CategoryFactory())
        assert count() == with_3 <= 3
