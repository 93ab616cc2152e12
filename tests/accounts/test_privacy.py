import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import privacy, services
from accounts.models import DELETED_ACCOUNT_EMAIL
from blog.models import Post
from comments.models import Comment, Report
from comments.services import comment_approve, comment_reject
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "motdepasse-solide-42"  # tests/factories.py
User = get_user_model()


def reauthenticate(client, response):
    """Follow allauth's re-authentication: the suspended POST is replayed once the password is given."""
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response.url
    return client.post(response.url, {"password": PASSWORD})


@pytest.fixture
def history(post, reader, moderator):
    """The reader's comments: one published (with a reply by someone else), one refused, one pending; a report."""
    published = CommentFactory(post=post, author=reader, body="Un avis publié")
    comment_approve(comment=published, moderator=moderator)
    reply = CommentFactory(post=post, parent=published, depth=1, body="Une réponse d’un autre")
    comment_approve(comment=reply, moderator=moderator)
    refused = CommentFactory(post=post, author=reader, body="Un avis refusé")
    comment_reject(comment=refused, moderator=moderator, reason="hors sujet")
    pending = CommentFactory(post=post, author=reader, body="Un avis en attente")
    other = comment_approve(comment=CommentFactory(post=post, body="Un autre avis"), moderator=moderator)
    Report.objects.create(comment=other, reporter=reader, reason="insultant")
    return {"published": published, "reply": reply, "refused": refused, "pending": pending, "other": other}


class TestRegistry:
    def test_comments_registered_at_start_up(self):
        assert "comments" in privacy.exporters()
        assert "comments" in privacy.erasers()
        assert "comments" in privacy.profile_listeners()


class TestExport:
    def test_everything_with_moderation_outcomes(self, reader, history):
        data = services.user_export_data(user=reader)
        json.dumps(data)  # serialisable as it is
        assert data["account"]["email"] == reader.email
        assert data["account"]["display_name"] == "Claire Lectrice"
        by_body = {c["body"]: c for c in data["comments"]["comments"]}
        assert set(by_body) == {"Un avis publié", "Un avis refusé", "Un avis en attente"}
        assert by_body["Un avis refusé"]["status"] == "rejected"
        assert by_body["Un avis refusé"]["decision_reason"] == "hors sujet"
        assert [e["action"] for e in by_body["Un avis publié"]["history"]][-1] == "approved"
        assert data["comments"]["reports"][0]["reason"] == "insultant"
        assert "Un autre avis" not in json.dumps(data)

    def test_query_budget(self, reader, history, django_assert_max_num_queries):
        # one query each for addresses, authenticators, connected accounts, claimed imported identities
        # (transfer) and the moderators' notes on the reader; the rest, the comments' exporter
        with django_assert_max_num_queries(9):
            services.user_export_data(user=reader)

    def test_download_needs_reauthentication_then_gives_json(self, client, reader, history):
        client.force_login(reader)
        response = client.post(reverse("accounts:data_export"))
        download = reauthenticate(client, response)
        assert download.status_code == 200
        assert download["Content-Type"].startswith("application/json")
        assert "attachment;" in download["Content-Disposition"]
        assert json.loads(download.content)["account"]["email"] == reader.email

    def test_a_wrong_password_gives_nothing(self, client, reader, history):
        client.force_login(reader)
        response = client.post(reverse("accounts:data_export"))
        page = client.post(response.url, {"password": "pas le bon"})
        assert page.status_code == 200
        assert not page["Content-Type"].startswith("application/json")

    def test_get_changes_nothing(self, client, reader):
        client.force_login(reader)
        assert client.get(reverse("accounts:data_export")).status_code == 405

    def test_the_page_offers_both_rights(self, client, reader):
        client.force_login(reader)
        html = client.get(reverse("accounts:my_data")).content.decode()
        assert reverse("accounts:data_export") in html
        assert reverse("accounts:delete") in html


