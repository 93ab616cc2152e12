"""The reading side: the home page, the lists, the post pages and search, the pages every visitor opens.

Each view says what its page shows (`page_state()`: for a post its `updated_at` and
`comments_version`, for a list the fingerprint of its posts) and how to render it
(`render_page()`); `caching.pages.PageCacheMixin` serves it: validators and a whole-page cache
for anonymous visitors, a shared frame with the reader's own parts put in for logged-in ones, a
page made from scratch for anyone else. The rules of those caches are at the top of
caching/pages.py.
"""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.generic import ArchiveIndexView, DetailView, ListView, MonthArchiveView, YearArchiveView

from blog import search
from blog.models import Category, Post, Tag
from caching.pages import PageCacheMixin


class PublishedPostMixin:
    model = Post

    def get_queryset(self):
        return Post.objects.published().select_related("author").prefetch_related("categories")


class CachedPageMixin(PageCacheMixin):
    """A page of the site served through the page caches: the header's account links are each reader's own."""

    personal_parts = {"account": "_header_account.html"}
    skeleton_parts = frozenset({"account"})  # the same links for every reader but their name and token


class PostListPageMixin(PublishedPostMixin, CachedPageMixin):
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


class PostDetailView(PublishedPostMixin, CachedPageMixin, DetailView):
    def get_queryset(self):
        # The author, categories and tags are read only when the page is rendered: a 304, a cached page or a
        # reader's page from its frame needs the post row alone (and the row without a join is quicker to ask for).
        return Post.objects.published()

    kind = Post.Kind.POST

    def get_object(self, queryset=None):
        # One query in SQL (Post.objects.published_at_slug: the same rule as get_queryset's, quicker to ask for).
        user = self.request.user
        reader = user.pk if user.is_authenticated else None  # what the page asks about them, in the same query
        posts = Post.objects.published_at_slug(self.kwargs["slug"], kind=self.kind, reader=reader)
        if not posts:
            raise Http404
        return posts[0]

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.serve()

    def page_state(self):
        post = self.object
        return f"post:{post.pk}:{post.updated_at.timestamp()}:{post.comments_version}"

    def page_last_modified(self):
        return self.object.last_changed_at

    personal_parts = {**CachedPageMixin.personal_parts, "comments": "blog/_post_comments.html"}

    def personal_context(self):
        return {"post": self.object}

    def render_page(self, **context):
        prefetch_related_objects([self.object], "author", "categories", "tags")
        return self.render_to_response(self.get_context_data(object=self.object, **context))


class PageDetailView(PostDetailView):
    """A standalone page (imported from another blog): the post page, at its own address, never listed."""

    kind = Post.Kind.PAGE

    def get_queryset(self):
        return Post.objects.published_pages()


class SearchView(CachedPageMixin, ListView):
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
