import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def comment_url(post):
    return reverse("comments:create", kwargs={"post_id": post.pk})


class TestPostPageByVisitor:
    def test_anonymous_reader_is_invited_to_log_in_and_come_back(self, client, post):
        response = client.get(post.get_absolute_url())
        html = response.content.decode()
        assert response.status_code == 200
        assert "Connectez-vous" in html
        assert f"{reverse('account_login')}?next={post.get_absolute_url()}" in html
        assert "<textarea" not in html

    def test_unverified_reader_is_told_how_to_verify(self, client, post, unverified_reader):
        client.force_login(unverified_reader)
        html = client.get(post.get_absolute_url()).content.decode()
        assert "confirmez d’abord votre adresse e-mail" in html
        assert reverse("account_email") in html
        assert "<textarea" not in html

    def test_verified_reader_gets_the_form(self, client, post, reader):
        client.force_login(reader)
        html = client.get(post.get_absolute_url()).content.decode()
        assert "<textarea" in html
        assert comment_url(post) in html

    def test_moderator_gets_the_form_too(self, client, post, moderator):
        client.force_login(moderator)
        assert "<textarea" in client.get(post.get_absolute_url()).content.decode()

    def test_closed_post_says_so(self, client, reader):
        closed = PostFactory(comments_open=False)
        client.force_login(reader)
        html = client.get(closed.get_absolute_url()).content.decode()
        assert "Les commentaires sont fermés" in html
        assert "<textarea" not in html


class TestPendingVisibility:
    def test_author_sees_own_pending_comment_marked(self, client, pending_comment, reader):
        client.force_login(reader)
        html = client.get(pending_comment.post.get_absolute_url()).content.decode()
        assert "Mon avis, en attente." in html
        assert "En attente de modération" in html

    @pytest.mark.parametrize("who", ["anonymous", "other"])
    def test_nobody_else_sees_it_nor_counts_it(self, client, pending_comment, who):
        if who == "other":
            client.force_login(CommentFactory().author)
        post_html = client.get(pending_comment.post.get_absolute_url()).content.decode()
        home_html = client.get(reverse("blog:post_list")).content.decode()
        assert "Mon avis, en attente." not in post_html
        assert "0 commentaire" in post_html
        assert "0 commentaire" in home_html

    def test_approved_comment_is_seen_and_counted(self, client, pending_comment, moderator):
        from comments.services import comment_approve

        comment_approve(comment=pending_comment, moderator=moderator)
        html = client.get(pending_comment.post.get_absolute_url()).content.decode()
        assert "Mon avis, en attente." in html
        assert "En attente de modération" not in html
        assert "1 commentaire" in client.get(reverse("blog:post_list")).content.decode()

    def test_email_address_is_never_shown(self, client, pending_comment, reader, moderator):
        from comments.services import comment_approve

        comment_approve(comment=pending_comment, moderator=moderator)
        html = client.get(pending_comment.post.get_absolute_url()).content.decode()
        assert reader.display_name in html
        assert reader.email not in html


