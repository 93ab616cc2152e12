"""Moderating in place: a moderator reading a post decides on its waiting comments there; nobody else sees them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.services import comment_approve
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(moderator, post):
    def make(body):
        return comment_approve(comment=CommentFactory(post=post, body=body), moderator=moderator)

    return make


class TestModeratingInPlace:
    def test_a_reader_never_sees_the_others_waiting_comments(self, client, reader, post):
        waiting = CommentFactory(post=post, body="Un avis qui attend.")
        client.force_login(reader)
        page = client.get(post.get_absolute_url()).content.decode()
        assert "Un avis qui attend." not in page and f'id="comment-{waiting.pk}"' not in page
        assert reverse("admin:comments_comment_decide", args=[waiting.pk]) not in page
        client.logout()
        assert "Un avis qui attend." not in client.get(post.get_absolute_url()).content.decode()

    def test_a_moderator_sees_them_marked_with_the_buttons(self, client, moderator, post, published):
        published("Un avis publié.")
        waiting = CommentFactory(post=post, body="Un avis qui attend.")
        client.force_login(moderator)
        page = client.get(post.get_absolute_url()).content.decode()
        assert page.index("Un avis publié.") < page.index("Un avis qui attend.")
        item = page[page.index(f'id="comment-{waiting.pk}"') :]
        assert "En attente" in item[: item.index("</article>")]
        assert f'action="{reverse("admin:comments_comment_decide", args=[waiting.pk])}"' in item
        assert 'name="csrfmiddlewaretoken"' in item[: item.index("</form>")]
        for name in ("approve", "reject", "spam"):
            assert f'name="decision" value="{name}"' in item[: item.index("</form>")]

    def test_never_in_the_shared_thread(self, client, moderator, reader, post, published):
        published("Un avis publié.")
        CommentFactory(post=post, body="Un avis qui attend.")
        client.force_login(moderator)
        client.get(post.get_absolute_url())  # the moderator's page first: the thread and the frame cached
        client.force_login(reader)
        assert "Un avis qui attend." not in client.get(post.get_absolute_url()).content.decode()
        client.logout()
        assert "Un avis qui attend." not in client.get(post.get_absolute_url()).content.decode()

    def test_a_decision_in_place_returns_to_the_post(self, client, moderator, post):
        waiting = CommentFactory(post=post, body="Approuvé sur place.")
        client.force_login(moderator)
        client.get(post.get_absolute_url())
        response = client.post(
            reverse("admin:comments_comment_decide", args=[waiting.pk]),
            {"decision": "approve", "expected": "pending", "next": f"{post.get_absolute_url()}#commentaires"},
        )
        assert response.status_code == 302 and response.url == f"{post.get_absolute_url()}#commentaires"
        waiting.refresh_from_db()
        assert waiting.status == waiting.Status.APPROVED
        page = client.get(response.url).content.decode()
        assert "Commentaire approuvé" in page
        assert reverse("admin:comments_comment_decide", args=[waiting.pk]) not in page

    def test_queries_do_not_grow_with_the_waiting_comments(self, client, moderator, post):
        CommentFactory(post=post, author=UserFactory())
        client.force_login(moderator)
        client.get(post.get_absolute_url())  # caches warm
        with CaptureQueriesContext(connection) as one:
            client.get(post.get_absolute_url())
        for _ in range(10):
            CommentFactory(post=post, author=UserFactory())
        client.get(post.get_absolute_url())
        with CaptureQueriesContext(connection) as eleven:
            page = client.get(post.get_absolute_url()).content.decode()
        assert page.count('class="comment-moderate"') == 11
        assert len(eleven) == len(one)
