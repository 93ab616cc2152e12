"""The caches of the reading pages: the only module that knows their keys and their holes.

Views inherit `PageCacheMixin`, the comments' template tag asks `cached_thread`, templates mark
holes with the ``{% personal_hole %}`` and ``{% thread_hole %}`` tags (``{% load caching %}``).

What is cached, for whom, keyed on what
    page    An anonymous visitor's whole page, as bytes, in the shared cache (``default``: Redis in
            production) for BLOG_PAGE_CACHE_SECONDS (0: off). Key: the page's *state* — what the
            view says it shows (`page_state()`), the full path, the language, settings.RELEASE —
            hashed; the same hash is the page's weak ETag.
    front   That same answer, its headers as the middleware inside `FrontEntryMiddleware` left them
            (ETag, Last-Modified, Vary, Content-Language…), in each process's memory unpickled
            (BLOG_PAGE_FRONT_CACHE) for BLOG_PAGE_FRONT_SECONDS (0: off, as under DEBUG), served by
            that middleware to the next visitor with neither a session nor a messages cookie —
            before the session, the user, the URL resolver and any query. Key: the full path, the
            language the address says (every reading page is under config/urls.py's i18n_patterns)
            and RELEASE — not the state, which would take a query to know.
    frame   A logged-in reader's page without what is theirs: rendered with an anonymous user,
            a CSP nonce placeholder and, where each of the view's `personal_parts` goes, a hole
            ``<!--personal:NAME-->``; in each process's memory (BLOG_PAGE_FRAME_CACHE, unpickled)
            for BLOG_PAGE_CACHE_SECONDS. Key: the page's state, as for `page`. A reader's page is
            the frame with their parts rendered into the holes.
    section, account  A logged-in reader's personal parts, shared as skeletons: caching/skeletons.py.
    thread  A post's published comment thread (comments/templatetags/comments.py renders it and
            says what it holds), with holes ``<!--c:KIND:PK-->`` and where each lies, in the
            shared cache and in each process's memory (COMMENTS_THREAD_LOCAL_CACHE, unpickled) for
            COMMENTS_THREAD_CACHE_SECONDS. Key: the post, its comments version, the language.

    Browsers and proxies: an anonymous page is ``public, max-age=BLOG_PAGE_MAX_AGE`` with its
    ETag (and the view's Last-Modified); a matching If-None-Match or If-Modified-Since gets a 304.
    Every answer varies on Cookie.

Never stored
    A page for someone with a message to read, a logged-in reader's page (only its frame is),
    a response that sets a cookie, a page whose rendering asked for a CSRF token or the real CSP
    nonce (it holds something of its visitor's: `private, no-cache`, served to them alone), an
    answer other than 200, and a URL whose query string the view's `cacheable_query` does not
    allow (one spelling per page, so odd query strings cannot fill the cache; ?reply= is made
    afresh). A thread's holes are filled for each reader, stored filled only with what every
    logged-in reader gets (« Merci » goes in a `note` hole, for its author's one page). Holes
    hold nothing a reader typed: sanitizing strips HTML comments, names are escaped.

Dropped when
    Never explicitly: every key names one state of what it holds, so a change makes the next
    request ask for another key, and the old entry expires with its timeout or makes room in a
    full process memory. A post's edit changes its `updated_at`; any change readers must see in
    its comments raises its `comments_version` (`comments.services.post_refresh_comments`), which
    is in the post page's state and the thread's key, and in the lists' fingerprint; a deploy
    changes RELEASE (settings.py puts it in Redis's KEY_PREFIX too). Only a front entry can lag
    behind the database, by BLOG_PAGE_FRONT_SECONDS at most, as nginx's micro-cache does.
"""

import hashlib
import re
from collections.abc import Callable

from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.safestring import SafeString, mark_safe

from caching.skeletons import account_part

# A fixed string, not a random one: cached pages are shared by every process.
NONCE_PLACEHOLDER = "csp-nonce-placeholder-4c7e1f0b"

