"""A past commenter takes back their history by verifying the address they used on the old blog."""

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed

from accounts.models import User
from comments.models import Comment
from tests.factories import UserFactory
from tests.transfer.wxr_builder import comment, item, wxr
from transfer.claims import commenter_claim
from transfer.models import ImportedCommenter
from transfer.services import blog_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(blog_author, export):
    comments = [comment(1, email="ancien@example.org", author="Ancien"), comment(2, email="x@example.org", text="b")]
    blog_import(path=export(wxr(item(1, comments=comments))))
    return Comment.objects.get(body="Bonjour")


class TestClaim:
    def test_the_service_moves_the_comments_and_refreshes_the_post(self, history):
        newcomer = UserFactory(email="ancien@example.org")
        version = history.post.comments_version
        assert commenter_claim(user=newcomer, email="ANCIEN@example.org") == 1
        history.refresh_from_db()
        assert history.author == newcomer
        assert history.post.comments_version > version
        identity = ImportedCommenter.objects.get(email="ancien@example.org")
        assert identity.claimed_by == newcomer and not identity.claimable
        assert Comment.objects.get(body="b").author != newcomer  # someone else's history stays

    def test_verifying_the_address_claims_it(self, history, rf):
        newcomer = UserFactory(email="ancien@example.org", verified=False)
        address = EmailAddress.objects.get(user=newcomer)
        address.verified = True
        address.save()
        email_confirmed.send(sender=EmailAddress, request=rf.get("/"), email_address=address)
        history.refresh_from_db()
        assert history.author == newcomer

    def test_an_unverified_address_claims_nothing(self, history, rf):
        newcomer = UserFactory(email="ancien@example.org", verified=False)
        email_confirmed.send(
            sender=EmailAddress, request=rf.get("/"), email_address=EmailAddress.objects.get(user=newcomer)
        )
        history.refresh_from_db()
        assert history.author != newcomer

    def test_a_claimed_history_gets_the_new_comments_of_a_later_import(self, history, export):
        newcomer = UserFactory(email="ancien@example.org")
        commenter_claim(user=newcomer, email="ancien@example.org")
        blog_import(path=export(wxr(item(1, comments=[comment(3, email="ancien@example.org", text="plus tard")]))))
        assert Comment.objects.get(body="plus tard").author == newcomer

    def test_imported_accounts_cannot_log_in(self, history, client):
        placeholder = ImportedCommenter.objects.get(email="x@example.org").user
        assert not placeholder.is_active and not placeholder.has_usable_password()
        assert not User.objects.public().filter(pk=placeholder.pk).exists()
