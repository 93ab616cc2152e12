"""The usual reader's comment section, kept once per post state (caching.pages.cached_section): each reader's own
token and key, nothing of one reader's in another's page, a change of the comments shown at once."""

import re

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from caching.skeletons import SECTION_CSRF, SECTION_KEY, SECTION_THREAD
from comments.models import Comment
from comments.services import comment_approve
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def submission_key(html):
    return re.search(r'name="submission_key" value="([^"]*)"', html).group(1)


def section_entries(settings):
    local = caches[settings.COMMENTS_THREAD_LOCAL_CACHE]
    return [key for key in local.store.entries if ":section:" in key]


def page(client, post):
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


class TestSharedSection:
    def test_kept_once_and_filled_for_each_reader(self, post, reader, settings):
        first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
        first.force_login(reader)
        second.force_login(UserFactory(display_name="Octave Autre"))
        mine, theirs = page(first, post), page(second, post)
        assert len(section_entries(settings)) == 1
        for html in (mine, theirs):
            assert SECTION_CSRF not in html and SECTION_KEY not in html and SECTION_THREAD not in html
            assert 'name="body"' in html
        assert submission_key(mine) != submission_key(theirs) != ""
        assert submission_key(mine) != submission_key(page(first, post))  # a new key each page
        # The token put in is the reader's own: the form posts with it.
        response = second.post(
            reverse("comments:create", kwargs={"post_id": post.pk}),
            {"csrfmiddlewaretoken": token(theirs), "body": "Mon avis.", "submission_key": submission_key(theirs)},
        )
        assert response.status_code == 302
        assert Comment.objects.filter(author__display_name="Octave Autre", body="Mon avis.").exists()

    def test_a_placeholder_written_in_a_comment_stays_as_written(self, client, post, reader, moderator):
        comment = CommentFactory(post=post, body=f"Texte {SECTION_CSRF} et {SECTION_KEY}")
        comment_approve(comment=comment, moderator=moderator)
        post.refresh_from_db()
        client.force_login(reader)
        html = page(client, post)
        assert f"{SECTION_CSRF} et {SECTION_KEY}" in html  # the thread went in after the placeholders were filled
        assert html.count(token(html)) == 2  # the logout form's and the comment form's: one token a response

    def test_a_pending_comment_stays_its_authors(self, post, reader, settings):
        other = Client()
        other.force_login(UserFactory(display_name="Octave Autre"))
        page(other, post)  # the shared section made first
        CommentFactory(post=post, author=reader, body="Mon avis, en attente.")
        client = Client()
        client.force_login(reader)
        assert "Mon avis, en attente." in page(client, post)
        assert "Mon avis, en attente." not in page(other, post)

    def test_an_approval_shows_at_once(self, client, post, reader, moderator):
        client.force_login(reader)
        assert "Aucun commentaire" in page(client, post)
        comment = CommentFactory(post=post, body="Enfin publié.")
        comment_approve(comment=comment, moderator=moderator)
        post.refresh_from_db()
        html = page(client, post)
        assert "Enfin publié." in html and "Aucun commentaire" not in html

    def test_who_may_not_comment_never_gets_the_form(self, post, reader, unverified_reader):
        verified = Client()
        verified.force_login(reader)
        assert 'name="body"' in page(verified, post)
        unverified = Client()
        unverified.force_login(unverified_reader)
        html = page(unverified, post)
        assert 'name="body"' not in html and "confirmez d’abord votre adresse" in html

    def test_replying_gets_its_own_section(self, client, post, reader, moderator):
        comment = CommentFactory(post=post, body="À qui répondre.")
        comment_approve(comment=comment, moderator=moderator)
        post.refresh_from_db()
        client.force_login(reader)
        page(client, post)
        html = client.get(f"{post.get_absolute_url()}?reply={comment.pk}").content.decode()
        assert f'name="parent" value="{comment.pk}"' in html
        assert f'name="parent" value="{comment.pk}"' not in page(client, post)


class TestAccountLinks:
    """The header's account links from the skeleton are what the template renders for that reader."""

    @pytest.mark.parametrize("staff", [False, True])
    def test_the_same_as_rendered_in_full(self, rf, staff):
        from django.template.loader import render_to_string

        from caching.skeletons import account_part

        user = UserFactory(display_name="Zoé <b>&</b> « Cie »", is_staff=staff)
        request = rf.get("/")
        request.user = user
        request.session = {}
        filled = account_part(request, "_header_account.html")
        again = account_part(request, "_header_account.html")  # from the skeleton kept
        full = render_to_string("_header_account.html", {"csrf_token": token(filled)}, request=request)
        assert filled == again == full
        assert "Zoé &lt;b&gt;&amp;&lt;/b&gt; « Cie »" in filled
        assert ("Administration" in filled) is staff

    def test_each_reader_their_own_name(self, post):
        first, second = Client(), Client()
        first.force_login(UserFactory(display_name="Alice Première"))
        second.force_login(UserFactory(display_name="Bruno Second"))
        assert "Alice Première" in page(first, post)
        html = page(second, post)
        assert "Bruno Second" in html and "Alice Première" not in html
