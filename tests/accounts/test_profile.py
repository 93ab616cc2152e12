import pytest
from django.urls import reverse

from accounts import services
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestPublicProfile:
    def test_shows_name_and_escaped_bio_with_line_breaks(self, client, reader):
        reader.bio = "Première ligne\nSeconde <script>alert(1)</script>"
        reader.save()
        response = client.get(reverse("accounts:profile", kwargs={"pk": reader.pk}))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Claire Lectrice" in html
        assert "Première ligne<br>Seconde &lt;script&gt;" in html
        assert "<script>alert(1)</script>" not in html
        assert reader.email not in html

    def test_is_anonymous_and_cacheable_without_a_csrf_token(self, client, reader):
        html = client.get(reader.get_absolute_url()).content.decode()
        assert "csrfmiddlewaretoken" not in html
        assert 'class="avatar"' in html

    def test_inactive_and_deleted_accounts_have_no_page(self, client, reader):
        from accounts.models import User

        gone = User.objects.deleted_account()
        assert client.get(gone.get_absolute_url()).status_code == 404
        reader.is_active = False
        reader.save()
        assert client.get(reader.get_absolute_url()).status_code == 404

    def test_query_budget(self, client, reader, django_assert_max_num_queries):
        with django_assert_max_num_queries(1):
            client.get(reader.get_absolute_url())


class TestEditProfile:
    def test_needs_login(self, client):
        response = client.get(reverse("accounts:profile_edit"))
        assert response.status_code == 302
        assert reverse("account_login") in response.url

    def test_saves_name_and_bio(self, client, reader):
        client.force_login(reader)
        response = client.post(
            reverse("accounts:profile_edit"), {"display_name": "  Claire   L. ", "bio": "Lectrice\r\nassidue"}
        )
        assert response.status_code == 302
        reader.refresh_from_db()
        assert reader.display_name == "Claire L."
        assert reader.bio == "Lectrice\nassidue"
        assert reader.display_name_key == "clalrel"  # i and l merged

    def test_bio_longer_than_500_characters_is_refused(self, client, reader):
        client.force_login(reader)
        response = client.post(reverse("accounts:profile_edit"), {"display_name": "Claire", "bio": "x" * 501})
        assert response.status_code == 422
        reader.refresh_from_db()
        assert reader.bio == ""

    @pytest.mark.parametrize("name", ["jean-pierre", "JEAN PIERRE", "Jеаn Piеrrе"])
    def test_a_name_too_close_to_another_readers_is_refused(self, client, reader, name):
        UserFactory(display_name="Jean-Pierre")
        client.force_login(reader)
        response = client.post(reverse("accounts:profile_edit"), {"display_name": name, "bio": ""})
        assert response.status_code == 422
        assert "trop proche de celui d’un autre lecteur" in response.content.decode()
        reader.refresh_from_db()
        assert reader.display_name == "Claire Lectrice"

    def test_keeping_ones_own_name_is_fine(self, client, reader):
        client.force_login(reader)
        response = client.post(reverse("accounts:profile_edit"), {"display_name": "claire lectrice", "bio": ""})
        assert response.status_code == 302

    @pytest.mark.parametrize("name", ["Modérateur", "Admin Causerie", "L’équipe"])
    def test_names_passing_for_the_team_are_refused(self, client, reader, name):
        client.force_login(reader)
        response = client.post(reverse("accounts:profile_edit"), {"display_name": name, "bio": ""})
        assert response.status_code == 422
        assert "au nom de Causerie ou de son équipe" in response.content.decode()

    def test_a_staff_members_name_inside_another_is_refused(self, client, reader):
        ModeratorFactory(display_name="Mina Dupuis")
        client.force_login(reader)
        response = client.post(reverse("accounts:profile_edit"), {"display_name": "Mina Dupuis bis", "bio": ""})
        assert response.status_code == 422
        assert "membre de l’équipe" in response.content.decode()

    def test_staff_may_call_themselves_moderator(self, moderator):
        services.user_update_profile(user=moderator, display_name="Mina, modératrice", bio="")
        assert moderator.display_name == "Mina, modératrice"

    def test_preferences_apply_the_same_rule(self, client, reader):
        UserFactory(display_name="Jean-Pierre")
        client.force_login(reader)
        response = client.post(reverse("accounts:preferences"), {"display_name": "jean pierre", "language": "fr"})
        assert response.status_code == 422

    def test_signup_applies_the_same_rule(self, client):
        response = client.post(
            reverse("account_signup"),
            {
                "display_name": "Modérateur officiel",
                "email": "faux@example.org",
                "password1": "un-mot-de-passe-long-2026",
                "password2": "un-mot-de-passe-long-2026",
            },
        )
        assert response.status_code == 200
        assert "au nom de Causerie" in response.content.decode()

    def test_the_service_checks_too(self, reader):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            services.user_update_profile(user=reader, display_name="Admin", bio="")