class TestDelete:
    def delete(self, client, reader, choice):
        client.force_login(reader)
        response = client.post(reverse("accounts:delete"), {"comments": choice, "confirm": "on"})
        return reauthenticate(client, response)

    def test_remove_everything(self, client, reader, post, history):
        version = Post.objects.get(pk=post.pk).comments_version
        response = self.delete(client, reader, "remove")
        assert response.status_code == 302
        assert not User.objects.filter(email=reader.email).exists()
        assert "_auth_user_id" not in client.session
        # The published comment had a reply: « Commentaire supprimé » holds it, owned by nobody real.
        placeholder = Comment.objects.get(pk=history["published"].pk)
        assert placeholder.is_removed and placeholder.body == ""
        assert placeholder.author.email == DELETED_ACCOUNT_EMAIL
        assert Comment.objects.filter(pk=history["reply"].pk).exists()
        assert not Comment.objects.filter(pk__in=[history["refused"].pk, history["pending"].pk]).exists()
        assert not Report.objects.filter(reason="insultant").exists()
        post.refresh_from_db()
        assert post.approved_comment_count == 2  # the reply and the other reader's comment
        assert post.comments_version > version
        page = client.get(post.get_absolute_url()).content.decode()
        assert "Un avis publié" not in page and "Une réponse d’un autre" in page

    def test_keep_comments_anonymised(self, client, reader, post, history):
        version = Post.objects.get(pk=post.pk).comments_version
        response = self.delete(client, reader, "keep")
        assert response.status_code == 302
        assert not User.objects.filter(email=reader.email).exists()
        kept = Comment.objects.get(pk=history["published"].pk)
        assert kept.body == "Un avis publié" and not kept.is_removed
        assert kept.author.display_name == "Compte supprimé"
        assert not Comment.objects.filter(pk__in=[history["refused"].pk, history["pending"].pk]).exists()
        post.refresh_from_db()
        assert post.approved_comment_count == 3
        assert post.comments_version > version
        page = client.get(post.get_absolute_url()).content.decode()
        assert "Un avis publié" in page and "Compte supprimé" in page and "Claire Lectrice" not in page
        english = client.get("/en" + post.get_absolute_url()).content.decode()
        assert "Deleted account" in english and "Compte supprimé" not in english

    def test_two_deleted_accounts_share_the_anonymous_one(self, post, moderator):
        for name in ("Anne", "Bruno"):
            user = UserFactory(display_name=name)
            comment_approve(comment=CommentFactory(post=post, author=user), moderator=moderator)
            services.user_delete(user=user, keep_comments=True)
        assert User.objects.filter(email=DELETED_ACCOUNT_EMAIL).count() == 1
        assert Comment.objects.filter(author__email=DELETED_ACCOUNT_EMAIL).count() == 2

    def test_confirmation_box_is_required(self, client, reader):
        client.force_login(reader)
        response = client.post(reverse("accounts:delete"), {"comments": "remove"})
        if response.status_code == 302:  # re-authentication first, then the form is judged
            response = reauthenticate(client, response)
        assert response.status_code == 422
        assert User.objects.filter(pk=reader.pk).exists()

    def test_staff_cannot_delete_themselves_here(self, moderator):
        with pytest.raises(services.AccountNotDeletable):
            services.user_delete(user=moderator, keep_comments=False)
        assert User.objects.filter(pk=moderator.pk).exists()

    def test_an_author_of_posts_is_told_to_ask(self, post):
        with pytest.raises(services.AccountNotDeletable):
            services.user_delete(user=post.author, keep_comments=False)
        assert User.objects.filter(pk=post.author.pk).exists()

    def test_get_changes_nothing(self, client, reader):
        client.force_login(reader)
        assert client.get(reverse("accounts:delete")).status_code == 405
        assert User.objects.filter(pk=reader.pk).exists()


class TestPrivacyPage:
    def test_public_and_says_how_long(self, client):
        response = client.get(reverse("accounts:privacy"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Gardée tant que le compte existe" in html
        assert "csrfmiddlewaretoken" not in html
