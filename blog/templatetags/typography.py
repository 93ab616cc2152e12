"""French typography for plain text shown in pages (titles): `{% load typography %}{{ post.title|typo }}`."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from markup.typography import typographize_text

register = template.Library()


@register.filter(is_safe=True)
def typo(value):
    """Narrow no-break spaces before ; : ! ? and inside « », ’ for ' between letters; the text escaped."""
    return mark_safe(conditional_escape(typographize_text(str(value))))  # noqa: S308 (escaped just above)
