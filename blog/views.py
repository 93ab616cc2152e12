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

Logged-in readers
    A logged-in reader gets a page made for them, `private, no-cache`, without validators —
    but not made from scratch. What differs between readers is a few named parts of the page
    (`personal_parts`: the account links of the header, the comments of a post), each a template
    of its own. The rest, the page *frame*, is rendered once per page state with those parts left
    as holes (``<!--personal:NAME-->``, which no title or sanitized body can hold) and with an
    anonymous user in its context, so nothing of one reader can get into it; each process keeps it
    in its own memory (``BLOG_PAGE_FRAME_CACHE``), under a key that names the page's state and so
    never goes stale. A reader's page is that frame with their parts rendered into the holes.

Everyone else
    A visitor with a message to read gets a page made for them from scratch, `private,
    no-cache`, never stored, without validators; so does a response that sets a cookie.
"""

import hashlib
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.cache import cache_control
from django.views.generic import ArchiveIndexView, DetailView, ListView, MonthArchiveView, YearArchiveView

from blog import search
from blog.models import Category, Post, Tag

# A fixed string, not a random one: cached pages are shared by every process.
NONCE_PLACEHOLDER = "csp-nonce-placeholder-4c7e1f0b"


def _digest(*parts) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).hexdigest()


def _private(response):
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie",))
    return response


def _for_visitor(request, response):
    """Put the visitor's own CSP nonce in place of the placeholder (on the bytes: no decoding of the page)."""
    placeholder = NONCE_PLACEHOLDER.encode()
    if placeholder in response.content:
        response.content = response.content.replace(placeholder, str(get_nonce(request) or "").encode())
    return response


