"""RSS and Atom feeds of the published comments: the whole site's, or one post's.

Approved comments not removed by their author, on published posts only; each shows its
`body_html` — sanitized, personal data masked, exactly as on the page — never the text as typed
nor a pending edit. One query whatever the number of comments (comments with their authors and
posts); the per-post feeds read the post first.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from blog.feeds import absolute
from blog.models import Post
from comments.search import searchable_comments
from markup.typography import typographize_text

FEED_LENGTH = 30


class LatestCommentsFeed(Feed):
    title = _("Causerie : les derniers commentaires")
    description = _("Les commentaires publiés après modération.")
    route = "comments:feed_rss"

    def link(self, obj=None):
        return absolute(reverse("blog:post_list"))

    def feed_url(self, obj=None):
        return absolute(reverse(self.route))

    def comments(self, obj=None):
        return searchable_comments()

    def items(self, obj=None):
        return self.comments(obj).select_related("author", "post").order_by("-created_at", "-pk")[:FEED_LENGTH]

    def item_title(self, item):
        title = _("%(name)s sur « %(title)s »") % {"name": item.author.public_name, "title": item.post.title}
        return typographize_text(title)

    def item_description(self, item):
        return item.body_html  # sanitized and masked when saved (markup.render)

    def item_link(self, item):
        return absolute(f"{item.post.get_absolute_url()}#comment-{item.pk}")

    def item_author_name(self, item):
        return item.author.public_name

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.edited_at or item.created_at


class LatestCommentsAtomFeed(LatestCommentsFeed):
    feed_type = Atom1Feed
    subtitle = LatestCommentsFeed.description
    route = "comments:feed_atom"


class PostCommentsFeed(LatestCommentsFeed):
    route = "comments:post_feed_rss"

    def get_object(self, request, slug):
        return get_object_or_404(Post.objects.published(), slug=slug)

    def title(self, obj):
        return _("Causerie : commentaires de « %(title)s »") % {"title": obj.title}

    def link(self, obj):
        return absolute(obj.get_absolute_url())

    def feed_url(self, obj):
        return absolute(reverse(self.route, kwargs={"slug": obj.slug}))

    def comments(self, obj):
        return searchable_comments().filter(post=obj)


class PostCommentsAtomFeed(PostCommentsFeed):
    feed_type = Atom1Feed
    subtitle = LatestCommentsFeed.description
    route = "comments:post_feed_atom"
