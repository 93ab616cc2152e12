"""sitemap.xml: posts, categories, tags and monthly archives, in French and English with hreflang alternates.

Addresses are absolute from `settings.SITE_URL` (the request's Host header is never trusted).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
from django.urls import reverse

from blog.models import Category, Post, Tag


class SiteSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PostSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Post.objects.published().only("slug", "kind", "updated_at").order_by("-published_at", "pk")

    def lastmod(self, post):
        return post.updated_at


class _HasPostsSitemap(SiteSitemap):
    """Categories or tags with at least one published post, dated by the latest edit of those posts."""

    model = None
    post_field = ""  # the Post field that points to them
    route = ""
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        latest = Post.objects.published().filter(**{self.post_field: OuterRef("pk")}).order_by("-updated_at")
        return (
            self.model.objects.annotate(latest=Subquery(latest.values("updated_at")[:1]))
            .filter(latest__isnull=False)
            .order_by("slug")
        )

    def location(self, item):
        return reverse(self.route, kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.latest


class CategorySitemap(_HasPostsSitemap):
    model = Category
    post_field = "categories"
    route = "blog:category"


class TagSitemap(_HasPostsSitemap):
    model = Tag
    post_field = "tags"
    route = "blog:tag"


class ArchiveSitemap(SiteSitemap):
    """One entry per month with a published post."""

    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return list(Post.objects.published().order_by().datetimes("published_at", "month", order="DESC"))

    def location(self, month):
        return reverse("blog:archive_month", kwargs={"year": f"{month:%Y}", "month": f"{month:%m}"})


SITEMAPS = {"posts": PostSitemap, "categories": CategorySitemap, "tags": TagSitemap, "archives": ArchiveSitemap}
