"""A reader's path through the comment form: errors on the form, « Merci » at the comment, a resend stored once."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.templatetags.comments import SENT_SESSION_KEY
from tests.config.test_headers import INLINE_CODE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def comment_url(post):
    return reverse("comments:create", kwargs={"post_id": post.pk})


def comment_li(html, pk):
    """The HTML of one comment's <li>, up to its <article>'s end."""
    match = re.search(rf'<li class="[^"]*" id="comment-{pk}">(.*?)</article>', html, re.S)
    assert match, f"comment {pk} not on the page"
    return match.group(1)


def summary(html):
    match = re.search(r'<div class="error-summary"[^>]*>(.*?)</ul>', html, re.S)
    return match and match.group(0)


class TestErrorsOnTheForm:
    def test_the_form_posts_to_the_comment_sections_anchor(self, client, post, reader):
        client.force_login(reader)
        html = client.get(post.get_absolute_url()).content.decode()
        assert f'action="{comment_url(post)}#commenter"' in html
        assert summary(html) is None

    @pytest.mark.parametrize(
        ("body", "status", "error"),
        [
            ("   ", 422, "Écrivez quelque chose avant d’envoyer."),
            ("mot " * 1300, 422, "la limite est de 5000"),
        ],
    )
    def test_a_refused_form_opens_with_an_error_summary_linking_to_the_field(
        self, client, post, reader, body, status, error
    ):
        client.force_login(reader)
        response = client.post(comment_url(post), {"body": body})
        html = response.content.decode()
        assert response.status_code == status
        box = summary(html)
        assert box is not None
        assert 'tabindex="-1"' in box and 'role="alert"' in box
        assert "Il y a un problème" in box
        assert re.search(rf'<a href="#id_body">[^<]*{re.escape(error)}', box)
        assert 'src="/static/js/error-summary.js"' in html
        assert not INLINE_CODE.search(html)  # the focus is the static module's (CSP: no inline script)
        assert 'id="commenter" tabindex="-1"' in box  # the form's anchor lands on the summary itself
        assert html.count('id="commenter"') == 1
        assert 'aria-invalid="true"' in html
        assert body.strip()[:100] in html  # the text is kept
        assert not Comment.objects.exists()

    def test_the_rate_limit_is_in_the_summary_with_the_text_kept(self, client, post, reader, settings):
        settings.COMMENTS_RATE_PER_MINUTE = 1
        client.force_login(reader)
        client.post(comment_url(post), {"body": "Premier"})
        response = client.post(comment_url(post), {"body": "Second, trop vite"})
        html = response.content.decode()
        assert response.status_code == 429
        assert "Vous commentez trop vite" in summary(html)
        assert "Second, trop vite</textarea>" in html
        assert Comment.objects.count() == 1

    def test_a_hidden_fields_error_is_in_the_summary_too(self, client, post, reader):
        client.force_login(reader)
        response = client.post(comment_url(post), {"body": "Un avis.", "submission_key": "pas-une-clé"})
        assert response.status_code == 422
        assert re.search(r'<li><a href="#id_body">[^<]+</a></li>', summary(response.content.decode()))
        assert not Comment.objects.exists()

    def test_get_on_the_form_changes_nothing(self, client, post, reader):
        client.force_login(reader)
        response = client.get(comment_url(post), {"body": "par GET"})
        assert response.status_code == 405
        assert not Comment.objects.exists()
        assert SENT_SESSION_KEY not in client.session


class TestThanksAtTheComment:
    def test_merci_is_shown_at_the_comment_once(self, client, post, reader):
        client.force_login(reader)
        response = client.post(comment_url(post), {"body": "Bel article !"})
        comment = Comment.objects.get()
        assert response.status_code == 302
        assert response.url == f"{post.get_absolute_url()}#comment-{comment.pk}"
        html = client.get(post.get_absolute_url()).content.decode()
        assert "Merci ! Votre commentaire attend la validation d’un modérateur." in comment_li(html, comment.pk)
        assert '<ul class="messages"' not in html  # not at the top of the page, where nobody looks
        assert "Merci !" not in client.get(post.get_absolute_url()).content.decode()

    def test_a_published_comment_gets_its_merci_and_the_shared_thread_does_not(self, client, post, reader, settings):
        settings.COMMENTS_MODERATION_MODE = "trust"
        type(reader).objects.filter(pk=reader.pk).update(trusted=True)
        client.force_login(reader)
        client.post(comment_url(post), {"body": "Publié d’emblée."})
        comment = Comment.objects.get()
        assert comment.is_approved
        html = client.get(post.get_absolute_url()).content.decode()
        assert "Merci ! Votre commentaire est publié." in comment_li(html, comment.pk)
        other = Client()
        other.force_login(UserFactory())
        for visitor in (other, Client()):
            page = visitor.get(post.get_absolute_url()).content.decode()
            assert "Publié d’emblée." in page
            assert "Merci !" not in page

    def test_the_note_waits_for_its_own_post(self, client, post, reader):
        from tests.factories import PostFactory

        client.force_login(reader)
        client.post(comment_url(post), {"body": "Bel article !"})
        assert "Merci !" not in client.get(PostFactory().get_absolute_url()).content.decode()
        assert "Merci !" in client.get(post.get_absolute_url()).content.decode()


class TestResend:
    def test_back_and_send_again_stores_one_comment_and_says_deja_envoye(self, client, post, reader):
        client.force_login(reader)
        first = client.post(comment_url(post), {"body": "Une seule fois, merci."})
        client.get(post.get_absolute_url())
        # Back: the browser restores the text, the page has a new submission key.
        again = client.post(comment_url(post), {"body": "Une seule fois, merci."})
        comment = Comment.objects.get()
        assert again.status_code == 302
        assert again.url == first.url == f"{post.get_absolute_url()}#comment-{comment.pk}"
        html = client.get(post.get_absolute_url()).content.decode()
        assert "Déjà envoyé : votre commentaire est ci-dessous" in comment_li(html, comment.pk)


class TestCountHeading:
    def test_the_count_says_published_beside_the_readers_pending_one(self, client, post, pending_comment, reader):
        client.force_login(reader)
        html = client.get(post.get_absolute_url()).content.decode()
        heading = re.search(r'<h2 id="commentaires-titre">(.*?)</h2>', html, re.S).group(1)
        assert re.sub(r"<[^>]+>", "", heading) == "0 commentaire publié, 1 en attente (visible par vous)"

    def test_others_see_the_plain_count(self, client, post, pending_comment):
        html = client.get(post.get_absolute_url()).content.decode()
        assert '<h2 id="commentaires-titre">0 commentaire</h2>' in html
