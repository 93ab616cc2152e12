"""An IBAN held with its reason, approved in the admin, masked for readers; the e-mails that follow."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from comments.models import Comment
from tests.factories import ModeratorFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

IBAN = "FR14 2004 1010 0505 0001 3M02 606"
PASSWORD = "motdepasse-solide-42"


def log_in(page, base_url, email):
    page.goto(f"{base_url}/comptes/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()


def test_held_iban_is_approved_masked_and_the_emails_follow(live_server, new_page, shoot):
    post = PostFactory(title="Payer en ligne sans risque", slug="payer-en-ligne")
    commenter = UserFactory(email="claire@example.org", display_name="Claire")
    replier = UserFactory(email="paul@example.org", display_name="Paul")
    moderator = ModeratorFactory(email="mina@example.org", display_name="Mina Modératrice")
    post_url = f"{live_server.url}{post.get_absolute_url()}"

    # 1. Claire pastes her IBAN, asks to hear of replies: held, with its reason, visible to her only.
    claire = new_page()
    log_in(claire, live_server.url, commenter.email)
    claire.goto(post_url)
    claire.get_by_label("Votre commentaire").fill(f"Pour me rembourser, voici mon IBAN : {IBAN}")
    claire.get_by_label("Me prévenir par e-mail des réponses publiées").check()
    claire.get_by_role("button", name="Envoyer pour modération").click()
    expect(claire.locator(".comment-pending")).to_contain_text("En attente de modération")
    shoot(claire, "20-iban-pending")
    comment = Comment.objects.get(author=commenter)
    assert ("iban", "IBAN détecté") in [(reason.code, reason.message) for reason in comment.hold_reasons.all()]
    held_mail = [m for m in mail.outbox if m.to == [moderator.email]]
    assert len(held_mail) == 1 and "IBAN détecté" in held_mail[0].body

    # 2. The moderator sees why it was held and approves it from the queue.
    mina = new_page()
    mina.goto(f"{live_server.url}/admin/")
    mina.get_by_label("Adresse e-mail").fill(moderator.email)
    mina.get_by_label("Mot de passe").fill(PASSWORD)
    mina.get_by_role("button", name="Connexion").click()
    mina.goto(f"{live_server.url}/admin/comments/comment/")
    row = mina.locator("#result_list tbody tr", has_text="voici mon IBAN")
    expect(row).to_contain_text("IBAN détecté")
    shoot(mina, "21-queue-with-reasons")
    mail.outbox.clear()
    row.get_by_role("button", name="Approuver", exact=True).click()
    expect(mina.locator(".messagelist")).to_contain_text("approuvé")

    # 3. Readers see it, the IBAN masked.
    stranger = new_page()
    stranger.goto(post_url)
    published = stranger.locator(f"#comment-{comment.pk}")
    expect(published).to_contain_text("FR14 **** … 2606")
    expect(published).not_to_contain_text("2004 1010")
    shoot(stranger, "22-iban-masked")

    # 4. Claire is told, with a link to her comment.
    approval = [m for m in mail.outbox if m.to == [commenter.email]]
    assert len(approval) == 1
    assert f"#comment-{comment.pk}" in approval[0].body
    mail.outbox.clear()

    # 5. Paul replies: Claire hears nothing until the reply is approved.
    paul = new_page()
    log_in(paul, live_server.url, replier.email)
    paul.goto(post_url)
    paul.locator(f"#comment-{comment.pk}").get_by_role("link", name="Répondre").click()
    expect(paul.locator("#commenter h3")).to_contain_text("Répondre à Claire")
    paul.get_by_label("Votre commentaire").fill("Attention à ne pas publier ce genre d’information !")
    paul.get_by_role("button", name="Envoyer pour modération").click()
    expect(paul.locator(".comment-replies .comment-pending")).to_contain_text("Attention")
    shoot(paul, "23-reply-pending")
    assert not [m for m in mail.outbox if m.to == [commenter.email]]

    mina.goto(f"{live_server.url}/admin/comments/comment/")
    mina.locator("#result_list tbody tr", has_text="Attention à ne pas").get_by_role(
        "button", name="Approuver", exact=True
    ).click()
    expect(mina.locator(".messagelist")).to_contain_text("approuvé")
    told = [m for m in mail.outbox if m.to == [commenter.email]]
    assert len(told) == 1
    assert "Paul" in told[0].body
    assert "desabonnement" in told[0].body
    stranger.reload()
    expect(stranger.locator(".comment-replies")).to_contain_text("Attention à ne pas publier")
    shoot(stranger, "24-reply-published")
