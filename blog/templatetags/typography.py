"""French typography for text shown in pages, made by `markup.typography` (the one home of the rules):

- `{{ post.title|typo }}`: a title, or any plain text;
- `{{ post.body_html|excerpt:45 }}`: the first words of a rendered body, as plain text, typography kept;
- `<p{% content_lang %}>`: marks the authors' French inside a page in English.
"""

from django import template
from django.conf import settings
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from markup.typography import plain_excerpt, typographize_text

register = template.Library()


@register.filter(is_safe=True)
def typo(value):
    """Narrow no-break spaces before ; : ! ? and inside « », ’ for ' between letters; the text escaped."""
    return mark_safe(conditional_escape(typographize_text(str(value))))  # noqa: S308 (escaped just above)


@register.filter(is_safe=True)
def excerpt(value, words=45):
    """The first `words` words of an HTML body, its tags dropped, the typography kept; the text escaped."""
    return mark_safe(conditional_escape(plain_excerpt(str(value or ""), int(words))))  # noqa: S308 (escaped)


@register.simple_tag
def content_lang():
    """` lang="fr"` on the authors' French (titles, excerpts, bodies, comments) in a page of another language.

    The interface keeps the page's language; screen readers and hyphenation read the content as French.
    """
    content = settings.LANGUAGE_CODE
    if (get_language() or content).split("-")[0] == content:
        return ""
    return format_html(' lang="{}"', content)