THREAD_HOLE = re.compile(r"<!--c:(actions|before|end|new|note):(\d+)-->")
THREAD_HOLE_KINDS = frozenset({"actions", "before", "end", "new", "note"})

# The template tags that mark holes: TEMPLATES' "libraries" names this module "caching".
register = template.Library()


# Keys -------------------------------------------------------------------------


def _digest(*parts) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).hexdigest()


def _page_state(view_state: str, request) -> str:
    return _digest(view_state, request.get_full_path(), translation.get_language(), settings.RELEASE)


def _front_key(request) -> str | None:
    """The front entry's key for this request, or None when it may have none: a GET or HEAD from a visitor
    with neither a session cookie (logged in, or who might be) nor a messages cookie (something to read)."""
    if not settings.BLOG_PAGE_FRONT_SECONDS or request.method not in ("GET", "HEAD"):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return None
    return f"front:{_digest(request.get_full_path(), _address_language(request), settings.RELEASE)}"


def _address_language(request) -> str:
    """The language a reading page's address says: its prefix, or none for the default (config/urls.py)."""
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def _page_key(state: str) -> str:
    return f"page:{state}"


def _frame_key(state: str) -> str:
    return f"frame:{state}"


def _thread_key(post_pk: int, comments_version: int) -> str:
    return f"post:{post_pk}:thread:{comments_version}:{translation.get_language()}"


# Holes ------------------------------------------------------------------------


@register.simple_tag
def personal_hole(name: str) -> SafeString:
    """Where the page's personal part `name` goes in a frame."""
    return mark_safe(f"<!--personal:{name}-->")  # noqa: S308 — our own constant text


@register.simple_tag
def thread_hole(kind: str, pk: int) -> SafeString:
    """A hole of the cached thread: `kind` (actions, before, end, new, note) at comment `pk` (0: the top level)."""
    if kind not in THREAD_HOLE_KINDS:
        raise ValueError(f"No thread hole of kind {kind!r}")
    return mark_safe(f"<!--c:{kind}:{int(pk)}-->")  # noqa: S308 — our own constant text and a number


def empty_thread_holes(html: str) -> str:
    """`html` with every thread hole taken out."""
    return THREAD_HOLE.sub("", html)


def fill_thread_holes(html: str, fill: Callable[[str, int], str]) -> tuple[str, dict]:
    """`html` with each thread hole replaced by `fill(kind, pk)`, and where each one's text lies in the result.

    The positions, ``{(kind, pk): (start, length)}``, let `splice` change a few holes later
    without a pass over the whole HTML.
    """
    parts, holes, position, last = [], {}, 0, 0
    for hole in THREAD_HOLE.finditer(html):
        kind, pk = hole.group(1), int(hole.group(2))
        text = fill(kind, pk)
        position += hole.start() - last
        holes[(kind, pk)] = (position, len(text))
        parts += (html[last : hole.start()], text)
        position += len(text)
        last = hole.end()
    parts.append(html[last:])
    return "".join(parts), holes


def splice(html: str, holes: dict, changes: dict) -> str:
    """`html` with the text at each changed hole (positions from `fill_thread_holes`) replaced: a few slices."""
    parts, last = [], 0
    for (start, length), text in sorted((holes[hole], text) for hole, text in changes.items() if hole in holes):
        parts += (html[last:start], text)
        last = start + length
    parts.append(html[last:])
    return "".join(parts)


# The comment thread -------------------------------------------------------------


def cached_thread(*, post_pk: int, comments_version: int, render: Callable[[], dict]) -> dict:
    """A post's thread at one comments version in the current language: from this process, Redis, or `render()`.

    The value is shared by every reader of this process: read-only.
    """
    key = _thread_key(post_pk, comments_version)
    local = caches[settings.COMMENTS_THREAD_LOCAL_CACHE]
    thread = local.get(key)
    if thread is None:
        timeout = settings.COMMENTS_THREAD_CACHE_SECONDS
        thread = cache.get(key)
        if thread is None:
            thread = render()
            cache.set(key, thread, timeout)
        local.set(key, thread, timeout)
    return thread


