from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from comments import decisions, moderation
from comments.admin_stats import CountCap, queue_health, short_duration
from comments.models import BlockedTerm, Comment, HoldReason, Report
from tests.factories import CommentFactory, ModeratorFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"


def run_action(client, action, comments):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


class TestModerationQueue:
    def test_queue_opens_on_pending_newest_first(self, client, moderator, post):
        older = CommentFactory(post=post, body="Ancien en attente")
        newer = CommentFactory(post=post, body="Récent en attente")
        CommentFactory(post=post, body="Déjà approuvé", status=Comment.Status.APPROVED)
        client.force_login(moderator)
        response = client.get(reverse(CHANGELIST))
        html = response.content.decode()
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [newer, older]
        assert "Déjà approuvé" not in html

    def test_status_filter_shows_all_on_request(self, client, moderator, post):
        CommentFactory(post=post, body="Déjà approuvé", status=Comment.Status.APPROVED)
        client.force_login(moderator)
        html = client.get(reverse(CHANGELIST), {"statut": "tous"}).content.decode()
        assert "Déjà approuvé" in html

    def test_excerpt_is_escaped(self, client, moderator, post):
        CommentFactory(post=post, body="<script>alert('x')</script>")
        client.force_login(moderator)
        html = client.get(reverse(CHANGELIST)).content.decode()
        assert "<script>alert('x')</script>" not in html
        assert "&lt;script&gt;" in html

    def test_search_finds_text_and_author(self, client, moderator, post):
        CommentFactory(post=post, body="Parlons de crowdfunding", author=UserFactory(display_name="Zoé"))
        CommentFactory(post=post, body="Autre sujet")
        client.force_login(moderator)
        for term in ["crowdfunding", "Zoé"]:
            results = client.get(reverse(CHANGELIST), {"q": term}).context["cl"].result_list
            assert [c.body for c in results] == ["Parlons de crowdfunding"]

    def test_queue_page_makes_a_fixed_number_of_queries(self, client, moderator, django_assert_max_num_queries):
        for post in PostFactory.create_batch(5):
            CommentFactory.create_batch(20, post=post)
        client.force_login(moderator)
        with django_assert_max_num_queries(12):
            assert client.get(reverse(CHANGELIST)).status_code == 200


