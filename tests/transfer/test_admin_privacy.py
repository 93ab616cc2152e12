"""Redirect rows in the admin for superusers only; imported e-mail addresses in the export and the erasure."""

import pytest

from accounts import privacy
from tests.factories import ModeratorFactory, UserFactory
from tests.transfer.wxr_builder import comment, item, wxr
from transfer.claims import commenter_claim
from transfer.models import ImportedCommenter, Redirect
from transfer.services import blog_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(blog_author, export):
    return blog_import(path=export(wxr(item(12, comments=[comment(1, email="ancien@example.org")]))))


class TestAdmin:
    def test_a_superuser_edits_a_redirect(self, client, imported, django_user_model):
        admin = django_user_model.objects.create_superuser("root@example.org", "x", display_name="Root")
        client.force_login(admin)
        row = Redirect.objects.get(old_path="/?p=12")
        page = client.get(f"/admin/transfer/redirect/{row.pk}/change/")
        assert page.status_code == 200
        response = client.post(
            f"/admin/transfer/redirect/{row.pk}/change/",
            {"old_path": "/?p=12", "post": "", "fragment": "", "target_url": "/archives/"},
        )
        assert response.status_code == 302
        assert client.get("/?p=12")["Location"] == "/archives/"

    def test_a_moderator_does_not_see_them(self, client, imported):
        client.force_login(ModeratorFactory())
        assert client.get("/admin/transfer/redirect/").status_code == 403

    def test_the_imported_email_is_never_shown(self, client, imported, django_user_model):
        client.force_login(django_user_model.objects.create_superuser("r@example.org", "x", display_name="R"))
        identity = ImportedCommenter.objects.get()
        assert (
            "ancien@example.org"
            not in client.get(f"/admin/transfer/importedcommenter/{identity.pk}/change/").content.decode()
        )


class TestPrivacy:
    def test_export_and_erase_of_a_claimed_identity(self, imported):
        user = UserFactory(email="ancien@example.org")
        commenter_claim(user=user, email=user.email)
        assert privacy.exporters()["imported_history"](user)[0]["email"] == "ancien@example.org"
        placeholder = ImportedCommenter.objects.get().user
        privacy.erasers()["imported_history"](user, keep_contributions=True)
        assert not ImportedCommenter.objects.exists()
        assert not type(placeholder).objects.filter(pk=placeholder.pk).exists()
