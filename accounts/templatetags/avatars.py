from django import template
from django.utils.html import format_html

from accounts.avatars import avatar_urls

register = template.Library()


@register.simple_tag
def avatar(user, size=48):
    """{% avatar user size=48 %}: an <img> of the user's avatar (or their generated initials), decorative."""
    size = int(size)
    url, double = avatar_urls(user, size)
    if double:
        return format_html(
            '<img class="avatar" src="{}" srcset="{} 2x" width="{}" height="{}" alt="" loading="lazy">',
            url,
            double,
            size,
            size,
        )
    return format_html('<img class="avatar" src="{}" width="{}" height="{}" alt="" loading="lazy">', url, size, size)