# Pages --------------------------------------------------------------------------


def _private(response):
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie",))
    return response


def _public(response, etag, timestamp):
    response.headers["ETag"] = etag
    if timestamp:
        response.headers["Last-Modified"] = http_date(timestamp)
    patch_cache_control(response, public=True, max_age=settings.BLOG_PAGE_MAX_AGE)
    patch_vary_headers(response, ("Cookie",))
    return response


def _visitor_nonce(request) -> bytes:
    """This request's CSP nonce, made now if nothing asked for it yet (a LazyNonce is falsy until then)."""
    nonce = get_nonce(request)
    return b"" if nonce is None else str(nonce).encode()


def _for_visitor(request, response):
    """Put the visitor's own CSP nonce in place of the placeholder (on the bytes: no decoding of the page)."""
    placeholder = NONCE_PLACEHOLDER.encode()
    if placeholder in response.content:
        response.content = response.content.replace(placeholder, _visitor_nonce(request))
    return response


def _front_cache():
    return caches[settings.BLOG_PAGE_FRONT_CACHE]


# The front entry -----------------------------------------------------------------

# What a 304 from the front entry carries (as Django's own conditional answers do).
_NOT_MODIFIED_HEADERS = frozenset({"cache-control", "etag", "expires", "last-modified", "vary"})


def _offer_front(request, response, etag, timestamp, html: bytes):
    """Mark `response` as this URL's front entry, if the request may have one: `FrontEntryMiddleware`
    keeps it on the way out, with the headers the middleware inside it adds."""
    if getattr(request, "_front_key", None) is not None:
        response.front_entry = (etag, timestamp, tuple(html.split(NONCE_PLACEHOLDER.encode())))
    return response


def front_answer(request):
    """This URL's front entry for this visitor, as a response, or None (`FrontEntryMiddleware`). The key is kept
    on the request for `_offer_front` and `keep_front` on the way out."""
    key = request._front_key = _front_key(request)
    if key is None:
        return None
    request.get_host()  # a Host outside ALLOWED_HOSTS is refused here as inside (400)
    entry = _front_cache().get(key)
    if entry is None:
        return None
    etag, timestamp, parts, headers = entry
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is not None:
        headers = [(name, value) for name, value in headers if name.lower() in _NOT_MODIFIED_HEADERS]
    else:
        # The visitor's own CSP nonce where the page has one (the CSP middleware puts it in the header).
        nonce = _visitor_nonce(request) if len(parts) > 1 else b""
        response = HttpResponse(nonce.join(parts))
        response.headers["Content-Length"] = str(len(response.content))
    for name, value in headers:
        response.headers[name] = value
    return response


def keep_front(request, response) -> None:
    """Keep `response` as this URL's front entry if the page cache offered it and nothing inside made it personal."""
    offered = getattr(response, "front_entry", None)
    key = getattr(request, "_front_key", None)
    if offered is None or key is None or response.status_code != 200 or response.cookies:
        return
    if "public" not in response.get("Cache-Control", "") or translation.get_language() != _address_language(request):
        return
    etag, timestamp, parts = offered
    headers = tuple((n, v) for n, v in response.headers.items() if n.lower() not in ("content-length", "set-cookie"))
    _front_cache().set(key, (etag, timestamp, parts, headers), settings.BLOG_PAGE_FRONT_SECONDS)


