"""Feed autodiscovery for a post's comments, for the post page's <head>: `{% comment_feed_links post %}`."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def comment_feed_links(post):
    """<link rel="alternate"> to the RSS and Atom feeds of the post's published comments."""
    return format_html(
        '<link rel="alternate" type="application/rss+xml" title="{}" href="{}">\n'
        '  <link rel="alternate" type="application/atom+xml" title="{}" href="{}">',
        _("Commentaires de « %(title)s » (RSS)") % {"title": post.title},
        reverse("comments:post_feed_rss", kwargs={"slug": post.slug}),
        _("Commentaires de « %(title)s » (Atom)") % {"title": post.title},
        reverse("comments:post_feed_atom", kwargs={"slug": post.slug}),
    )
