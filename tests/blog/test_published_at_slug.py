"""Post.objects.published_at_slug, the post page's lookup in SQL, gives what published() and published_pages() give."""

import itertools

import pytest
from django.utils import timezone

from blog.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


class TestSameRuleAsTheQuerySet:
    def test_every_status_date_and_kind(self):
        now = timezone.now()
        cases = itertools.product(
            Post.Status.values,
            (now - timezone.timedelta(days=1), now + timezone.timedelta(days=1)),
            Post.Kind.values,
        )
        for n, (status, published_at, kind) in enumerate(cases):
            PostFactory(slug=f"cas-{n}", status=status, published_at=published_at, kind=kind)
        assert Post.objects.count() > 4
        for post in Post.objects.all():
            for kind, rule in (
                (Post.Kind.POST, Post.objects.published()),
                (Post.Kind.PAGE, Post.objects.published_pages()),
            ):
                expected = list(rule.filter(slug=post.slug))
                assert list(Post.objects.published_at_slug(post.slug, kind=kind)) == expected, (post.slug, kind)

    def test_a_post_and_a_page_at_their_own_address(self, client):
        post = PostFactory(slug="un-billet")
        page = PostFactory(slug="une-page", kind=Post.Kind.PAGE)
        PostFactory(slug="brouillon", status=Post.Status.DRAFT)
        assert client.get(post.get_absolute_url()).status_code == 200
        assert client.get(page.get_absolute_url()).status_code == 200
        assert client.get("/billets/une-page/").status_code == 404
        assert client.get("/pages/un-billet/").status_code == 404
        assert client.get("/billets/brouillon/").status_code == 404
        assert client.get("/billets/nulle-part/").status_code == 404
