"""RSS and Atom feeds of the published posts, all of them or one category's.

Links are absolute from `settings.SITE_URL` (not from the request's host), in the language of
the address the feed was asked at. Two queries whatever the number of posts: the posts with
their authors, then their categories.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from blog.models import Category, Post
from markup.typography import typographize_text

FEED_LENGTH = 20


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class LatestPostsFeed(Feed):
    title = _("Causerie : les derniers billets")
    description = _("Banques, culture numérique et relation client.")
    route = "blog:feed_rss"

    def link(self, obj=None):
        return absolute(reverse("blog:post_list"))

    def feed_url(self, obj=None):
        return absolute(reverse(self.route))

    def posts(self, obj=None):
        return Post.objects.published()

    def items(self, obj=None):
        return (
            self.posts(obj)
            .select_related("author")
            .prefetch_related("categories")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return typographize_text(item.title)

    def item_description(self, item):
        return item.body_html  # sanitized when the post was saved (markup.sanitize)

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_author_name(self, item):
        return item.author.display_name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_categories(self, item):
        return [category.name for category in item.categories.all()]


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = Atom1Feed
    subtitle = LatestPostsFeed.description
    route = "blog:feed_atom"


class CategoryPostsFeed(LatestPostsFeed):
    route = "blog:category_feed_rss"

    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, obj):
        return _("Causerie : billets de la catégorie « %(name)s »") % {"name": obj.name}

    def link(self, obj):
        return absolute(reverse("blog:category", kwargs={"slug": obj.slug}))

    def feed_url(self, obj):
        return absolute(reverse(self.route, kwargs={"slug": obj.slug}))

    def posts(self, obj):
        return Post.objects.published().filter(categories=obj)


class CategoryPostsAtomFeed(CategoryPostsFeed):
    feed_type = Atom1Feed
    subtitle = LatestPostsFeed.description
    route = "blog:category_feed_atom"
