"""The moderators' desk: « Commentaires à modérer », its cards and tabs, its decisions in JSON or with a redirect."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, Report
from comments.services import comment_approve, comment_edit, comment_reject
from tests.factories import CommentFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

DESK = "admin:comments_comment_desk"


def desk(client, **params):
    return client.get(reverse(DESK), params)


class TestThePage:
    def test_title_and_cards_with_what_a_moderator_needs(self, client, moderator, post, reader):
        parent = CommentFactory(post=post, body="Le premier avis, publié.")
        comment_approve(comment=parent, moderator=moderator)
        reply = CommentFactory(
            post=post,
            author=reader,
            parent=parent,
            depth=1,
            body="Appelez-moi au 06 12 34 56 78.",
            hold_reasons=[{"code": "phone", "params": {}}, {"code": "hold_all", "params": {}}],
        )
        client.force_login(moderator)

        html = desk(client).content.decode()

        assert "<h1>Commentaires à modérer</h1>" in html
        assert f'id="card-{reply.pk}"' in html
        assert '<mark class="personal-data">06 ** ** ** 78</mark>' in html
        assert "numéro de téléphone détecté" in html
        assert f'href="{post.get_absolute_url()}#comment-{parent.pk}"' in html
        assert "En réponse à" in html and "Le premier avis, publié." in html
        assert "Claire Lectrice" in html and "compte créé il y a 30 j" in html
        assert f"/admin/blog/post/{post.pk}/change/" not in html  # never the editor
        assert 'name="expected" value="pending"' in html

    def test_reached_from_the_admin_index_and_the_digest(self, client, moderator):
        client.force_login(moderator)
        assert reverse(DESK) in client.get(reverse("admin:index")).content.decode()

    def test_tabs_count_what_each_holds(self, client, moderator, post):
        comments = CommentFactory.create_batch(4, post=post)
        comment_reject(comment=comments[0], moderator=moderator)
        comment_approve(comment=comments[1], moderator=moderator)
        comment_approve(comment=comments[2], moderator=moderator)
        comment_edit(comment=comments[2], author=comments[2].author, body="Retouche")
        Report.objects.create(comment=comments[1], reporter=UserFactory())
        client.force_login(moderator)

        response = desk(client)

        counts = {tab.name: count.exact for tab, count in response.context["tabs"]}
        assert counts == {"pending": 1, "reported": 1, "edits": 1, "rejected": 1, "spam": 0, "approved": 2}
        edits = desk(client, onglet="edits").content.decode()
        assert "Retouche" in edits and 'name="expected" value="edit"' in edits

    def test_the_oldest_counts_from_the_queue_not_the_writing(self, client, moderator):
        comment = CommentFactory()
        Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=4455))
        client.force_login(moderator)
        html = desk(client).content.decode()
        assert "<strong>&lt; 1 min</strong>" in html

    def test_search(self, client, moderator):
        CommentFactory(body="Il pleut sur Brest")
        CommentFactory(body="Grand soleil à Nice")
        client.force_login(moderator)
        cards = desk(client, q="brest").context["cards"]
        assert [card["comment"].body for card in cards] == ["Il pleut sur Brest"]

    def test_a_constant_number_of_queries_whatever_the_cards(self, client, moderator):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.force_login(moderator)
        counted = []
        for n, cards in ((1, 1), (30, 31)):
            for _ in range(n):
                parent = CommentFactory(status=Comment.Status.APPROVED)
                CommentFactory(post=parent.post, parent=parent, hold_reasons=[{"code": "phone", "params": {}}])
            with CaptureQueriesContext(connection) as queries:
                assert len(desk(client).context["cards"]) == cards
            counted.append(len(queries))
        assert counted[0] == counted[1] <= 18

    def test_readers_and_staff_without_the_permission_may_not_open_it(self, client):
        client.force_login(UserFactory(is_staff=True))
        assert desk(client).status_code == 403

    def test_who_may_view_but_not_decide_sees_no_button(self, client, pending_comment):
        from django.contrib.auth.models import Permission

        viewer = UserFactory(is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
        client.force_login(viewer)
        html = desk(client).content.decode()
        assert f'id="card-{pending_comment.pk}"' in html and "desk-decide" not in html


class TestDeciding:
    def test_with_javascript_json_and_no_redirect(self, client, moderator, pending_comment):
        client.force_login(moderator)
        response = client.post(
            reverse("admin:comments_comment_decide", args=[pending_comment.pk]),
            {"decision": "approve", "expected": "pending"},
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 200
        assert response.json() == {
            "ok": True,
            "message": "« Mon avis, en attente. » : Commentaire approuvé.",
            "state": "approved",
        }

    def test_a_decision_costs_a_fixed_number_of_queries(self, client, moderator, post, django_assert_max_num_queries):
        first, second = CommentFactory.create_batch(2, post=post)
        client.force_login(moderator)
        url = reverse("admin:comments_comment_decide", args=[first.pk])
        client.post(url, {"decision": "approve"}, headers={"Accept": "application/json"})  # warms the session
        # session, user, 2 × permissions, the comment; the service: lock, first publication?, reasons, comment,
        # history row, reports, post's count and version, 2 savepoints.
        with django_assert_max_num_queries(14):
            response = client.post(
                reverse("admin:comments_comment_decide", args=[second.pk]),
                {"decision": "approve", "expected": "pending"},
                headers={"Accept": "application/json"},
            )
        assert response.json()["state"] == "approved"

    def test_decided_by_someone_else_meanwhile_is_said(self, client, moderator, pending_comment):
        comment_approve(comment=pending_comment, moderator=ModeratorFactory(display_name="Claire"))
        client.force_login(moderator)
        response = client.post(
            reverse("admin:comments_comment_decide", args=[pending_comment.pk]),
            {"decision": "reject", "expected": "pending", "preset": "off_topic"},
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 409
        assert "Déjà approuvé par Claire il y a < 1 min." in response.json()["message"]
        pending_comment.refresh_from_db()
        assert pending_comment.is_approved

    def test_without_javascript_back_to_the_next_card(self, client, moderator, post):
        first, second = CommentFactory.create_batch(2, post=post)
        client.force_login(moderator)
        html = desk(client).content.decode()
        back = f"{reverse(DESK)}?onglet=pending#card-{second.pk}"
        assert f'name="next" value="{back}"' in html

        response = client.post(
            reverse("admin:comments_comment_decide", args=[first.pk]),
            {"decision": "reject", "expected": "pending", "preset": "off_topic", "next": back},
        )
        assert response.status_code == 302 and response.url == back
        first.refresh_from_db()
        assert (first.status, first.decision_preset) == (Comment.Status.REJECTED, "off_topic")
        assert first.refusal_reason == "Hors sujet"

    def test_a_get_decides_nothing(self, client, moderator, pending_comment):
        client.force_login(moderator)
        response = client.get(reverse("admin:comments_comment_decide", args=[pending_comment.pk]))
        assert response.status_code == 405


class TestReplyFromTheDesk:
    def test_one_step_approves_and_publishes_the_reply(self, client, moderator, pending_comment):
        client.force_login(moderator)
        response = client.post(
            reverse("admin:comments_comment_reply", args=[pending_comment.pk]),
            {"body": "Merci, c’est corrigé.", "expected": "pending"},
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 200, response.json()
        pending_comment.refresh_from_db()
        assert pending_comment.is_approved
        reply = pending_comment.replies.get()
        assert (reply.author, reply.status) == (moderator, Comment.Status.APPROVED)
        assert [reason.code for reason in reply.hold_reasons.all()] == ["moderator"]

    def test_held_like_anyone_when_the_setting_says_so(self, client, moderator, pending_comment, settings):
        settings.COMMENTS_STAFF_PUBLISH_AT_ONCE = False
        client.force_login(moderator)
        client.post(
            reverse("admin:comments_comment_reply", args=[pending_comment.pk]),
            {"body": "Réponse", "expected": "pending", "next": reverse(DESK)},
        )
        assert pending_comment.replies.get().status == Comment.Status.PENDING

    def test_the_post_author_is_published_at_once(self, post):
        from comments.services import comment_submit

        comment = comment_submit(post=post, author=post.author, body="L’auteur du billet répond.")
        assert comment.status == Comment.Status.APPROVED
        assert [reason.code for reason in comment.hold_reasons.all()] == ["post_author"]

    def test_nothing_happens_if_the_reply_cannot_be_stored(self, client, moderator, pending_comment):
        client.force_login(moderator)
        response = client.post(
            reverse("admin:comments_comment_reply", args=[pending_comment.pk]),
            {"body": "   ", "expected": "pending"},
            headers={"Accept": "application/json"},
        )
        assert response.status_code in (400, 422)
        pending_comment.refresh_from_db()
        assert pending_comment.is_pending and not pending_comment.replies.exists()

    def test_readers_may_not(self, client, reader, pending_comment):
        client.force_login(reader)
        response = client.post(reverse("admin:comments_comment_reply", args=[pending_comment.pk]), {"body": "x"})
        assert response.status_code == 302 and "/login/" in response.url


class TestUndoFromTheDesk:
    def test_json_and_the_comment_back_in_the_queue(self, client, moderator, pending_comment):
        client.force_login(moderator)
        client.post(
            reverse("admin:comments_comment_decide", args=[pending_comment.pk]),
            {"decision": "spam", "expected": "pending"},
            headers={"Accept": "application/json"},
        )
        response = client.post(
            reverse("admin:comments_comment_undo", args=[pending_comment.pk]), headers={"Accept": "application/json"}
        )
        assert response.status_code == 200
        assert response.json()["message"] == "« Mon avis, en attente. » : décision annulée, de retour dans la file."
        pending_comment.refresh_from_db()
        assert pending_comment.is_pending

    def test_nothing_to_undo_is_said(self, client, moderator, pending_comment):
        client.force_login(moderator)
        response = client.post(
            reverse("admin:comments_comment_undo", args=[pending_comment.pk]), headers={"Accept": "application/json"}
        )
        assert response.status_code == 409 and "Rien à annuler" in response.json()["message"]


class TestNewCommentsNotice:
    def test_counts_what_arrived_since_the_page_and_answers_304_when_nothing_moved(self, client, moderator):
        CommentFactory()
        client.force_login(moderator)
        page = desk(client)
        latest = page.context["latest"]
        url = f"{reverse('admin:comments_comment_desk_new')}?apres={latest}"

        first = client.get(url)
        assert first.json() == {"count": 0, "message": ""}
        assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304

        CommentFactory.create_batch(3)
        answer = client.get(url, headers={"If-None-Match": first["ETag"]})
        assert answer.status_code == 200
        assert answer.json() == {"count": 3, "message": "3 nouveaux commentaires à modérer"}


class TestModeratorNotes:
    def test_added_from_a_card_shown_on_every_card_of_the_author_and_on_their_page(self, client, moderator, reader):
        first, second = CommentFactory.create_batch(2, author=reader)
        client.force_login(moderator)
        response = client.post(
            reverse("admin:comments_comment_note", args=[first.pk]),
            {"note": "Liens d’affiliation déjà vus"},
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 200 and response.json()["note"] == "Liens d’affiliation déjà vus"

        html = desk(client).content.decode()
        assert html.count("Liens d’affiliation déjà vus") == 2
        user_page = client.get(reverse("admin:accounts_user_change", args=[reader.pk])).content.decode()
        assert "Liens d’affiliation déjà vus" in user_page

    def test_part_of_the_readers_export(self, moderator, reader):
        from accounts.services import moderator_note_add, user_export_data

        moderator_note_add(user=reader, moderator=moderator, body="À surveiller")
        notes = user_export_data(user=reader)["account"]["moderator_notes"]
        assert [note["note"] for note in notes] == ["À surveiller"]

    def test_only_moderators_write_them(self, reader):
        from django.core.exceptions import PermissionDenied

        from accounts.services import moderator_note_add

        with pytest.raises(PermissionDenied):
            moderator_note_add(user=reader, moderator=UserFactory(is_staff=True), body="x")


class TestAuthorDrawer:
    def test_the_authors_last_comments_whatever_their_status(self, client, moderator, reader):
        CommentFactory(author=reader, body="Un ancien, refusé", status=Comment.Status.REJECTED)
        CommentFactory(author=reader, body="Un ancien, publié", status=Comment.Status.APPROVED)
        CommentFactory(body="D’un autre")
        client.force_login(moderator)
        html = client.get(reverse("admin:comments_comment_desk_author", args=[reader.pk])).content.decode()
        assert "Un ancien, refusé" in html and "Un ancien, publié" in html and "D’un autre" not in html

    def test_staff_without_the_permission_may_not(self, client, reader):
        client.force_login(UserFactory(is_staff=True))
        assert client.get(reverse("admin:comments_comment_desk_author", args=[reader.pk])).status_code == 403


class TestSanctionFromACard:
    def test_suspend_and_back_to_the_card(self, client, moderator, pending_comment):
        client.force_login(moderator)
        html = desk(client).content.decode()
        assert f"/admin/comments/comment/{pending_comment.pk}/sanction/" in html
        back = f"{reverse(DESK)}#card-{pending_comment.pk}"
        response = client.post(
            reverse("admin:comments_comment_sanction", args=[pending_comment.pk]),
            {"sanction": "suspend_7", "reason": "Insultes", "next": back},
        )
        assert response.status_code == 302 and response.url == back
        pending_comment.author.refresh_from_db()
        assert pending_comment.author.is_suspended()

    def test_with_javascript_json_and_no_redirect(self, client, moderator, pending_comment):
        client.force_login(moderator)
        response = client.post(
            reverse("admin:comments_comment_sanction", args=[pending_comment.pk]),
            {"sanction": "ban", "reason": "Spam répété"},
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 200
        answer = response.json()
        assert answer["ok"] and answer["author"] == pending_comment.author_id
        assert answer["state"].startswith("Banni le ") and answer["message"].endswith("est banni.")
        pending_comment.author.refresh_from_db()
        assert pending_comment.author.is_banned

    def test_a_staff_author_is_refused_in_json_too(self, client, moderator, post):
        comment = CommentFactory(post=post, author=ModeratorFactory())
        client.force_login(moderator)
        response = client.post(
            reverse("admin:comments_comment_sanction", args=[comment.pk]),
            {"sanction": "ban"},
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 403 and not response.json()["ok"]
        comment.author.refresh_from_db()
        assert not comment.author.is_banned

    def test_an_unknown_sanction_is_a_400_in_json(self, client, moderator, pending_comment):
        client.force_login(moderator)
        response = client.post(
            reverse("admin:comments_comment_sanction", args=[pending_comment.pk]),
            {"sanction": "suspend_999"},
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 400 and response.json()["message"] == "Sanction inconnue."

    def test_the_lift_button_is_there_hidden_until_a_sanction(self, client, moderator, pending_comment):
        client.force_login(moderator)
        html = desk(client).content.decode()
        assert 'class="button sanction-lift" hidden>' in html
        assert '<li class="sanction-badge" hidden></li>' in html
