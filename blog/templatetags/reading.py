"""What the reading pages tell search engines and feed readers: canonical and language links, OpenGraph, JSON-LD.

Every address is absolute from `settings.SITE_URL`, never from the request's Host header.
"""

import json

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from blog import images
from markup.typography import plain_excerpt, typographize_text

register = template.Library()

# What json_script escapes (Django keeps its table private): no text can close the element or open a comment.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else f"{settings.SITE_URL}{path}"


def _page_query(request) -> str:
    """The only query string a canonical address keeps: the page of a list."""
    page = request.GET.get("page", "")
    return f"?page={page}" if page.isdigit() and page != "1" else ""


@register.simple_tag(takes_context=True)
def canonical_links(context):
    """<link rel="canonical"> and one <link rel="alternate" hreflang> per language, plus x-default (French)."""
    request = context.get("request")
    if request is None:
        return ""
    query = _page_query(request)
    links = [("canonical", "", absolute(request.path) + query)]
    for code, _name in settings.LANGUAGES:
        links.append(("alternate", code, absolute(translate_url(request.path, code)) + query))
    links.append(("alternate", "x-default", absolute(translate_url(request.path, settings.LANGUAGE_CODE)) + query))
    return format_html_join(
        "\n  ",
        '<link rel="{}"{} href="{}">',
        ((rel, format_html(' hreflang="{}"', lang) if lang else "", href) for rel, lang, href in links),
    )


def json_ld(data: dict) -> str:
    """A JSON-LD data block: JSON with <, > and & escaped, so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=None).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 — escaped


def cover_url(post) -> str:
    """The cover's largest shareable rendition (blog.images, when it exists), else the original, absolute."""
    if not post.cover:
        return ""
    return absolute(images.cover_url(post, 1440) or post.cover.url)


@register.simple_tag
def post_social_meta(post):
    """OpenGraph meta tags and the JSON-LD BlogPosting of a post page, title and description typographized."""
    url = absolute(post.get_absolute_url())
    title, description = typographize_text(post.title), plain_excerpt(post.body_html, 30)
    image = cover_url(post)
    meta = [
        ("og:type", "article"),
        ("og:site_name", "Causerie"),
        ("og:title", title),
        ("og:description", description),
        ("og:url", url),
        ("og:locale", "fr_FR"),  # the posts are written in French, whatever the interface's language
        ("article:published_time", post.published_at.isoformat()),
        ("article:modified_time", post.updated_at.isoformat()),
        ("article:author", post.author.display_name),
    ]
    meta += [("article:section", category.name) for category in post.categories.all()]
    meta += [("article:tag", tag.name) for tag in post.tags.all()]
    if image:
        meta += [("og:image", image), ("og:image:alt", post.cover_alt)]
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": title,
        "description": description,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": post.published_at.isoformat(),
        "dateModified": post.updated_at.isoformat(),
        "author": {"@type": "Person", "name": post.author.display_name},
        "publisher": {"@type": "Organization", "name": "Causerie", "url": absolute("/")},
        "inLanguage": settings.LANGUAGE_CODE,
        "keywords": [tag.name for tag in post.tags.all()],
        "articleSection": [category.name for category in post.categories.all()],
        "timeRequired": f"PT{post.reading_minutes}M",
    }
    if image:
        data["image"] = image
    tags = format_html_join("\n  ", '<meta property="{}" content="{}">', meta)
    return tags + mark_safe("\n  ") + json_ld(data)
