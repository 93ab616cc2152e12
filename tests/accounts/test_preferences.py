import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


class TestPreferences:
    def test_login_required(self, client):
        response = client.get(reverse("accounts:preferences"))
        assert response.status_code == 302
        assert reverse("account_login") in response.url

    def test_reader_changes_language_and_notifications(self, client, reader):
        client.force_login(reader)
        assert client.get(reverse("accounts:preferences")).status_code == 200
        response = client.post(
            reverse("accounts:preferences"), {"display_name": "Claire L.", "language": "en", "notify_post_comments": ""}
        )
        assert response.status_code == 302
        reader.refresh_from_db()
        assert (reader.display_name, reader.language, reader.notify_post_comments) == ("Claire L.", "en", False)

    def test_blank_name_is_refused_with_a_message(self, client, reader):
        client.force_login(reader)
        response = client.post(reverse("accounts:preferences"), {"display_name": "   ", "language": "fr"})
        assert response.status_code == 422
        reader.refresh_from_db()
        assert reader.display_name == "Claire Lectrice"

    def test_trust_and_sanctions_cannot_be_set_by_the_reader(self, client, reader):
        client.force_login(reader)
        client.post(
            reverse("accounts:preferences"),
            {"display_name": "Claire", "language": "fr", "trusted": "on", "is_staff": "on"},
        )
        reader.refresh_from_db()
        assert not reader.trusted and not reader.is_staff

    def test_signup_records_the_language_in_use(self, client):
        from accounts.models import User

        with translation.override("en"):
            signup = reverse("account_signup")
        assert signup.startswith("/en/")
        client.post(
            signup,
            {
                "display_name": "Ann",
                "email": "ann@example.org",
                "password1": "a-long-pass-2026",
                "password2": "a-long-pass-2026",
            },
        )
        assert User.objects.get().language == "en"
