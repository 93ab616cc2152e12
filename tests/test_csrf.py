"""Every state-changing POST needs its CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


class TestCsrfEverywhere:
    @pytest.mark.parametrize(
        ("url_name", "data"),
        [
            ("account_signup", {"display_name": "X", "email": "x@example.org", "password1": "a", "password2": "a"}),
            ("account_login", {"login": "x@example.org", "password": "a"}),
            ("account_reset_password", {"email": "x@example.org"}),
        ],
    )
    def test_anonymous_forms(self, csrf_client, url_name, data):
        assert csrf_client.post(reverse(url_name), data).status_code == 403

    def test_logout(self, csrf_client, reader):
        csrf_client.force_login(reader)
        assert csrf_client.post(reverse("account_logout")).status_code == 403
        assert "_auth_user_id" in csrf_client.session

    def test_comment(self, csrf_client, reader, post):
        csrf_client.force_login(reader)
        response = csrf_client.post(reverse("comments:create", kwargs={"post_id": post.pk}), {"body": "x"})
        assert response.status_code == 403
        assert not Comment.objects.exists()

    def test_admin_action(self, csrf_client, moderator, pending_comment):
        csrf_client.force_login(moderator)
        response = csrf_client.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "approve", "_selected_action": [pending_comment.pk]},
        )
        assert response.status_code == 403
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING
