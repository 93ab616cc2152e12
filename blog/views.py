"""The reading side: the home page and the post pages, the pages every visitor opens.

Anonymous readers
    Each page says what it shows with a weak ETag — for a post its `updated_at` and
    `comments_version`, for the home `Post.objects.published().fingerprint()`; with the path,
    the language and `settings.RELEASE` — and a post page adds `Last-Modified`
    (`Post.last_changed_at`). A matching `If-None-Match` or `If-Modified-Since` gets a 304
    after one query. The answer is `public, max-age=BLOG_PAGE_MAX_AGE` and varies on Cookie
    (a session cookie means a page made for its holder).

    The whole page is also kept in the cache under that same state, so the next anonymous
    visitor costs the one query that reads it. Nothing on an anonymous page belongs to its
    visitor: the language switch is a pair of links (French at the root, English under /en/),
    and the only form an anonymous page could hold would need a CSRF token — a page whose
    rendering asked for one is served to its visitor alone and never stored. A CSP nonce, if a
    page uses one, is put in from a placeholder as the page is served.

Everyone else
    A logged-in reader, or a visitor with a message to read, gets a page made for them,
    `private, no-cache`, never stored, without validators; so does a response that sets a
    cookie.
"""

import hashlib
import re

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.views.generic import DetailView, ListView

from blog.models import Post

# A fixed string, not a random one: cached pages are shared by every process.
NONCE_PLACEHOLDER = "csp-nonce-placeholder-4c7e1f0b"


def _digest(*parts) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).hexdigest()


def _private(response):
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie",))
    return response


def _for_visitor(request, response):
    """Put the visitor's own CSP nonce in place of the placeholder."""
    html = response.content.decode(response.charset)
    if NONCE_PLACEHOLDER in html:
        response.content = html.replace(NONCE_PLACEHOLDER, str(get_nonce(request) or ""))
    return response


class PublishedPostMixin:
    model = Post

    def get_queryset(self):
        return Post.objects.published().select_related("author").prefetch_related("categories")


class AnonymousCacheMixin:
    """Validators, Cache-Control and a whole-page cache for anonymous readers (see the module docstring)."""

    # The query strings a page may be cached under (anything else, e.g. ?reply=, is answered afresh):
    # one spelling per page, so odd query strings cannot fill the cache.
    cacheable_query = re.compile(r"")

    def page_state(self) -> str:
        """A string that changes whenever the page would show something else."""
        raise NotImplementedError

    def page_last_modified(self):
        return None

    def render_page(self, **context):
        raise NotImplementedError

    def serve(self):
        request = self.request
        if request.user.is_authenticated or len(get_messages(request)):
            return _private(self.render_page())
        state = _digest(
            self.page_state(), request.get_full_path(), translation.get_language(), getattr(settings, "RELEASE", "")
        )
        etag = f'W/"{state}"'
        last_modified = self.page_last_modified()
        timestamp = int(last_modified.timestamp()) if last_modified else None
        response = get_conditional_response(request, etag=etag, last_modified=timestamp)
        if response is None:
            response = self._anonymous_page(state)
        if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # made for this visitor
            return _private(response)
        response.headers["ETag"] = etag
        if timestamp:
            response.headers["Last-Modified"] = http_date(timestamp)
        patch_cache_control(response, public=True, max_age=getattr(settings, "BLOG_PAGE_MAX_AGE", 60))
        patch_vary_headers(response, ("Cookie",))
        return response

    def _anonymous_page(self, state):
        request = self.request
        timeout = getattr(settings, "BLOG_PAGE_CACHE_SECONDS", 300)
        key = None
        if timeout and self.cacheable_query.fullmatch(request.META.get("QUERY_STRING", "")):
            key = f"page:{state}"
            html = cache.get(key)
            if html is not None:
                return _for_visitor(request, HttpResponse(html))
        token_used = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        response = self.render_page(csp_nonce=NONCE_PLACEHOLDER)
        response.render()
        # A template that reached for a CSRF token or the real nonce made a page for this visitor alone.
        personal = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") != token_used or get_nonce(request)
        if key and response.status_code == 200 and not response.cookies and not personal:
            cache.set(key, response.content.decode(response.charset), timeout)
        return _for_visitor(request, response)


class PostListView(PublishedPostMixin, AnonymousCacheMixin, ListView):
    paginate_by = 10
    cacheable_query = re.compile(r"(page=[1-9][0-9]{0,5})?")

    def get(self, request, *args, **kwargs):
        self.object_list = self.get_queryset()
        return self.serve()

    def page_state(self):
        return f"home:{Post.objects.published().fingerprint()}"

    def render_page(self, **context):
        return self.render_to_response(self.get_context_data(**context))


class PostDetailView(PublishedPostMixin, AnonymousCacheMixin, DetailView):
    def get_queryset(self):
        # The categories are read only when the page is rendered: a 304 or a cached page needs the post row alone.
        return Post.objects.published().select_related("author")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.serve()

    def page_state(self):
        post = self.object
        return f"post:{post.pk}:{post.updated_at.timestamp()}:{post.comments_version}"

    def page_last_modified(self):
        return self.object.last_changed_at

    def render_page(self, **context):
        prefetch_related_objects([self.object], "categories")
        return self.render_to_response(self.get_context_data(object=self.object, **context))
