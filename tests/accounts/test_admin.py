from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:accounts_user_changelist"
CHANGE = "admin:accounts_user_change"
SANCTION = "admin:accounts_user_sanction"


def sanction(client, user, value, **extra):
    return client.post(reverse(SANCTION, args=[user.pk]), {"sanction": value, **extra}, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


class TestUserList:
    def test_columns_show_sanction_and_trust(self, client, moderator):
        UserFactory(display_name="Bruno Banni", banned_at=timezone.now())
        UserFactory(display_name="Sacha Suspendu", suspended_until=timezone.now() + timedelta(days=3))
        UserFactory(display_name="Théo Fiable", trusted=True)
        client.force_login(moderator)
        response = client.get(reverse(CHANGELIST))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Banni le " in html
        assert "Suspendu jusqu’au " in html
        rows = {name: row for row in html.split("<tr")[1:] for name in ["Bruno Banni", "Théo Fiable"] if name in row}
        assert 'class="field-trust"><img src="/static/admin/img/icon-yes.svg"' in rows["Théo Fiable"]
        assert 'class="field-trust"><img src="/static/admin/img/icon-no.svg"' in rows["Bruno Banni"]

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"banni": "oui"}, {"Bruno Banni"}),
            ({"suspendu": "oui"}, {"Sacha Suspendu"}),
            ({"trusted__exact": "1"}, {"Théo Fiable"}),
        ],
    )
    def test_filters(self, client, moderator, params, expected):
        UserFactory(display_name="Bruno Banni", banned_at=timezone.now())
        UserFactory(display_name="Sacha Suspendu", suspended_until=timezone.now() + timedelta(days=3))
        UserFactory(display_name="Ancien Suspendu", suspended_until=timezone.now() - timedelta(days=1))
        UserFactory(display_name="Théo Fiable", trusted=True)
        client.force_login(moderator)
        results = client.get(reverse(CHANGELIST), params).context["cl"].result_list
        assert {u.display_name for u in results} == expected


class TestModeratorReadsOnly:
    def test_page_is_read_only_with_sanction_buttons(self, client, moderator, reader):
        client.force_login(moderator)
        html = client.get(reverse(CHANGE, args=[reader.pk])).content.decode()
        assert "Claire Lectrice" in html
        assert 'name="email"' not in html
        assert 'name="display_name"' not in html
        for value in ["suspend_1", "suspend_7", "suspend_30", "ban"]:
            assert f'name="sanction" value="{value}"' in html
        assert 'value="lift"' not in html  # nothing to lift yet

    def test_moderator_cannot_change_anything_else(self, client, moderator, reader):
        client.force_login(moderator)
        data = {"email": reader.email, "display_name": "Renommé", "trusted": "on", "is_staff": "on"}
        assert client.post(reverse(CHANGE, args=[reader.pk]), data).status_code == 403
        password_url = reverse("admin:auth_user_password_change", args=[reader.pk])
        assert client.get(password_url).status_code == 403
        assert client.post(password_url, {"password1": "x-Nouveau-42", "password2": "x-Nouveau-42"}).status_code == 403
        reader.refresh_from_db()
        assert reader.display_name == "Claire Lectrice"
        assert not reader.trusted
        assert not reader.is_staff
        assert reader.check_password("motdepasse-solide-42")

    def test_sanction_dates_are_read_only_even_for_a_superuser(self, client, reader):
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        html = client.get(reverse(CHANGE, args=[reader.pk])).content.decode()
        assert 'name="display_name"' in html  # an administrator edits the profile…
        assert 'name="banned_at' not in html  # …but sanctions only go through the buttons
        assert 'name="suspended_until' not in html


class TestSanctionButtons:
    @pytest.mark.parametrize("days", [1, 7, 30])
    def test_suspend(self, client, moderator, reader, days):
        reader.trusted = True
        reader.save()
        client.force_login(moderator)
        response = sanction(client, reader, f"suspend_{days}", reason="propos agressifs")
        assert response.redirect_chain[-1][0] == reverse(CHANGE, args=[reader.pk])
        reader.refresh_from_db()
        assert abs(reader.suspended_until - (timezone.now() + timedelta(days=days))) < timedelta(minutes=1)
        assert reader.sanction_reason == "propos agressifs"
        assert not reader.trusted
        assert any(m.startswith("Claire Lectrice est suspendu") for m in messages_of(response))

    def test_ban_then_lift(self, client, moderator, reader):
        client.force_login(moderator)
        sanction(client, reader, "ban", reason="spam répété")
        reader.refresh_from_db()
        assert reader.is_banned
        assert reader.sanction_reason == "spam répété"
        assert 'value="lift"' in client.get(reverse(CHANGE, args=[reader.pk])).content.decode()
        sanction(client, reader, "lift")
        reader.refresh_from_db()
        assert not reader.is_banned
        assert reader.suspended_until is None
        assert reader.sanction_reason == ""

    def test_a_staff_user_cannot_be_sanctioned(self, client, moderator):
        colleague = UserFactory(is_staff=True)
        client.force_login(moderator)
        html = client.get(reverse(CHANGE, args=[colleague.pk])).content.decode()
        assert 'value="ban"' not in html
        response = sanction(client, colleague, "ban")
        colleague.refresh_from_db()
        assert not colleague.is_banned
        assert "Un compte de l’équipe ne peut pas être sanctionné ici." in messages_of(response)

    def test_unknown_sanction_changes_nothing(self, client, moderator, reader):
        client.force_login(moderator)
        response = sanction(client, reader, "suspend_9999")
        reader.refresh_from_db()
        assert reader.suspended_until is None
        assert "Sanction inconnue." in messages_of(response)

    def test_an_account_deleted_since_is_said_gone(self, client, moderator, reader):
        client.force_login(moderator)
        url = reverse(SANCTION, args=[reader.pk])
        reader.delete()

        response = client.post(url, {"sanction": "ban"}, follow=True)

        assert response.redirect_chain == [(reverse(CHANGELIST), 302)]
        assert "Ce compte n’existe plus." in messages_of(response)

    def test_get_changes_nothing(self, client, moderator, reader):
        client.force_login(moderator)
        assert client.get(reverse(SANCTION, args=[reader.pk]), {"sanction": "ban"}).status_code == 405
        reader.refresh_from_db()
        assert not reader.is_banned

    def test_staff_without_sanction_permission_gets_403(self, client, reader):
        from django.contrib.auth.models import Permission

        viewer = UserFactory(is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
        client.force_login(viewer)
        assert 'id="sanction-panel"' not in client.get(reverse(CHANGE, args=[reader.pk])).content.decode()
        assert client.post(reverse(SANCTION, args=[reader.pk]), {"sanction": "ban"}).status_code == 403
        reader.refresh_from_db()
        assert not reader.is_banned

    def test_forged_post_without_csrf_token_fails(self, moderator, reader):
        client = Client(enforce_csrf_checks=True)
        client.force_login(moderator)
        assert client.post(reverse(SANCTION, args=[reader.pk]), {"sanction": "ban"}).status_code == 403
        reader.refresh_from_db()
        assert not reader.is_banned
