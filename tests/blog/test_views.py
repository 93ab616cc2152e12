import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestPublished:
    def test_only_published_past_posts(self):
        visible = PostFactory()
        PostFactory(status=Post.Status.DRAFT)
        PostFactory(published_at=timezone.now() + timezone.timedelta(days=1))
        assert list(Post.objects.published()) == [visible]
        assert visible.is_published


class TestHome:
    def test_lists_published_posts_newest_first(self, client):
        old = PostFactory(title="Ancien", published_at=timezone.now() - timezone.timedelta(days=30))
        new = PostFactory(title="Récent")
        PostFactory(title="Brouillon secret", status=Post.Status.DRAFT)
        response = client.get(reverse("blog:post_list"))
        assert list(response.context["post_list"]) == [new, old]
        assert "Brouillon secret" not in response.content.decode()

    def test_paginated(self, client):
        PostFactory.create_batch(12)
        first = client.get(reverse("blog:post_list"))
        second = client.get(reverse("blog:post_list"), {"page": 2})
        assert len(first.context["post_list"]) == 10
        assert len(second.context["post_list"]) == 2
        assert client.get(reverse("blog:post_list"), {"page": 9}).status_code == 404

    def test_counts_only_approved_comments(self, client, post):
        CommentFactory.create_batch(2, post=post, status=Comment.Status.APPROVED)
        CommentFactory(post=post)  # pending: not counted
        post.approved_comment_count = 2  # as the moderation services keep it
        post.save()
        assert "2 commentaires" in client.get(reverse("blog:post_list")).content.decode()

    def test_home_query_count_does_not_grow_with_posts(self, client, django_assert_max_num_queries):
        PostFactory.create_batch(10)
        with django_assert_max_num_queries(4):
            client.get(reverse("blog:post_list"))


class TestPostDetail:
    def test_draft_and_future_posts_are_404(self, client):
        draft = PostFactory(status=Post.Status.DRAFT)
        future = PostFactory(published_at=timezone.now() + timezone.timedelta(hours=1))
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get(future.get_absolute_url()).status_code == 404

    def test_body_is_rendered_markdown(self, client):
        post = PostFactory(body="## Intertitre\n\nUn paragraphe.")
        html = client.get(post.get_absolute_url()).content.decode()
        assert "<h2>Intertitre</h2>" in html

    def test_post_page_with_200_approved_comments_has_a_small_fixed_query_count(
        self, client, post, reader, django_assert_max_num_queries
    ):
        authors = UserFactory.create_batch(20)
        for i in range(200):
            CommentFactory(post=post, author=authors[i % 20], status=Comment.Status.APPROVED)
        client.force_login(reader)
        with django_assert_max_num_queries(7) as captured:
            response = client.get(post.get_absolute_url())
        assert response.status_code == 200
        assert response.content.decode().count('class="comment"') == 200
        print(f"post page, 200 comments, logged-in reader: {len(captured)} queries")

    def test_anonymous_post_page_query_count(self, client, post, django_assert_max_num_queries):
        CommentFactory.create_batch(50, post=post, status=Comment.Status.APPROVED)
        with django_assert_max_num_queries(3):
            client.get(post.get_absolute_url())


class TestEveryPersona:
    @pytest.fixture(params=["anonymous", "unverified", "verified", "moderator"])
    def visitor(self, request, client):
        if request.param != "anonymous":
            client.force_login(
                request.getfixturevalue(
                    {"unverified": "unverified_reader", "verified": "reader"}.get(request.param, request.param)
                )
            )
        return client

    def test_reading_pages_answer_200(self, visitor, post):
        for url in [reverse("blog:post_list"), post.get_absolute_url()]:
            response = visitor.get(url)
            assert response.status_code == 200, url
            assert post.title in response.content.decode()

    def test_unknown_page_is_a_french_404_in_the_site_layout(self, visitor):
        response = visitor.get("/billets/nexiste-pas/")
        assert response.status_code == 404
        assert "Page introuvable" in response.content.decode()
