from django.views.generic import DetailView, ListView

from blog.models import Post


class PublishedPostMixin:
    model = Post

    def get_queryset(self):
        return Post.objects.published().select_related("author").prefetch_related("categories")


class PostListView(PublishedPostMixin, ListView):
    paginate_by = 10


class PostDetailView(PublishedPostMixin, DetailView):
    pass
