"""sitemap.xml, robots.txt, canonical and language links, OpenGraph and JSON-LD on the post page."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, Tag
from tests.factories import CategoryFactory, PostFactory

pytestmark = pytest.mark.django_db

SITE = "https://causerie.example"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def content(db):
    tz = timezone.get_current_timezone()
    category = CategoryFactory(slug="innovations", name="Innovations")
    empty = CategoryFactory(slug="vide", name="Vide")
    post = PostFactory(title="Visible", slug="visible", published_at=timezone.datetime(2014, 9, 20, 9, tzinfo=tz))
    post.categories.add(category)
    post.tags.add(Tag.objects.create(name="Mobile", slug="mobile"))
    draft = PostFactory(title="Brouillon", slug="brouillon", status=Post.Status.DRAFT)
    future = PostFactory(slug="futur", published_at=timezone.now() + timezone.timedelta(days=3))
    secret = Tag.objects.create(name="Secret", slug="secret")
    for hidden in (draft, future):
        hidden.tags.add(secret)
        hidden.categories.add(empty)
    return post


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 — our own sitemap


class TestSitemap:
    def test_parses_and_lists_published_content_in_both_languages(self, client, content):
        root = sitemap(client)
        locations = [loc.text for loc in root.findall("s:url/s:loc", NS)]
        for path in [
            "/billets/visible/",
            "/en/billets/visible/",
            "/categories/innovations/",
            "/en/categories/innovations/",
            "/mots-cles/mobile/",
            "/archives/2014/09/",
            "/en/archives/2014/09/",
        ]:
            assert f"{SITE}{path}" in locations, path
        assert all(loc.startswith(f"{SITE}/") for loc in locations)

    def test_never_a_draft_a_future_post_or_what_only_they_hold(self, client, content):
        text = ET.tostring(sitemap(client), encoding="unicode")
        for hidden in ["brouillon", "futur", "/mots-cles/secret/", "/categories/vide/"]:
            assert hidden not in text, hidden
        months = re.findall(r"/archives/(\d{4}/\d{2})/", text)
        assert set(months) == {"2014/09"}

    def test_hreflang_alternates_with_x_default(self, client, content):
        root = sitemap(client)
        url = next(u for u in root.findall("s:url", NS) if u.find("s:loc", NS).text == f"{SITE}/billets/visible/")
        links = {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)}
        assert links == {
            "fr": f"{SITE}/billets/visible/",
            "en": f"{SITE}/en/billets/visible/",
            "x-default": f"{SITE}/billets/visible/",
        }
        assert url.find("s:lastmod", NS) is not None

    def test_same_queries_with_3_and_30_posts(self, client, content):
        def count():
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                sitemap(client)
            return len(captured)

        PostFactory.create_batch(2)
        with_3 = count()
        PostFactory.create_batch(27)
        assert count() == with_3 <= 6


class TestRobots:
    def test_points_to_the_sitemap_and_closes_private_parts(self, client):
        response = client.get("/robots.txt")
        assert response["Content-Type"].startswith("text/plain")
        text = response.content.decode()
        assert f"Sitemap: {SITE}/sitemap.xml" in text
        for path in ["/admin/", "/comptes/", "/commentaires/"]:
            assert f"Disallow: {path}\n" in text
        assert "Disallow: /\n" not in text


class TestHeadLinks:
    def test_canonical_and_hreflang_on_a_list_page(self, client, content):
        html = client.get(reverse("blog:category", kwargs={"slug": "innovations"}), {"page": 1, "utm": "x"})
        html = html.content.decode()
        assert f'<link rel="canonical" href="{SITE}/categories/innovations/">' in html
        assert f'<link rel="alternate" hreflang="en" href="{SITE}/en/categories/innovations/">' in html
        assert f'<link rel="alternate" hreflang="x-default" href="{SITE}/categories/innovations/">' in html

    def test_canonical_keeps_the_page_number_in_english(self, client, db):
        PostFactory.create_batch(11)
        html = client.get("/en/", {"page": 2}).content.decode()
        assert f'<link rel="canonical" href="{SITE}/en/?page=2">' in html
        assert f'<link rel="alternate" hreflang="fr" href="{SITE}/?page=2">' in html


class TestPostMeta:
    def test_opengraph(self, client, content):
        html = client.get(content.get_absolute_url()).content.decode()
        assert '<meta property="og:type" content="article">' in html
        assert '<meta property="og:title" content="Visible">' in html
        assert f'<meta property="og:url" content="{SITE}/billets/visible/">' in html
        assert '<meta property="article:section" content="Innovations">' in html
        assert '<meta property="article:tag" content="Mobile">' in html

    def test_json_ld_blog_posting_escaped(self, client, db):
        post = PostFactory(title="</script><script>alert(1)</script> & <b>", body="Du texte.")
        html = client.get(post.get_absolute_url()).content.decode()
        [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert "<" not in block and ">" not in block and "&" not in block
        data = json.loads(block)
        assert data["@type"] == "BlogPosting"
        assert data["headline"] == "</script><script>alert(1)</script> & <b>"
        assert data["url"] == f"{SITE}{post.get_absolute_url()}"
        assert data["author"] == {"@type": "Person", "name": post.author.display_name}
        assert post.author.email not in html

    def test_og_image_is_the_cover_rendition_absolute(self, client, db):
        post = PostFactory(
            cover="covers/abc.jpg",
            cover_alt="Un guichet de banque",
            cover_renditions={"jpeg": [{"name": "covers/abc-960.jpg", "width": 960, "height": 540}]},
        )
        html = client.get(post.get_absolute_url()).content.decode()
        [image] = re.findall(r'<meta property="og:image" content="([^"]+)">', html)
        assert image.startswith(f"{SITE}/") and image.endswith("abc-960.jpg")
        assert '<meta property="og:image:alt" content="Un guichet de banque">' in html
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
        assert data["image"] == image
