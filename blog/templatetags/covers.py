"""The cover image's sources for templates/blog/_cover.html (storage names become URLs here, at render time)."""

from django import template

from blog.images import picture_sources

register = template.Library()


@register.simple_tag
def cover_sources(post):
    """{"webp_srcset", "jpeg_srcset", "src", "width", "height"}, or None when the post has no cover."""
    return picture_sources(post)