def _front_cache():
    """Where the front entries live: by default the shared cache; better, each process's memory (no round trip)."""
    return caches[getattr(settings, "BLOG_PAGE_FRONT_CACHE", "default")]


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

    # What differs between logged-in readers: a hole's name -> the template that fills it (see the module docstring).
    personal_parts = {"account": "_header_account.html"}

    def personal_context(self) -> dict:
        """What the templates of `personal_parts` need besides the request."""
        return {}

    def dispatch(self, request, *args, **kwargs):
        # The front entry: this URL's last public answer, for BLOG_PAGE_FRONT_SECONDS, served
        # before any query (a page may then lag that long behind the database, as nginx's copy does).
        front = self._front_key(request)
        if front is not None:
            entry = _front_cache().get(front)
            if entry is not None:
                etag, timestamp, html = entry
                response = get_conditional_response(request, etag=etag, last_modified=timestamp)
                return self._public(response or _for_visitor(request, HttpResponse(html)), etag, timestamp)
        return super().dispatch(request, *args, **kwargs)

    def _front_key(self, request):
        if not getattr(settings, "BLOG_PAGE_FRONT_SECONDS", 0) or request.method not in ("GET", "HEAD"):
            return None
        if not self.cacheable_query.fullmatch(request.META.get("QUERY_STRING", "")):
            return None
        if request.user.is_authenticated or len(get_messages(request)):
            return None
        path = request.get_full_path()
        return f"front:{_digest(path, translation.get_language(), getattr(settings, 'RELEASE', ''))}"

    def _public(self, response, etag, timestamp):
        response.headers["ETag"] = etag
        if timestamp:
            response.headers["Last-Modified"] = http_date(timestamp)
        patch_cache_control(response, public=True, max_age=getattr(settings, "BLOG_PAGE_MAX_AGE", 60))
        patch_vary_headers(response, ("Cookie",))
        return response

    def serve(self):
        request = self.request
        if len(get_messages(request)):
            return _private(self.render_page())
        if request.user.is_authenticated:
            return _private(self._reader_page())
        state = _digest(
            self.page_state(), request.get_full_path(), translation.get_language(), getattr(settings, "RELEASE", "")
        )
        etag = f'W/"{state}"'
        last_modified = self.page_last_modified()
        timestamp = int(last_modified.timestamp()) if last_modified else None
        response = get_conditional_response(request, etag=etag, last_modified=timestamp)
        if response is None:
            response = self._anonymous_page(state, etag, timestamp)
        if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # made for this visitor
            return _private(response)
        return self._public(response, etag, timestamp)

    def _reader_page(self):
        """A logged-in reader's page: the frame every reader shares, with this reader's parts put in."""
        request = self.request
        if not self.cacheable_query.fullmatch(request.META.get("QUERY_STRING", "")):
            return self.render_page()  # e.g. ?reply=: made afresh, as for anyone
        key = "frame:" + _digest(
            self.page_state(), request.get_full_path(), translation.get_language(), getattr(settings, "RELEASE", "")
        )
        frames = caches[settings.BLOG_PAGE_FRAME_CACHE]
        frame = frames.get(key)
        if frame is None:
            token_used = request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
            response = self.render_page(page_frame=True, user=AnonymousUser(), csp_nonce=NONCE_PLACEHOLDER)
            response.render()
            # A frame must hold nothing of its first reader's: a page that reached for a CSRF token or
            # the real nonce outside the holes is that reader's alone, made again in full.
            personal = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or get_nonce(request)
            if token_used:
                request.META["CSRF_COOKIE_NEEDS_UPDATE"] = token_used
            if response.status_code != 200 or personal:
                return self.render_page()
            frame = response.content.decode()
            frames.set(key, frame, getattr(settings, "BLOG_PAGE_CACHE_SECONDS", 300))
        context = self.personal_context()
        for name, template_name in self.personal_parts.items():
            part = render_to_string(template_name, context, request=request)
            frame = frame.replace(f"<!--personal:{name}-->", part, 1)
        return _for_visitor(request, HttpResponse(frame))

    def _anonymous_page(self, state, etag=None, timestamp=None):
        request = self.request
        timeout = getattr(settings, "BLOG_PAGE_CACHE_SECONDS", 300)
        front = self._front_key(request)
        key = None
        if timeout and self.cacheable_query.fullmatch(request.META.get("QUERY_STRING", "")):
            key = f"page:{state}"
            html = cache.get(key)  # bytes, as the response holds them
            if html is not None:
                if front:
                    _front_cache().set(front, (etag, timestamp, html), settings.BLOG_PAGE_FRONT_SECONDS)
                return _for_visitor(request, HttpResponse(html))
        token_used = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        response = self.render_page(csp_nonce=NONCE_PLACEHOLDER)
        response.render()
        # A template that reached for a CSRF token or the real nonce made a page for this visitor alone.
        personal = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") != token_used or get_nonce(request)
        if key and response.status_code == 200 and not response.cookies and not personal:
            cache.set(key, response.content, timeout)
            if front:
                _front_cache().set(front, (etag, timestamp, response.content), settings.BLOG_PAGE_FRONT_SECONDS)
        return _for_visitor(request, response)


class PostListPageMixin(PublishedPostMixin, AnonymousCacheMixin):
    """A list of published posts, 10 a page (``?page=N``), cached for anonymous readers.

    `get()` sets `object_list` and serves; the page's state is what `page_subject()` names (a
    category's name, an author's) and the fingerprint of the posts listed, one aggregate query.
    """

    paginate_by = 10
    cacheable_query = re.compile(r"(page=[1-9][0-9]{0,5})?")

    def page_subject(self) -> str:
        return self.request.path

    def page_state(self):
        return f"{self.page_subject()}:{self.object_list.fingerprint()}"

    def render_page(self, **context):
        return self.render_to_response(self.get_context_data(**context))


class PostListView(PostListPageMixin, ListView):
    def get(self, request, *args, **kwargs):
        self.object_list = self.get_queryset()
        return self.serve()