class TestCommentCreate:
    def test_verified_reader_posts_and_is_redirected_to_the_pending_comment(self, client, post, reader):
        client.force_login(reader)
        response = client.post(comment_url(post), {"body": "Bel article !"})
        comment = Comment.objects.get()
        assert response.status_code == 302
        assert response.url == f"{post.get_absolute_url()}#comment-{comment.pk}"
        assert comment.status == Comment.Status.PENDING
        page = client.get(post.get_absolute_url()).content.decode()
        assert "attend la validation d’un modérateur" in page

    def test_anonymous_post_is_refused_and_stores_nothing(self, client, post):
        response = client.post(comment_url(post), {"body": "Spam"})
        assert response.status_code == 403
        assert not Comment.objects.exists()

    def test_unverified_post_is_refused_and_keeps_the_text(self, client, post, unverified_reader):
        client.force_login(unverified_reader)
        response = client.post(comment_url(post), {"body": "Mon texte précieux"})
        assert response.status_code == 403
        assert "Mon texte précieux" in response.content.decode()
        assert not Comment.objects.exists()

    def test_empty_comment_gets_a_clear_message(self, client, post, reader):
        client.force_login(reader)
        response = client.post(comment_url(post), {"body": "   "})
        assert response.status_code == 422
        assert "Écrivez quelque chose" in response.content.decode()
        assert not Comment.objects.exists()

    def test_overlong_comment_keeps_what_was_typed(self, client, post, reader, settings):
        client.force_login(reader)
        text = "mot " * 1300  # 5,200 characters, over the 5,000 limit
        response = client.post(comment_url(post), {"body": text})
        html = response.content.decode()
        assert response.status_code == 422
        assert "la limite est de 5000" in html
        assert text.strip()[:200] in html
        assert not Comment.objects.exists()

    def test_double_submit_stores_one_comment(self, client, post, reader):
        client.force_login(reader)
        form_html = client.get(post.get_absolute_url()).content.decode()
        key = form_html.split('name="submission_key" value="')[1].split('"')[0]
        for _ in range(2):
            response = client.post(comment_url(post), {"body": "Une seule fois", "submission_key": key})
            assert response.status_code == 302
        assert Comment.objects.count() == 1

    def test_get_changes_nothing(self, client, post, reader):
        client.force_login(reader)
        response = client.get(comment_url(post), {"body": "par GET"})
        assert response.status_code == 405
        assert not Comment.objects.exists()

    def test_csrf_token_is_required(self, post, reader):
        csrf_client = Client(enforce_csrf_checks=True)
        csrf_client.force_login(reader)
        response = csrf_client.post(comment_url(post), {"body": "Sans jeton"})
        assert response.status_code == 403
        assert not Comment.objects.exists()

    def test_unknown_or_draft_post_is_404(self, client, reader):
        client.force_login(reader)
        draft = PostFactory(status="draft")
        assert client.post(comment_url(draft), {"body": "x"}).status_code == 404
        assert client.post(reverse("comments:create", kwargs={"post_id": 999999}), {"body": "x"}).status_code == 404


def approved(comment, moderator):
    from comments.services import comment_approve

    return comment_approve(comment=comment, moderator=moderator)


class TestRateLimitAndHoneypot:
    def test_posting_too_fast_is_429_with_the_text_kept(self, client, post, reader, settings):
        settings.COMMENTS_RATE_PER_MINUTE = 1
        client.force_login(reader)
        client.post(comment_url(post), {"body": "Premier"})
        response = client.post(comment_url(post), {"body": "Second, trop vite"})
        html = response.content.decode()
        assert response.status_code == 429
        assert "Vous commentez trop vite" in html
        assert "Second, trop vite" in html
        assert Comment.objects.count() == 1

    def test_honeypot_gets_the_same_answer_and_is_stored_as_spam(self, client, post, reader):
        client.force_login(reader)
        response = client.post(comment_url(post), {"body": "Promo", "website": "http://spam.example"}, follow=True)
        assert "attend la validation d’un modérateur" in response.content.decode()
        assert Comment.objects.get().status == Comment.Status.SPAM


class TestThreads:
    def test_reply_form_and_threaded_rendering(self, client, post, reader, moderator):
        parent = approved(CommentFactory(post=post, body="Racine"), moderator)
        client.force_login(reader)
        page = client.get(post.get_absolute_url(), {"reply": parent.pk}).content.decode()
        assert f'name="parent" value="{parent.pk}"' in page
        assert "Répondre à" in page
        response = client.post(comment_url(post), {"body": "Ma réponse", "parent": parent.pk})
        assert response.status_code == 302
        reply = Comment.objects.get(parent=parent)
        approved(reply, moderator)
        html = client.get(post.get_absolute_url()).content.decode()
        replies_block = html.split('class="comment-replies"')[1]
        assert "Ma réponse" in replies_block

    def test_threaded_page_query_count_is_constant(
        self, client, post, reader, moderator, django_assert_max_num_queries
    ):
        roots = [CommentFactory(post=post, status=Comment.Status.APPROVED) for _ in range(30)]
        for root in roots:
            child = CommentFactory(post=post, parent=root, depth=1, status=Comment.Status.APPROVED)
            CommentFactory(post=post, parent=child, depth=2, status=Comment.Status.APPROVED)
        client.force_login(reader)
        with django_assert_max_num_queries(9):  # the first reader's page renders the shared frame
            response = client.get(post.get_absolute_url())
        assert response.content.decode().count('class="comment-replies"') == 60

    def test_removed_comment_with_replies_shows_a_placeholder(self, client, post, reader, moderator):
        from comments.services import comment_delete

        parent = approved(CommentFactory(post=post, author=reader, body="Texte retiré"), moderator)
        approved(CommentFactory(post=post, parent=parent, depth=1, body="La réponse reste"), moderator)
        comment_delete(comment=parent, author=reader)
        html = client.get(post.get_absolute_url()).content.decode()
        assert "Commentaire supprimé" in html
        assert "Texte retiré" not in html
        assert "La réponse reste" in html