class TestBulkActions:
    @pytest.mark.parametrize(
        ("action", "status"),
        [("approve", Comment.Status.APPROVED), ("reject", Comment.Status.REJECTED), ("mark_spam", Comment.Status.SPAM)],
    )
    def test_moderator_decides_in_bulk(self, client, moderator, post, action, status):
        comments = CommentFactory.create_batch(3, post=post)
        client.force_login(moderator)
        response = run_action(client, action, comments)
        assert response.status_code == 200
        for comment in comments:
            comment.refresh_from_db()
            assert comment.status == status
            assert comment.moderated_by == moderator
            assert comment.events.filter(action=status).exists()

    def test_staff_without_moderation_permission_cannot_reach_the_queue(self, client, pending_comment):
        client.force_login(UserFactory(is_staff=True))
        assert client.get(reverse(CHANGELIST)).status_code == 403
        response = client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": [pending_comment.pk]})
        assert response.status_code == 403
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING

    def test_viewer_without_moderate_permission_gets_no_actions(self, client, pending_comment):
        from django.contrib.auth.models import Permission

        viewer = UserFactory(is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
        client.force_login(viewer)
        response = client.get(reverse(CHANGELIST))
        assert response.status_code == 200
        assert response.context["action_form"] is None  # no action offered at all
        run_action(client, "approve", [pending_comment])
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING


class TestModeratorsGroup:
    def test_moderator_can_do_nothing_else_in_the_admin(self, client, moderator, pending_comment):
        client.force_login(moderator)
        forbidden = [
            reverse("admin:blog_post_changelist"),
            reverse("admin:blog_post_add"),
            reverse("admin:accounts_user_add"),
            reverse("admin:auth_group_changelist"),
            reverse("admin:comments_comment_delete", args=[pending_comment.pk]),
            reverse("admin:comments_comment_add"),
        ]
        for url in forbidden:
            assert client.get(url).status_code == 403, url

    def test_moderator_sees_users_but_cannot_edit_them(self, client, moderator, reader):
        client.force_login(moderator)
        url = reverse("admin:accounts_user_change", args=[reader.pk])
        assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
        client.post(url, {"email": "vole@example.org", "display_name": "Volé"})
        reader.refresh_from_db()
        assert reader.email != "vole@example.org"

    def test_moderator_cannot_rewrite_a_comment(self, client, moderator, pending_comment):
        client.force_login(moderator)
        url = reverse("admin:comments_comment_change", args=[pending_comment.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert 'name="body"' not in page.content.decode()
        client.post(url, {"body": "réécrit", "status": "approved"})
        pending_comment.refresh_from_db()
        assert pending_comment.body == "Mon avis, en attente."
        assert pending_comment.status == Comment.Status.PENDING

    def test_moderator_reads_the_history_of_a_comment(self, client, moderator, pending_comment):
        from comments.services import comment_reject

        comment_reject(comment=pending_comment, moderator=moderator, reason="Hors sujet")
        client.force_login(moderator)
        html = client.get(reverse("admin:comments_comment_change", args=[pending_comment.pk])).content.decode()
        assert "Hors sujet" in html
        assert "Refusé" in html
        assert "Mina Modératrice" in html

    def test_the_history_reads_every_time_in_the_sites_zone(self, client, moderator, pending_comment):
        """10:43 UTC is 11:43 in Paris in December: the same event is never shown at both."""
        from comments.models import ModerationEvent
        from comments.services import comment_reject

        comment_reject(comment=pending_comment, moderator=moderator, reason="Hors sujet")
        at = datetime(2026, 12, 2, 10, 43, tzinfo=UTC)
        ModerationEvent.objects.filter(comment=pending_comment).update(created_at=at)
        Comment.objects.filter(pk=pending_comment.pk).update(created_at=at, moderated_at=at)
        client.force_login(moderator)
        html = client.get(reverse("admin:comments_comment_change", args=[pending_comment.pk])).content.decode()
        assert "11:43" in html
        assert "10:43" not in html
        assert str(ModerationEvent.objects.filter(comment=pending_comment).first()).endswith("11:43")

    def test_index_shows_only_moderation_and_users(self, client, moderator):
        client.force_login(moderator)
        response = client.get(reverse("admin:index"))
        app_labels = [app["app_label"] for app in response.context["app_list"]]
        assert sorted(app_labels) == ["accounts", "comments"]  # the admin orders apps by verbose name
        models = {model["object_name"] for app in response.context["app_list"] for model in app["models"]}
        assert models == {"User", "Comment", "BlockedTerm"}


class TestAdminIndex:
    def test_index_shows_how_many_comments_wait(self, client, moderator, post):
        CommentFactory.create_batch(3, post=post)
        CommentFactory(post=post, status=Comment.Status.APPROVED)
        client.force_login(moderator)
        html = client.get(reverse("admin:index")).content.decode()
        assert "3 commentaires en attente" in html

    def test_an_empty_queue_is_counted_in_the_french_singular(self, client, moderator, post):
        CommentFactory(post=post, status=Comment.Status.APPROVED)
        client.force_login(moderator)
        html = client.get(reverse("admin:index")).content.decode()
        assert '<strong id="pending-count">0 commentaire en attente</strong>' in html
        assert "(0 décision)" in html

    def test_a_long_queue_is_not_counted_to_the_end(self, client, moderator, post, monkeypatch):
        monkeypatch.setattr(CountCap, "LIMIT", 3)
        CommentFactory.create_batch(4, post=post)
        client.force_login(moderator)
        html = client.get(reverse("admin:index")).content.decode()
        assert "plus de 3 commentaires en attente" in html
        health = queue_health()
        assert health["pending_capped"] and health["pending"] >= 4

    def test_superuser_sees_the_count_too(self, client, post):
        CommentFactory(post=post)
        admin = UserFactory(is_staff=True, is_superuser=True)
        client.force_login(admin)
        assert "1 commentaire en attente" in client.get(reverse("admin:index")).content.decode()

    def test_moderator_factory_is_in_the_group(self):
        assert ModeratorFactory().groups.filter(name="Modérateurs").exists()


# The moderators' tool: row buttons, the comment's page, filters, queue health -----------------

DECIDE = "admin:comments_comment_decide"
DECISIONS_DONE = {decision.name: str(decision.done) for decision in decisions.DECISIONS}
SANCTION = "admin:comments_comment_sanction"


def held(post, code="links", params=None, **kwargs):
    """A pending comment held for one reason (by default « 3 liens (limite : 2) »)."""
    params = {"count": 3, "limit": 2} if params is None and code == "links" else params or {}
    return CommentFactory(post=post, hold_reasons=[{"code": code, "params": params}], **kwargs)


def staff_with(*codenames):
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


class TestQueueRows:
    def test_row_shows_reasons_domains_and_buttons(self, client, moderator, post):
        comment = held(post, body="Voyez https://exemple.org/page et http://www.autre.example/")
        client.force_login(moderator)
        html = client.get(reverse(CHANGELIST)).content.decode()
        assert '<span class="hold-reason hold-reason-links">3 liens (limite : 2)</span>' in html
        assert '<span class="link-domain">exemple.org</span>' in html
        assert '<span class="link-domain">www.autre.example</span>' in html
        decide = reverse(DECIDE, args=[comment.pk])
        for decision in ["approve", "reject", "spam"]:
            assert f'form="decide-form" formaction="{decide}" name="decision" value="{decision}"' in html

    def test_buttons_submit_a_form_outside_the_changelist_form_with_a_csrf_token(self, client, moderator, post):
        held(post)
        client.force_login(moderator)
        html = client.get(reverse(CHANGELIST), {"statut": "pending", "q": "Commentaire"}).content.decode()
        changelist_form_end = html.index("</form>", html.index('id="changelist-form"'))
        decide_form = html[html.index('<form id="decide-form"') :]
        decide_form = decide_form[: decide_form.index("</form>")]
        assert html.index('<form id="decide-form"') > changelist_form_end  # forms do not nest
        assert 'method="post"' in decide_form
        assert 'name="csrfmiddlewaretoken"' in decide_form
        assert 'name="next" value="/admin/comments/comment/?statut=pending&amp;q=Commentaire"' in decide_form

    def test_badges_escape_html(self, client, moderator, post):
        held(post, code='x"><script>', params={"text": "<script>alert('badge')</script>"}, body="Texte sage")
        client.force_login(moderator)
        html = client.get(reverse(CHANGELIST)).content.decode()
        assert "<script>alert('badge')</script>" not in html
        assert "&lt;script&gt;alert(&#x27;badge&#x27;)&lt;/script&gt;" in html
        assert "hold-reason-x&quot;&gt;&lt;script&gt;" in html

    def test_viewer_without_moderate_permission_sees_no_buttons(self, client, post):
        held(post)
        client.force_login(staff_with("view_comment"))
        html = client.get(reverse(CHANGELIST)).content.decode()
        assert "decide-form" not in html
        assert "formaction" not in html

    def test_open_reports_are_counted_per_row(self, client, moderator, post):
        comment = CommentFactory(post=post, status=Comment.Status.PENDING)
        Report.objects.create(comment=comment, reporter=UserFactory(), reason="insultant")
        Report.objects.create(comment=comment, reporter=UserFactory(), reason="faux")
        Report.objects.create(comment=comment, reporter=UserFactory(), resolved_at=timezone.now())
        client.force_login(moderator)
        response = client.get(reverse(CHANGELIST))
        assert [c.open_report_count for c in response.context["cl"].result_list] == [2]
        assert '<span class="open-reports" data-count="2">2 signalements</span>' in response.content.decode()


class TestQueueBudget:
    @staticmethod
    def queue_queries(client, count, django_assert_max_num_queries, budget):
        posts = PostFactory.create_batch(5)
        authors = UserFactory.create_batch(10)
        Comment.objects.bulk_create(
            [
                Comment(
                    post=posts[i % 5],
                    author=authors[i % 10],
                    body=f"Commentaire {i} https://site{i % 7}.example/",
                    body_html=f"<p>Commentaire {i}</p>",  # bulk_create skips save(), which renders it
                    link_domains=[f"site{i % 7}.example"],
                )
                for i in range(count)
            ]
        )
        HoldReason.objects.bulk_create(
            [
                HoldReason(comment_id=pk, code="unknown_domain", params={"domain": f"site{pk % 7}.example"})
                for pk in Comment.objects.filter(hold_reasons=None).values_list("pk", flat=True)
            ]
        )
        Report.objects.create(comment=Comment.objects.first(), reporter=authors[1])
        with django_assert_max_num_queries(budget) as captured:
            response = client.get(reverse(CHANGELIST))
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == 100  # one page
        return len(captured)

    def test_queue_of_1000_pending_comments_makes_a_fixed_number_of_queries(
        self, client, moderator, django_assert_max_num_queries
    ):
        client.force_login(moderator)
        queries = self.queue_queries(client, 1000, django_assert_max_num_queries, budget=12)
        print(f"\nqueue page with 1,000 pending comments: {queries} queries")

    def test_the_count_does_not_grow_with_the_queue(self, client, moderator, django_assert_max_num_queries):
        client.force_login(moderator)
        small = self.queue_queries(client, 100, django_assert_max_num_queries, budget=12)
        large = self.queue_queries(client, 900, django_assert_max_num_queries, budget=small)
        assert large == small

    def test_no_full_count_and_the_same_queries_past_the_cap(
        self, client, moderator, django_assert_max_num_queries, monkeypatch
    ):
        monkeypatch.setattr(CountCap, "LIMIT", 150)
        client.force_login(moderator)
        small = self.queue_queries(client, 120, django_assert_max_num_queries, budget=12)
        with django_assert_max_num_queries(12) as captured:
            response = client.get(reverse(CHANGELIST))
        sql = [q["sql"].upper() for q in captured]
        # Every COUNT reads a LIMITed subquery: none counts the whole table.
        counts = [q for q in sql if "COUNT(" in q]
        assert counts and all("LIMIT" in q for q in counts)
        self.queue_queries(client, 400, django_assert_max_num_queries, budget=small + 1)  # + PostgreSQL's EXPLAIN
        response = client.get(reverse(CHANGELIST))
        assert response.context["cl"].result_count > 150  # an estimate past the cap, not an error
        assert response.context["cl"].full_result_count is None
        assert response.context["cl"].paginator.num_pages >= 2

    def test_reason_filter_keeps_the_budget(self, client, moderator, django_assert_max_num_queries):
        client.force_login(moderator)
        self.queue_queries(client, 300, django_assert_max_num_queries, budget=12)
        Comment.objects.filter(pk__in=Comment.objects.order_by("-pk").values("pk")[:150]).update(body="retenu")
        with django_assert_max_num_queries(12):
            response = client.get(reverse(CHANGELIST), {"raison": "unknown_domain"})
        assert len(response.context["cl"].result_list) == 100
        assert not client.get(reverse(CHANGELIST), {"raison": "iban"}).context["cl"].result_list


class TestDecideUrl:
    @pytest.mark.parametrize(
        ("decision", "status"),
        [("approve", Comment.Status.APPROVED), ("reject", Comment.Status.REJECTED), ("spam", Comment.Status.SPAM)],
    )
    def test_row_button_decides_and_goes_back_to_the_filtered_queue(self, client, moderator, post, decision, status):
        comment = held(post)
        other = held(post)
        client.force_login(moderator)
        back = reverse(CHANGELIST) + "?statut=pending&raison=links"
        response = client.post(reverse(DECIDE, args=[comment.pk]), {"decision": decision, "next": back})
        assert response.status_code == 302
        assert response["Location"] == back
        comment.refresh_from_db()
        assert comment.status == status
        assert comment.moderated_by == moderator
        assert comment.events.filter(action=status, actor=moderator).exists()
        other.refresh_from_db()
        assert other.status == Comment.Status.PENDING
        messages = [str(m) for m in client.get(back).context["messages"]]
        assert any(str(m).endswith(DECISIONS_DONE[decision]) for m in messages), messages

    def test_get_changes_nothing(self, client, moderator, pending_comment):
        client.force_login(moderator)
        response = client.get(reverse(DECIDE, args=[pending_comment.pk]), {"decision": "approve"})
        assert response.status_code == 405
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING
        assert pending_comment.moderated_by is None

    def test_foreign_next_is_ignored(self, client, moderator, pending_comment):
        client.force_login(moderator)
        url = reverse(DECIDE, args=[pending_comment.pk])
        response = client.post(url, {"decision": "approve", "next": "https://ailleurs.example/admin/"})
        assert response["Location"] == reverse(CHANGELIST)

    @pytest.mark.parametrize(("url", "data"), [(DECIDE, {"decision": "approve"}), (SANCTION, {"sanction": "ban"})])
    def test_a_comment_deleted_since_is_said_gone(self, client, moderator, pending_comment, url, data):
        client.force_login(moderator)
        posted = reverse(url, args=[pending_comment.pk])
        Comment.objects.filter(pk=pending_comment.pk).delete()

        response = client.post(posted, data, follow=True)

        assert response.redirect_chain == [(reverse(CHANGELIST), 302)]
        assert "Ce commentaire n’existe plus." in [str(m) for m in response.context["messages"]]
        pending_comment.author.refresh_from_db()
        assert not pending_comment.author.is_banned

    def test_unknown_decision_changes_nothing(self, client, moderator, pending_comment):
        client.force_login(moderator)
        client.post(reverse(DECIDE, args=[pending_comment.pk]), {"decision": "delete"})
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING

    def test_forged_post_without_csrf_token_fails(self, moderator, pending_comment):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(moderator)
        response = client.post(reverse(DECIDE, args=[pending_comment.pk]), {"decision": "approve"})
        assert response.status_code == 403
        response = client.post(reverse(SANCTION, args=[pending_comment.pk]), {"sanction": "ban"})
        assert response.status_code == 403
        pending_comment.refresh_from_db()
        pending_comment.author.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING
        assert not pending_comment.author.is_banned

    @pytest.mark.parametrize("codenames", [(), ("view_comment",)])
    def test_staff_without_the_permissions_cannot_use_the_new_urls(self, client, pending_comment, codenames):
        client.force_login(staff_with(*codenames))
        assert client.post(reverse(DECIDE, args=[pending_comment.pk]), {"decision": "approve"}).status_code == 403
        assert client.post(reverse(SANCTION, args=[pending_comment.pk]), {"sanction": "ban"}).status_code == 403
        pending_comment.refresh_from_db()
        pending_comment.author.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING
        assert not pending_comment.author.is_banned
        assert pending_comment.author.suspended_until is None

    def test_reject_with_a_preset_stores_its_code(self, client, moderator, pending_comment):
        client.force_login(moderator)
        client.post(reverse(DECIDE, args=[pending_comment.pk]), {"decision": "reject", "preset": "off_topic"})
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.REJECTED
        assert (pending_comment.decision_preset, pending_comment.decision_reason) == ("off_topic", "")
        assert pending_comment.events.get(action="rejected").reason == "Hors sujet"  # the history, in French

    def test_the_panel_offers_the_presets_by_code_in_the_moderators_language(self, client, moderator, pending_comment):
        client.force_login(moderator)
        html = client.get(reverse("admin:comments_comment_change", args=[pending_comment.pk])).content.decode()
        assert '<option value="off_topic">Hors sujet</option>' in html

    def test_reject_with_free_text_stores_the_reason(self, client, moderator, pending_comment):
        client.force_login(moderator)
        reason = "Merci de rester courtois."
        client.post(reverse(DECIDE, args=[pending_comment.pk]), {"decision": "reject", "reason": reason})
        pending_comment.refresh_from_db()
        assert pending_comment.decision_reason == reason
        assert pending_comment.events.get(action="rejected").reason == reason

    def test_preset_and_words_are_joined(self, client, moderator, pending_comment):
        client.force_login(moderator)
        data = {"decision": "reject", "preset": "personal_data", "reason": "votre IBAN"}
        client.post(reverse(DECIDE, args=[pending_comment.pk]), data)
        pending_comment.refresh_from_db()
        assert pending_comment.decision_reason == "votre IBAN"
        assert pending_comment.refusal_reason == "Données personnelles — votre IBAN"
        with translation.override("en"):
            assert pending_comment.refusal_reason == "Personal data — votre IBAN"  # the words stay as written

    def test_a_preset_not_offered_is_refused(self, client, moderator, pending_comment):
        client.force_login(moderator)
        client.post(reverse(DECIDE, args=[pending_comment.pk]), {"decision": "reject", "preset": "Parce que"})
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING

    def test_approve_and_trust_trusts_the_author(self, client, moderator, pending_comment):
        client.force_login(moderator)
        client.post(reverse(DECIDE, args=[pending_comment.pk]), {"decision": "approve_trust"})
        pending_comment.refresh_from_db()
        pending_comment.author.refresh_from_db()
        assert pending_comment.status == Comment.Status.APPROVED
        assert pending_comment.author.trusted

    def test_approve_unmasked_shows_personal_data(self, client, moderator, pending_comment):
        client.force_login(moderator)
        client.post(reverse(DECIDE, args=[pending_comment.pk]), {"decision": "approve_unmasked"})
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.APPROVED
        assert pending_comment.show_unmasked

    def test_plain_approve_keeps_personal_data_masked(self, client, moderator, pending_comment):
        client.force_login(moderator)
        client.post(reverse(DECIDE, args=[pending_comment.pk]), {"decision": "approve"})
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.APPROVED
        assert not pending_comment.show_unmasked
        assert not pending_comment.author.trusted


class TestNewBulkActions:
    def test_approve_and_trust_in_bulk(self, client, moderator, post):
        comments = CommentFactory.create_batch(2, post=post)
        client.force_login(moderator)
        run_action(client, "approve_and_trust", comments)
        for comment in comments:
            comment.refresh_from_db()
            comment.author.refresh_from_db()
            assert comment.status == Comment.Status.APPROVED
            assert comment.author.trusted

    def test_approve_unmasked_in_bulk(self, client, moderator, post):
        comments = CommentFactory.create_batch(2, post=post)
        client.force_login(moderator)
        run_action(client, "approve_unmasked", comments)
        for comment in comments:
            comment.refresh_from_db()
            assert comment.status == Comment.Status.APPROVED
            assert comment.show_unmasked


class TestCommentPage:
    def test_page_shows_everything_a_moderator_needs(self, client, moderator, post, reader):
        CommentFactory(author=reader, post=post, status=Comment.Status.APPROVED)
        CommentFactory(author=reader, post=post, status=Comment.Status.SPAM)
        comment = CommentFactory(
            author=reader,
            post=post,
            status=Comment.Status.APPROVED,
            body="Texte *publié* https://exemple.org/",
            pending_body="Texte modifié en attente",
            hold_reasons=[{"code": "edit"}],
        )
        Report.objects.create(comment=comment, reporter=UserFactory(display_name="Rémi Rapporteur"), reason="agressif")
        client.force_login(moderator)
        html = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
        assert "<em>publié</em>" in html  # rendered
        assert "Texte *publié* https://exemple.org/" in html  # raw
        assert "Texte modifié en attente" in html
        assert '<span class="hold-reason hold-reason-edit">modification d’un commentaire publié</span>' in html
        assert '<span class="link-domain">exemple.org</span>' in html
        assert "adresse e-mail vérifiée" in html
        assert "2 approuvés, 0 refusé, 1 indésirable" in html
        assert "1 signalement ouvert" in html
        assert "Rémi Rapporteur" in html
        assert "agressif" in html
        assert 'id="decide-panel"' in html
        assert '<option value="abusive">Propos injurieux ou agressifs</option>' in html
        assert 'id="sanction-panel"' in html
        assert 'value="suspend_30"' in html

    def test_decide_panel_goes_back_to_the_queue_as_it_was_filtered(self, client, moderator, pending_comment):
        client.force_login(moderator)
        url = reverse("admin:comments_comment_change", args=[pending_comment.pk])
        response = client.get(url, {"_changelist_filters": "statut=pending&raison=links"})
        assert response.context["decision_panel"]["next"] == reverse(CHANGELIST) + "?statut=pending&raison=links"

    def test_viewer_sees_the_page_without_panels(self, client, pending_comment):
        Report.objects.create(comment=pending_comment, reporter=UserFactory(display_name="Rémi Rapporteur"))
        client.force_login(staff_with("view_comment"))
        html = client.get(reverse("admin:comments_comment_change", args=[pending_comment.pk])).content.decode()
        assert "Mon avis, en attente." in html
        assert "Rémi Rapporteur" in html  # reports are read by whoever may view the comment
        assert 'id="decide-panel"' not in html
        assert 'id="sanction-panel"' not in html

    def test_staff_author_gets_no_sanction_buttons(self, client, moderator, post):
        comment = CommentFactory(post=post, author=UserFactory(is_staff=True))
        client.force_login(moderator)
        html = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
        assert "Compte de l’équipe" in html
        assert 'value="ban"' not in html


class TestSanctionFromCommentPage:
    @pytest.mark.parametrize("days", [1, 7, 30])
    def test_suspend_the_author(self, client, moderator, pending_comment, days):
        client.force_login(moderator)
        url = reverse(SANCTION, args=[pending_comment.pk])
        response = client.post(url, {"sanction": f"suspend_{days}", "reason": "insultes"})
        assert response["Location"] == reverse("admin:comments_comment_change", args=[pending_comment.pk])
        author = pending_comment.author
        author.refresh_from_db()
        expected = timezone.now() + timedelta(days=days)
        assert abs(author.suspended_until - expected) < timedelta(minutes=1)
        assert author.sanction_reason == "insultes"
        assert not author.is_banned

    def test_ban_the_author(self, client, moderator, pending_comment):
        client.force_login(moderator)
        client.post(reverse(SANCTION, args=[pending_comment.pk]), {"sanction": "ban", "reason": "spammeur"})
        author = pending_comment.author
        author.refresh_from_db()
        assert author.is_banned
        assert author.sanction_reason == "spammeur"

    def test_get_changes_nothing(self, client, moderator, pending_comment):
        client.force_login(moderator)
        assert client.get(reverse(SANCTION, args=[pending_comment.pk]), {"sanction": "ban"}).status_code == 405
        pending_comment.author.refresh_from_db()
        assert not pending_comment.author.is_banned

    def test_a_staff_author_cannot_be_banned(self, client, moderator, post):
        colleague = UserFactory(is_staff=True)
        comment = CommentFactory(post=post, author=colleague)
        client.force_login(moderator)
        response = client.post(reverse(SANCTION, args=[comment.pk]), {"sanction": "ban"}, follow=True)
        colleague.refresh_from_db()
        assert not colleague.is_banned
        assert "Un compte de l’équipe ne peut pas être sanctionné ici." in [
            str(m) for m in response.context["messages"]
        ]


class TestFilters:
    def test_filter_by_hold_reason(self, client, moderator, post):
        links = held(post, code="links", body="trop de liens")
        held(post, code="blocked_word", params={"word": "casino"}, body="casino")
        held(post, code="links_extra", params={"text": "code voisin"}, body="voisin")  # a longer code that starts alike
        client.force_login(moderator)
        response = client.get(reverse(CHANGELIST), {"raison": "links"})
        assert [c.body for c in response.context["cl"].result_list] == [links.body]
        spec = next(s for s in response.context["cl"].filter_specs if s.parameter_name == "raison")
        # Every reason the policy knows, without counting which ones held something.
        assert [code for code, _label in spec.lookup_choices] == list(moderation.REASON_LABELS)

    def test_filter_by_hold_reason_is_an_exists_on_the_rows(self, client, moderator, post):
        row = held(post, code="links", body="avec sa ligne")
        held(post, code="iban", body="autre raison")
        client.force_login(moderator)
        with CaptureQueriesContext(connection) as captured:
            results = client.get(reverse(CHANGELIST), {"raison": "links"}).context["cl"].result_list
        assert [c.pk for c in results] == [row.pk]
        listing = [q["sql"] for q in captured if "EXISTS" in q["sql"]]
        assert listing and all('FROM "comments_holdreason"' in sql and "\"code\" = 'links'" in sql for sql in listing)

    def test_filter_by_hold_reason_on_a_comment_submitted_through_the_service(self, client, moderator, post, reader):
        from comments.services import comment_submit

        comment = comment_submit(
            post=post, author=reader, body="Voyez https://a.example https://b.example https://c.example"
        )
        assert "links" in set(comment.hold_reasons.values_list("code", flat=True))
        client.force_login(moderator)
        results = client.get(reverse(CHANGELIST), {"raison": "links"}).context["cl"].result_list
        assert [c.pk for c in results] == [comment.pk]
        assert not client.get(reverse(CHANGELIST), {"raison": "iban"}).context["cl"].result_list

    def test_filter_reported(self, client, moderator, post):
        reported = CommentFactory(post=post, body="signalé")
        resolved = CommentFactory(post=post, body="signalement traité")
        CommentFactory(post=post, body="jamais signalé")
        for reporter in UserFactory.create_batch(2):
            Report.objects.create(comment=reported, reporter=reporter)
        Report.objects.create(comment=resolved, reporter=UserFactory(), resolved_at=timezone.now())
        client.force_login(moderator)
        results = client.get(reverse(CHANGELIST), {"signale": "oui"}).context["cl"].result_list
        assert [c.body for c in results] == ["signalé"]  # once, though reported twice
        results = client.get(reverse(CHANGELIST), {"signale": "non"}).context["cl"].result_list
        assert sorted(c.body for c in results) == ["jamais signalé", "signalement traité"]

    def test_filter_by_post(self, client, moderator, post):
        CommentFactory(post=post, body="ici")
        CommentFactory(body="ailleurs")
        client.force_login(moderator)
        results = client.get(reverse(CHANGELIST), {"post__id__exact": post.pk}).context["cl"].result_list
        assert [c.body for c in results] == ["ici"]


NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def pinned(status, created, moderated=None, queued=None):
    """A comment written at `created` (and queued then, unless `queued` says otherwise), decided at `moderated`."""
    comment = CommentFactory(status=status)
    Comment.objects.filter(pk=comment.pk).update(
        created_at=created, queued_at=queued or created, moderated_at=moderated
    )
    return comment


class TestQueueHealth:
    @pytest.fixture
    def hand_made(self, db):
        h = timedelta(hours=1)
        d = timedelta(days=1)
        pinned(Comment.Status.PENDING, NOW - 3 * h)
        pinned(Comment.Status.PENDING, NOW - 2 * d - 1 * h)
        # decided within 7 days: 1 h, 3 h, 5 h after submission
        pinned(Comment.Status.APPROVED, NOW - 1 * d - 1 * h, NOW - 1 * d)
        pinned(Comment.Status.REJECTED, NOW - 2 * d - 3 * h, NOW - 2 * d)
        pinned(Comment.Status.SPAM, NOW - 6 * d - 5 * h, NOW - 6 * d)
        # within 30 days only: 10 h and 20 h
        pinned(Comment.Status.APPROVED, NOW - 10 * d - 10 * h, NOW - 10 * d)
        pinned(Comment.Status.APPROVED, NOW - 20 * d - 20 * h, NOW - 20 * d)
        # left out: decided 40 days ago, published at once (no moderator), decided after `now`
        pinned(Comment.Status.APPROVED, NOW - 40 * d - 99 * h, NOW - 40 * d)
        pinned(Comment.Status.APPROVED, NOW - 1 * d)
        pinned(Comment.Status.APPROVED, NOW - 1 * d, NOW + 1 * h)

    def test_figures(self, hand_made):
        health = queue_health(now=NOW)
        assert health["pending"] == 2
        assert health["oldest_age"] == timedelta(days=2, hours=1)
        assert health["decided_7"] == {"median": timedelta(hours=3), "count": 3}
        assert health["decided_30"] == {"median": timedelta(hours=5), "count": 5}

    def test_the_oldest_counts_from_when_it_entered_the_queue(self, db):
        pinned(Comment.Status.PENDING, NOW - timedelta(days=4455), queued=NOW - timedelta(minutes=5))
        assert queue_health(now=NOW)["oldest_age"] == timedelta(minutes=5)

    def test_empty_queue(self, db):
        health = queue_health(now=NOW)
        assert health["pending"] == 0
        assert health["oldest_age"] is None
        assert health["decided_7"] == {"median": None, "count": 0}

    def test_median_of_an_even_count(self, db):
        pinned(Comment.Status.APPROVED, NOW - timedelta(hours=5), NOW - timedelta(hours=4))
        pinned(Comment.Status.APPROVED, NOW - timedelta(hours=5), NOW - timedelta(hours=2))
        assert queue_health(now=NOW)["decided_7"]["median"] == timedelta(hours=2)

    @pytest.mark.parametrize(
        ("delta", "text"),
        [
            (None, "—"),
            (timedelta(seconds=30), "< 1 min"),
            (timedelta(minutes=12), "12 min"),
            (timedelta(hours=3, minutes=59), "3 h"),
            (timedelta(days=2, hours=1), "2 j"),
        ],
    )
    def test_short_duration(self, delta, text):
        assert short_duration(delta) == text

    def test_index_panel(self, client, moderator, settings):
        settings.COMMENTS_MODERATION_MODE = "trust"
        settings.COMMENTS_MAX_LINKS = 4
        now = timezone.now()
        pinned(Comment.Status.PENDING, now - timedelta(days=2, hours=1))
        pinned(Comment.Status.APPROVED, now - timedelta(hours=4), now - timedelta(hours=1))
        client.force_login(moderator)
        html = client.get(reverse("admin:index")).content.decode()
        assert '<td id="oldest-pending">2 j</td>' in html
        assert '<td id="median-7">3 h' in html
        assert '<td id="policy-mode">Échelle de confiance</td>' in html
        assert "<td>4</td>" in html
        assert "1 commentaire en attente" in html


class TestBlockedTermAdmin:
    def test_moderator_keeps_the_block_list(self, client, moderator):
        client.force_login(moderator)
        response = client.post(
            reverse("admin:comments_blockedterm_add"), {"kind": "domain", "value": " Casino.Example "}
        )
        assert response.status_code == 302
        term = BlockedTerm.objects.get()
        assert (term.kind, term.value) == ("domain", "casino.example")
        BlockedTerm.objects.create(kind="word", value="viagra")
        changelist = reverse("admin:comments_blockedterm_changelist")
        assert [t.value for t in client.get(changelist, {"kind__exact": "word"}).context["cl"].result_list] == [
            "viagra"
        ]
        assert [t.value for t in client.get(changelist, {"q": "casino"}).context["cl"].result_list] == [
            "casino.example"
        ]
        client.post(reverse("admin:comments_blockedterm_delete", args=[term.pk]), {"post": "yes"})
        assert not BlockedTerm.objects.filter(pk=term.pk).exists()


class TestMigrationsGroup:
    def test_the_migrations_grant_the_moderators_exactly_this(self):
        from django.contrib.auth.models import Group

        from tests.factories import MODERATOR_PERMISSIONS

        group = Group.objects.get(name="Modérateurs")
        granted = set(group.permissions.values_list("content_type__app_label", "codename"))
        assert granted == set(MODERATOR_PERMISSIONS)