class CategoryPostListView(PostListView):
    template_name = "blog/category_detail.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(categories=self.category)

    def page_subject(self):
        return f"category:{self.category.pk}:{self.category.name}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class TagPostListView(PostListView):
    template_name = "blog/tag_detail.html"

    def get(self, request, *args, **kwargs):
        self.tag = get_object_or_404(Tag, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(tags=self.tag)

    def page_subject(self):
        return f"tag:{self.tag.pk}:{self.tag.name}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorPostListView(PostListView):
    """An author's posts, at their user id: only someone with a published post has such a page, never a reader."""

    template_name = "blog/author_detail.html"

    def get(self, request, *args, **kwargs):
        authors = get_user_model().objects.filter(Exists(Post.objects.published().filter(author=OuterRef("pk"))))
        self.author = get_object_or_404(authors.only("pk", "display_name"), pk=kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(author=self.author)

    def page_subject(self):
        return f"author:{self.author.pk}:{self.author.display_name}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class DatedPostListMixin(PostListPageMixin):
    """Django's date-based archives over the published posts, served through the same cache."""

    date_field = "published_at"
    make_object_list = True

    def get(self, request, *args, **kwargs):
        self.date_list, self.object_list, self.dated_context = self.get_dated_items()
        return self.serve()

    def get_context_data(self, **kwargs):
        return super().get_context_data(date_list=self.date_list, **self.dated_context, **kwargs)


class PostArchiveIndexView(DatedPostListMixin, ArchiveIndexView):
    """Every month with a published post, and the latest posts."""

    template_name = "blog/post_archive.html"
    context_object_name = "post_list"  # not the generic view's "latest": the lists share their templates
    date_list_period = "month"
    allow_empty = True

    def get_date_list(self, queryset, date_type=None, ordering="DESC"):
        return super().get_date_list(queryset.order_by(), date_type, ordering)


class PostYearArchiveView(DatedPostListMixin, YearArchiveView):
    template_name = "blog/post_archive_year.html"

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        return super().get_date_list(queryset.order_by(), date_type, ordering)


class PostMonthArchiveView(DatedPostListMixin, MonthArchiveView):
    template_name = "blog/post_archive_month.html"
    month_format = "%m"

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        return super().get_date_list(queryset.order_by(), date_type, ordering)


class PostDetailView(PublishedPostMixin, AnonymousCacheMixin, DetailView):
    def get_queryset(self):
        # The author, categories and tags are read only when the page is rendered: a 304, a cached page or a
        # reader's page from its frame needs the post row alone (and the row without a join is quicker to ask for).
        return Post.objects.published()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.serve()

    def page_state(self):
        post = self.object
        return f"post:{post.pk}:{post.updated_at.timestamp()}:{post.comments_version}"

    def page_last_modified(self):
        return self.object.last_changed_at

    personal_parts = {**AnonymousCacheMixin.personal_parts, "comments": "blog/_post_comments.html"}

    def personal_context(self):
        return {"post": self.object}

    def render_page(self, **context):
        prefetch_related_objects([self.object], "author", "categories", "tags")
        return self.render_to_response(self.get_context_data(object=self.object, **context))


class SearchView(AnonymousCacheMixin, ListView):
    """GET /recherche/?q=…: published posts (see blog.search), and approved comments through the comments app's tag.

    Cached by the browser and proxies like any anonymous page (the state is every published post's
    fingerprint, comments versions included), but only a bare /recherche/ is kept in the page cache:
    queries are endless.
    """

    template_name = "blog/search.html"
    paginate_by = 10

    def get(self, request, *args, **kwargs):
        self.query = search.parse(request.GET.get("q"))
        self.object_list = search.search_posts(self.query)
        return self.serve()

    def page_state(self):
        return f"search:{Post.objects.published().fingerprint()}"

    def render_page(self, **context):
        context = self.get_context_data(
            query=self.query,
            searched="q" in self.request.GET,
            query_string=urlencode({"q": self.query.text}) if self.query.text else "",
            **context,
        )
        context["post_list"] = context["object_list"] = search.with_excerpts(context["object_list"], self.query)
        return self.render_to_response(context)


@cache_control(public=True, max_age=86400)
def robots_txt(request):
    """robots.txt: the private parts closed to robots, and the sitemap's absolute address."""
    return render(
        request,
        "robots.txt",
        {"sitemap_url": f"{settings.SITE_URL}{reverse('sitemap')}"},
        content_type="text/plain; charset=utf-8",
    )
