import pytest
from django.urls import reverse

from comments.models import Comment
from tests.factories import CommentFactory, ModeratorFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"


def run_action(client, action, comments):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


class TestModerationQueue:
    def test_queue_opens_on_pending_newest_first(self, client, moderator, post):
        older = CommentFactory(post=post, body="Ancien en attente")
        newer = CommentFactory(post=post, body="Récent en attente")
        CommentFactory(post=post, body="Déjà approuvé", status=Comment.Status.APPROVED)
        client.force_login(moderator)
        response = client.get(reverse(CHANGELIST))
        html = response.content.decode()
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [newer, older]
        assert "Déjà approuvé" not in html

    def test_status_filter_shows_all_on_request(self, client, moderator, post):
        CommentFactory(post=post, body="Déjà approuvé", status=Comment.Status.APPROVED)
        client.force_login(moderator)
        html = client.get(reverse(CHANGELIST), {"statut": "tous"}).content.decode()
        assert "Déjà approuvé" in html

    def test_excerpt_is_escaped(self, client, moderator, post):
        CommentFactory(post=post, body="<script>alert('x')</script>")
        client.force_login(moderator)
        html = client.get(reverse(CHANGELIST)).content.decode()
        assert "<script>alert('x')</script>" not in html
        assert "&lt;script&gt;" in html

    def test_search_finds_text_and_author(self, client, moderator, post):
        CommentFactory(post=post, body="Parlons de crowdfunding", author=UserFactory(display_name="Zoé"))
        CommentFactory(post=post, body="Autre sujet")
        client.force_login(moderator)
        for term in ["crowdfunding", "Zoé"]:
            results = client.get(reverse(CHANGELIST), {"q": term}).context["cl"].result_list
            assert [c.body for c in results] == ["Parlons de crowdfunding"]

    def test_queue_page_makes_a_fixed_number_of_queries(self, client, moderator, django_assert_max_num_queries):
        for post in PostFactory.create_batch(5):
            CommentFactory.create_batch(20, post=post)
        client.force_login(moderator)
        with django_assert_max_num_queries(12):
            assert client.get(reverse(CHANGELIST)).status_code == 200


class TestBulkActions:
    @pytest.mark.parametrize(
        ("action", "status"),
        [("approve", Comment.Status.APPROVED), ("reject", Comment.Status.REJECTED), ("mark_spam", Comment.Status.SPAM)],
    )
    def test_moderator_decides_in_bulk(self, client, moderator, post, action, status):
        comments = CommentFactory.create_batch(3, post=post)
        client.force_login(moderator)
        response = run_action(client, action, comments)
        assert response.status_code == 200
        for comment in comments:
            comment.refresh_from_db()
            assert comment.status == status
            assert comment.moderated_by == moderator
            assert comment.events.filter(action=status).exists()

    def test_staff_without_moderation_permission_cannot_reach_the_queue(self, client, pending_comment):
        client.force_login(UserFactory(is_staff=True))
        assert client.get(reverse(CHANGELIST)).status_code == 403
        response = client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": [pending_comment.pk]})
        assert response.status_code == 403
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING

    def test_viewer_without_moderate_permission_gets_no_actions(self, client, pending_comment):
        from django.contrib.auth.models import Permission

        viewer = UserFactory(is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
        client.force_login(viewer)
        response = client.get(reverse(CHANGELIST))
        assert response.status_code == 200
        assert response.context["action_form"] is None  # no action offered at all
        run_action(client, "approve", [pending_comment])
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING


class TestModeratorsGroup:
    def test_moderator_can_do_nothing_else_in_the_admin(self, client, moderator, pending_comment):
        client.force_login(moderator)
        forbidden = [
            reverse("admin:blog_post_changelist"),
            reverse("admin:blog_post_add"),
            reverse("admin:accounts_user_changelist"),
            reverse("admin:auth_group_changelist"),
            reverse("admin:comments_comment_delete", args=[pending_comment.pk]),
            reverse("admin:comments_comment_add"),
        ]
        for url in forbidden:
            assert client.get(url).status_code == 403, url

    def test_moderator_cannot_rewrite_a_comment(self, client, moderator, pending_comment):
        client.force_login(moderator)
        url = reverse("admin:comments_comment_change", args=[pending_comment.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert 'name="body"' not in page.content.decode()
        client.post(url, {"body": "réécrit", "status": "approved"})
        pending_comment.refresh_from_db()
        assert pending_comment.body == "Mon avis, en attente."
        assert pending_comment.status == Comment.Status.PENDING

    def test_moderator_reads_the_history_of_a_comment(self, client, moderator, pending_comment):
        from comments.services import comment_reject

        comment_reject(comment=pending_comment, moderator=moderator, reason="Hors sujet")
        client.force_login(moderator)
        html = client.get(reverse("admin:comments_comment_change", args=[pending_comment.pk])).content.decode()
        assert "Hors sujet" in html
        assert "Refusé" in html
        assert "Mina Modératrice" in html

    def test_index_shows_only_the_moderation_app(self, client, moderator):
        client.force_login(moderator)
        response = client.get(reverse("admin:index"))
        app_labels = [app["app_label"] for app in response.context["app_list"]]
        assert app_labels == ["comments"]


class TestAdminIndex:
    def test_index_shows_how_many_comments_wait(self, client, moderator, post):
        CommentFactory.create_batch(3, post=post)
        CommentFactory(post=post, status=Comment.Status.APPROVED)
        client.force_login(moderator)
        html = client.get(reverse("admin:index")).content.decode()
        assert "3 commentaires en attente" in html

    def test_superuser_sees_the_count_too(self, client, post):
        CommentFactory(post=post)
        admin = UserFactory(is_staff=True, is_superuser=True)
        client.force_login(admin)
        assert "1 commentaire en attente" in client.get(reverse("admin:index")).content.decode()

    def test_moderator_factory_is_in_the_group(self):
        assert ModeratorFactory().groups.filter(name="Modérateurs").exists()
