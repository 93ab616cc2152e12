"""The logged-in reader's personal parts of a page that readers like them share: kept once, filled per request.

What is cached, for whom, keyed on what
    section The comment section of a post page as every logged-in reader with nothing of their own
            on the post sees it (comments/templatetags/comments.py says who that is): the heading,
            the thread's hole, the form — with placeholders for the reader's CSRF token and the
            form's submission key, and the thread as a hole, put in per request in that order, so
            no text of a comment is ever searched for a placeholder. In each process's memory
            (COMMENTS_THREAD_LOCAL_CACHE, unpickled) for COMMENTS_THREAD_CACHE_SECONDS. Key: the
            post, its `updated_at` and comments version, the language, RELEASE.
    account The header's account links of a logged-in reader (templates/_header_account.html), one
            skeleton for staff and one for other readers, with placeholders for the CSRF token and the
            reader's name, put in per request in that order (the name escaped, last). In each process's
            memory (BLOG_PAGE_FRAME_CACHE) for BLOG_PAGE_CACHE_SECONDS. Key: the template, staff or
            not, the language, RELEASE. A template that does not hold each placeholder once (it came to
            show more of the reader) is rendered in full instead.

Both take one masked CSRF token per response (`reader_csrf_token`): masking costs some fifty random draws.
Dropped: never explicitly — keys name the state they show (see caching/pages.py).
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import conditional_escape


def _digest(*parts) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).hexdigest()


def _section_key(post_pk: int, updated_at, comments_version: int) -> str:
    state = _digest(updated_at.timestamp(), comments_version, translation.get_language(), settings.RELEASE)
    return f"post:{post_pk}:section:{state}"


# The comment section of the usual logged-in reader ------------------------------

SECTION_CSRF = "csrf-token-placeholder-9d2e6a41"
SECTION_KEY = "submission-key-placeholder-5b8f03c7"
SECTION_THREAD = "<!--section:thread-->"


def cached_section(*, post, render: Callable[[], str]) -> str:
    """The usual reader's comment section of `post` with its three placeholders, from this process or `render()`."""
    key = _section_key(post.pk, post.updated_at, post.comments_version)
    local = caches[settings.COMMENTS_THREAD_LOCAL_CACHE]
    section = local.get(key)
    if section is None:
        section = render()
        if section.count(SECTION_CSRF) != 1 or section.count(SECTION_KEY) != 1 or section.count(SECTION_THREAD) > 1:
            raise ValueError("A comment section skeleton holds its token and key once, the thread at most once")
        local.set(key, section, settings.COMMENTS_THREAD_CACHE_SECONDS)
    return section


def fill_section(section: str, *, csrf_token: str, submission_key: str, thread: str) -> str:
    """The section for one reader: their token and a fresh key first, the thread (readers' text) last."""
    html = section.replace(SECTION_CSRF, csrf_token, 1).replace(SECTION_KEY, submission_key, 1)
    return html.replace(SECTION_THREAD, thread, 1)


# The account links of the header ----------------------------------------------------

ACCOUNT_NAME = "reader-name-placeholder-3a61c9e2"


class _StandIn:
    """The reader as the account links' skeleton is rendered with: a placeholder for the name."""

    is_authenticated = True
    is_anonymous = False
    display_name = ACCOUNT_NAME

    def __init__(self, is_staff: bool):
        self.is_staff = is_staff


def reader_csrf_token(request) -> str:
    """The reader's masked CSRF token for this response: one, whichever of its forms asks (masking costs)."""
    token = getattr(request, "_reader_csrf_token", None)
    if token is None:
        token = request._reader_csrf_token = get_token(request)
    return token


def account_part(request, template_name: str) -> str:
    """The header's account links of a logged-in reader: the skeleton of readers like them (staff or not), kept
    in this process, with their token and then their name (escaped) put in; rendered in full if it does not fit."""
    user = request.user
    key = f"account:{_digest(template_name, bool(user.is_staff), translation.get_language(), settings.RELEASE)}"
    local = caches[settings.BLOG_PAGE_FRAME_CACHE]
    skeleton = local.get(key)
    if skeleton is None:
        skeleton = render_to_string(template_name, {"user": _StandIn(bool(user.is_staff)), "csrf_token": SECTION_CSRF})
        local.set(key, skeleton, settings.BLOG_PAGE_CACHE_SECONDS)
    if skeleton.count(SECTION_CSRF) != 1 or skeleton.count(ACCOUNT_NAME) != 1:
        return render_to_string(template_name, request=request)
    html = skeleton.replace(SECTION_CSRF, reader_csrf_token(request), 1)
    return html.replace(ACCOUNT_NAME, conditional_escape(user.display_name), 1)
