"""The whole mission in a real browser: sign up, confirm, comment, wait, get approved."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from blog.models import Post
from tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db(transaction=True)

COMMENT = "Très juste : les conseillers doivent être embarqués dès le début. Voir https://example.org/etude"


def test_reader_signs_up_comments_and_sees_it_published_after_moderation(live_server, new_page, shoot):
    call_command("loaddata", "articles", verbosity=0)
    post = Post.objects.published().order_by("-published_at").first()
    moderator = ModeratorFactory(email="mina@example.org", display_name="Mina Modératrice")
    post_url = f"{live_server.url}{post.get_absolute_url()}"

    # 1. A reader arrives on the home page and opens the newest article.
    reader = new_page()
    reader.goto(live_server.url)
    expect(reader.locator("h2 a").first).to_have_text(post.title)
    shoot(reader, "01-home")
    reader.locator("h2 a").first.click()
    expect(reader.locator("h1")).to_have_text(post.title)

    # 2. Not logged in: an invitation to sign up that brings them back here.
    expect(reader.locator(".invitation")).to_contain_text("lecteurs identifiés")
    shoot(reader, "02-post-anonymous")
    reader.get_by_role("link", name="créez un compte").click()
    reader.get_by_label("Nom affiché").fill("Jeanne Dupont")
    reader.get_by_label("Adresse e-mail").fill("jeanne@example.org")
    reader.locator("#id_password1").fill("un-mot-de-passe-long-2026")
    reader.locator("#id_password2").fill("un-mot-de-passe-long-2026")
    shoot(reader, "03-signup")
    reader.get_by_role("button", name="Création de compte").click()
    expect(reader.locator("main")).to_contain_text("Vérifiez votre adresse e-mail")
    shoot(reader, "04-verification-sent")

    # 3. The confirmation link from the e-mail: the page asks, the button confirms.
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/comptes/confirm-email/\S+/", mail.outbox[0].body).group(0)
    reader.goto(link)
    shoot(reader, "05-confirm-email")
    reader.get_by_role("button", name="Confirmer").click()

    # 4. Confirming logs the reader in and brings them back to the article's form.
    expect(reader).to_have_url(f"{post_url}#commenter")
    expect(reader.locator(".whoami")).to_contain_text("Jeanne Dupont")
    reader.get_by_label("Votre commentaire").fill(COMMENT)
    reader.get_by_role("button", name="Envoyer pour modération").click()
    expect(reader.locator(".comment-pending .comment-sent")).to_contain_text("attend la validation d’un modérateur")
    pending = reader.locator(".comment-pending")
    expect(pending).to_contain_text("Très juste")
    expect(pending).to_contain_text("En attente de modération")
    expect(pending.locator(".comment-body a")).to_have_attribute("rel", "nofollow ugc noopener")
    shoot(reader, "06-comment-pending")

    # 5. Another reader, not logged in, does not see it.
    stranger = new_page()
    stranger.goto(post_url)
    expect(stranger.locator("#commentaires")).not_to_contain_text("Très juste")
    shoot(stranger, "07-anonymous-before-approval")

    # 6. The moderator approves it in the admin queue.
    admin = new_page()
    admin.goto(f"{live_server.url}/admin/")
    admin.get_by_label("Adresse e-mail").fill(moderator.email)
    admin.get_by_label("Mot de passe").fill("motdepasse-solide-42")
    admin.get_by_role("button", name="Connexion").click()
    expect(admin.locator("#pending-count")).to_contain_text("2 commentaires en attente")
    shoot(admin, "08-admin-index")
    admin.get_by_role("link", name="Ouvrir la file de modération").click()
    row = admin.locator("#result_list tbody tr", has_text="Très juste")
    row.locator("input[name=_selected_action]").check()
    admin.locator("select[name=action]").select_option("approve")
    shoot(admin, "09-admin-queue")
    admin.get_by_role("button", name="Exécuter").click()
    expect(admin.locator(".messagelist")).to_contain_text("1 commentaire approuvé")
    shoot(admin, "10-admin-approved")

    # 7. Every reader now sees it, and the count says so.
    stranger.reload()
    expect(stranger.locator("#commentaires")).to_contain_text("Très juste")
    expect(stranger.locator("#commentaires-titre")).to_have_text("1 commentaire")
    shoot(stranger, "11-anonymous-after-approval")
    reader.reload()
    expect(reader.locator(".comment-pending")).to_have_count(0)