class TestOwnCommentPages:
    @pytest.mark.parametrize("name", ["comments:edit", "comments:delete"])
    def test_someone_elses_comment_is_404(self, client, pending_comment, name):
        client.force_login(CommentFactory().author)
        assert client.get(reverse(name, kwargs={"pk": pending_comment.pk})).status_code == 404
        assert client.post(reverse(name, kwargs={"pk": pending_comment.pk}), {"body": "x"}).status_code == 404
        pending_comment.refresh_from_db()
        assert pending_comment.body == "Mon avis, en attente."

    @pytest.mark.parametrize("name", ["comments:edit", "comments:delete", "comments:report", "comments:mine"])
    def test_anonymous_is_sent_to_login(self, client, pending_comment, name):
        url = reverse(name) if name == "comments:mine" else reverse(name, kwargs={"pk": pending_comment.pk})
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response.url

    def test_edit_page_and_post(self, client, pending_comment, reader):
        client.force_login(reader)
        url = reverse("comments:edit", kwargs={"pk": pending_comment.pk})
        assert "Mon avis, en attente." in client.get(url).content.decode()
        assert client.post(url, {"body": "Corrigé"}).status_code == 302
        pending_comment.refresh_from_db()
        assert pending_comment.body == "Corrigé"

    def test_edit_after_the_window_is_refused_with_the_text_kept(self, client, pending_comment, reader):
        from django.utils import timezone

        Comment.objects.filter(pk=pending_comment.pk).update(created_at=timezone.now() - timezone.timedelta(hours=1))
        client.force_login(reader)
        response = client.post(reverse("comments:edit", kwargs={"pk": pending_comment.pk}), {"body": "Trop tard"})
        assert response.status_code == 403
        assert "Trop tard" in response.content.decode()

    def test_delete_asks_on_get_and_acts_on_post(self, client, pending_comment, reader):
        client.force_login(reader)
        url = reverse("comments:delete", kwargs={"pk": pending_comment.pk})
        assert client.get(url).status_code == 200
        assert Comment.objects.exists()
        client.post(url)
        assert not Comment.objects.exists()

    def test_report_page(self, client, pending_comment, moderator):
        comment = approved(pending_comment, moderator)
        reporter = CommentFactory().author
        client.force_login(reporter)
        url = reverse("comments:report", kwargs={"pk": comment.pk})
        assert client.get(url).status_code == 200
        assert not comment.reports.exists()
        assert client.post(url, {"reason": "Hors sujet"}).status_code == 302
        assert comment.reports.get().reason == "Hors sujet"
        again = client.post(url, {"reason": "Encore"})
        assert again.status_code == 422
        assert "déjà signalé" in again.content.decode()

    def test_pending_comment_cannot_be_reported(self, client, pending_comment):
        client.force_login(CommentFactory().author)
        assert client.get(reverse("comments:report", kwargs={"pk": pending_comment.pk})).status_code == 404

    def test_the_spammer_learns_nothing(self, client, post, reader, moderator):
        from comments.services import comment_mark_spam

        spam = CommentFactory(post=post, author=reader, body="Achetez sur [ma boutique](https://boutique.example)")
        comment_mark_spam(comment=spam, moderator=moderator)
        client.force_login(reader)
        page = client.get(reverse("comments:mine")).content.decode()
        mine = page[page.index('<ol class="my-comments">') : page.index("</ol>")]
        assert "Non publié" in mine and "ma boutique" in mine
        assert "Indésirable" not in mine and "spam" not in mine.lower()
        assert "https://boutique.example" not in page
        assert '<div class="comment-body"><p>Achetez sur ma boutique</p>' in mine

    def test_my_comments_lists_statuses_and_the_refusal_reason(self, client, post, reader, moderator):
        from comments.services import comment_reject

        CommentFactory(post=post, author=reader, body="En attente")
        refused = CommentFactory(post=post, author=reader, body="Refusé")
        comment_reject(comment=refused, moderator=moderator, reason="Hors sujet")
        CommentFactory(post=post, body="Pas à moi")
        client.force_login(reader)
        html = client.get(reverse("comments:mine")).content.decode()
        assert "En attente" in html and "Refusé" in html
        assert "Motif du refus : Hors sujet" in html
        assert "Pas à moi" not in html
