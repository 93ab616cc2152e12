"""« Choix de la rédaction »: a moderator features a published comment; it comes first in the post's thread."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from blog.models import Post
from comments.models import ModerationEvent
from comments.services import comment_approve, comment_feature, comment_reject
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(moderator, post):
    def make(body):
        return comment_approve(comment=CommentFactory(post=post, body=body), moderator=moderator)

    return make


class TestTheService:
    def test_features_writes_the_history_and_raises_the_version(self, moderator, post, published):
        comment = published("Un avis éclairé.")
        version = Post.objects.get(pk=post.pk).comments_version

        featured = comment_feature(comment=comment, moderator=moderator, featured=True)

        assert featured.featured_at is not None
        assert comment.events.filter(action=ModerationEvent.Action.FEATURED, actor=moderator).count() == 1
        assert Post.objects.get(pk=post.pk).comments_version == version + 1

    def test_the_same_state_twice_writes_nothing(self, moderator, published):
        comment = published("Deux fois.")
        comment_feature(comment=comment, moderator=moderator, featured=True)
        comment_feature(comment=comment, moderator=moderator, featured=True)
        assert comment.events.filter(action=ModerationEvent.Action.FEATURED).count() == 1

    def test_taken_out(self, moderator, published):
        comment = published("Retiré ensuite.")
        comment_feature(comment=comment, moderator=moderator, featured=True)
        taken_out = comment_feature(comment=comment, moderator=moderator, featured=False)
        assert taken_out.featured_at is None
        assert comment.events.filter(action=ModerationEvent.Action.UNFEATURED).count() == 1

    def test_a_refusal_takes_it_out_for_good(self, moderator, published):
        comment = comment_feature(comment=published("Refusé après coup."), moderator=moderator, featured=True)
        comment_reject(comment=comment, moderator=moderator)
        comment = comment_approve(comment=comment, moderator=moderator)
        assert comment.featured_at is None

    def test_a_reader_may_not(self, published):
        comment = published("Pas pour vous.")
        with pytest.raises(PermissionDenied):
            comment_feature(comment=comment, moderator=UserFactory(), featured=True)
        comment.refresh_from_db()
        assert comment.featured_at is None

    def test_only_a_published_comment(self, moderator, post):
        waiting = CommentFactory(post=post)
        with pytest.raises(ValidationError):
            comment_feature(comment=waiting, moderator=moderator, featured=True)


class TestTheThread:
    def test_picks_first_under_their_title_and_marked_in_place(self, client, moderator, post, published):
        first = published("Le premier commentaire, ordinaire.")
        picked = published("Le commentaire choisi.")
        page = client.get(post.get_absolute_url()).content.decode()  # the thread cached before the pick
        assert "Choix de la rédaction" not in page

        comment_feature(comment=picked, moderator=moderator, featured=True)
        page = client.get(post.get_absolute_url()).content.decode()

        title = page.index("Choix de la rédaction</h3>")
        assert title < page.index("Le commentaire choisi.") < page.index("Le premier commentaire, ordinaire.")
        assert page.count("Le commentaire choisi.") == 2  # among the picks, and in its place
        assert f'id="comment-{picked.pk}"' in page and f'id="comment-{first.pk}"' in page
        assert page.count('class="badge badge-featured"') == 1  # in place only

    def test_a_logged_in_reader_sees_them_too(self, client, moderator, reader, post, published):
        comment_feature(comment=published("Choisi pour tous."), moderator=moderator, featured=True)
        client.force_login(reader)
        page = client.get(post.get_absolute_url()).content.decode()
        assert "Choix de la rédaction</h3>" in page


class TestTheDeskEndpoint:
    def test_posted_from_a_card_then_back_to_it(self, client, moderator, published):
        comment = published("Depuis le bureau.")
        client.force_login(moderator)
        desk = client.get(reverse("admin:comments_comment_desk"), {"onglet": "approved"}).content.decode()
        assert reverse("admin:comments_comment_feature", args=[comment.pk]) in desk
        assert 'aria-keyshortcuts="f"' in desk

        response = client.post(
            reverse("admin:comments_comment_feature", args=[comment.pk]),
            {"featured": "1", "next": f"{reverse('admin:comments_comment_desk')}#card-{comment.pk}"},
        )

        assert response.status_code == 302 and response.url.endswith(f"#card-{comment.pk}")
        comment.refresh_from_db()
        assert comment.featured_at is not None

    def test_json_for_the_script(self, client, moderator, published):
        comment = published("En JSON.")
        client.force_login(moderator)
        url = reverse("admin:comments_comment_feature", args=[comment.pk])
        answer = client.post(url, {"featured": "1"}, headers={"Accept": "application/json"})
        assert answer.status_code == 200 and answer.json()["featured"] is True
        answer = client.post(url, {"featured": "0"}, headers={"Accept": "application/json"})
        assert answer.json()["featured"] is False

    def test_a_pending_comment_is_refused(self, client, moderator, post):
        waiting = CommentFactory(post=post)
        client.force_login(moderator)
        url = reverse("admin:comments_comment_feature", args=[waiting.pk])
        answer = client.post(url, {"featured": "1"}, headers={"Accept": "application/json"})
        assert answer.status_code == 409

    def test_a_reader_is_refused(self, client, reader, published):
        comment = published("Refusé au lecteur.")
        client.force_login(reader)
        response = client.post(reverse("admin:comments_comment_feature", args=[comment.pk]), {"featured": "1"})
        assert response.status_code in (302, 403)
        comment.refresh_from_db()
        assert comment.featured_at is None

    def test_the_get_changes_nothing(self, client, moderator, published):
        comment = published("GET.")
        client.force_login(moderator)
        assert client.get(reverse("admin:comments_comment_feature", args=[comment.pk])).status_code == 405
