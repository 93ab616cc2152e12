"""The language switch: the same page in each other language, as plain links."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

register = template.Library()

NAMES = {"fr": "Français", "en": "English"}


@register.simple_tag(takes_context=True)
def page_in_languages(context) -> list[dict]:
    """One entry per language: its code, its own name, this page's address in it, and whether it is current.

    The address keeps the query string (a page of a list, a search) so that switching never loses the place.
    """
    request = context["request"]
    current = translation.get_language()
    query = request.META.get("QUERY_STRING", "")
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(request.path, code)
        if query:
            url = f"{url}?{query}"
        links.append({"code": code, "name": NAMES.get(code, code), "url": url, "current": code == current})
    return links