class PageCacheMixin:
    """A reading page served through the caches above (see the module docstring).

    A view sets `object_list` or `object` in `get()` and returns `self.serve()`; it says what
    its page shows in `page_state()` and renders it in `render_page(**context)`, passing the
    context on (``page_frame``, ``user``, ``csp_nonce`` when a frame is made).
    """

    # The query strings a page may be cached under (anything else, e.g. ?reply=, is answered afresh).
    cacheable_query = re.compile(r"")
    # What differs between logged-in readers: a hole's name -> the template that fills it.
    personal_parts: dict[str, str] = {}
    # Those of them filled from a shared skeleton by `account_part` (the reader's name and token only).
    skeleton_parts: frozenset[str] = frozenset()

    def page_state(self) -> str:
        """A string that changes whenever the page would show something else."""
        raise NotImplementedError

    def page_last_modified(self):
        return None

    def render_page(self, **context):
        raise NotImplementedError

    def personal_context(self) -> dict:
        """What the templates of `personal_parts` need besides the request."""
        return {}

    def _cacheable_query(self) -> bool:
        return bool(self.cacheable_query.fullmatch(self.request.META.get("QUERY_STRING", "")))

    def serve(self):
        request = self.request
        if len(get_messages(request)):
            return _private(self.render_page())
        if request.user.is_authenticated:
            return _private(self._reader_page())
        state = _page_state(self.page_state(), request)
        etag = f'W/"{state}"'
        last_modified = self.page_last_modified()
        timestamp = int(last_modified.timestamp()) if last_modified else None
        response = get_conditional_response(request, etag=etag, last_modified=timestamp)
        if response is None:
            response = self._anonymous_page(state, etag, timestamp)
        if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # made for this visitor
            return _private(response)
        return _public(response, etag, timestamp)

    def _reader_page(self):
        """A logged-in reader's page: the frame every reader shares, with this reader's parts put in."""
        request = self.request
        if not self._cacheable_query():
            return self.render_page()  # e.g. ?reply=: made afresh, as for anyone
        key = _frame_key(_page_state(self.page_state(), request))
        frames = caches[settings.BLOG_PAGE_FRAME_CACHE]
        frame = frames.get(key)
        if frame is None:
            frame = self._render_frame()
            if frame is None:
                return self.render_page()
            frames.set(key, frame, settings.BLOG_PAGE_CACHE_SECONDS)
        context = self.personal_context()
        for name, template_name in self.personal_parts.items():
            if name in self.skeleton_parts:
                part = account_part(request, template_name)
            else:
                part = render_to_string(template_name, context, request=request)
            frame = frame.replace(personal_hole(name), part, 1)
        return _for_visitor(request, HttpResponse(frame))

    def _render_frame(self) -> str | None:
        """The page with holes for the personal parts, or None if its rendering reached for something personal."""
        request = self.request
        # Whether the reader's CSRF cookie needs sending is theirs, not the frame's: set it aside while rendering.
        token_used = request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
        response = self.render_page(page_frame=True, user=AnonymousUser(), csp_nonce=NONCE_PLACEHOLDER)
        response.render()
        # A frame must hold nothing of its first reader's: a page that reached for a CSRF token or
        # the real nonce outside the holes is that reader's alone, made again in full.
        personal = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or get_nonce(request)
        if token_used:
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = token_used
        if response.status_code != 200 or personal:
            return None
        return response.content.decode()

    def _anonymous_page(self, state, etag=None, timestamp=None):
        request = self.request
        timeout = settings.BLOG_PAGE_CACHE_SECONDS
        key = None
        if timeout and self._cacheable_query():
            key = _page_key(state)
            html = cache.get(key)  # bytes, as the response holds them
            if html is not None:
                return _offer_front(request, _for_visitor(request, HttpResponse(html)), etag, timestamp, html)
        token_used = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        response = self.render_page(csp_nonce=NONCE_PLACEHOLDER)
        response.render()
        # A template that reached for a CSRF token or the real nonce made a page for this visitor alone.
        personal = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") != token_used or get_nonce(request)
        if key and response.status_code == 200 and not response.cookies and not personal:
            cache.set(key, response.content, timeout)
            return _offer_front(request, _for_visitor(request, response), etag, timestamp, response.content)
        return _for_visitor(request, response)
