"""Passkeys in Chromium, with the DevTools protocol's virtual authenticator: sign up with a passkey,
confirm the address, comment; log out; log in with the passkey; remove it."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from comments.models import Comment
from tests.factories import ModeratorFactory, PostFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "motdepasse-solide-42"  # tests/factories.py


def virtual_authenticator(page) -> dict:
    """A platform authenticator that keeps its passkeys and always verifies its user (a fingerprint)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return {"cdp": cdp, "id": authenticator["authenticatorId"]}


def credentials(authenticator) -> list:
    return authenticator["cdp"].send("WebAuthn.getCredentials", {"authenticatorId": authenticator["id"]})["credentials"]


def test_a_reader_signs_up_with_a_passkey_comments_logs_in_with_it_and_removes_it(live_server, new_page, shoot):
    assert live_server.url.startswith("http://localhost:")  # WebAuthn needs a secure context
    post = PostFactory(title="Payer en ligne sans risque", slug="payer-en-ligne")
    page = new_page()
    authenticator = virtual_authenticator(page)

    # 1. Sign-up: a name and an address, then the passkey instead of a password.
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    page.get_by_role("link", name="créez un compte").click()
    page.get_by_role("link", name="S’inscrire avec une clé d’accès, sans mot de passe").click()
    page.get_by_label("Nom affiché").fill("Jeanne Dupont")
    page.get_by_label("Adresse e-mail").fill("jeanne@example.org")
    shoot(page, "passkey-01-signup")
    page.get_by_role("button", name="Continuer").click()
    expect(page).to_have_url(re.compile(r"/comptes/2fa/webauthn/signup/$"))
    shoot(page, "passkey-02-create")
    page.locator("#mfa_webauthn_signup").click()  # the passkey gesture (the virtual authenticator's)
    clicks, fields, gestures = 4, 2, 1
    expect(page.locator("main")).to_contain_text("Vérifiez votre adresse e-mail")
    shoot(page, "passkey-03-verification-sent")
    user = User.objects.get(email="jeanne@example.org")
    assert not user.has_usable_password()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).count() == 1
    assert len(credentials(authenticator)) == 1

    # 2. The link in the e-mail confirms the address; the reader comments.
    link = re.search(r"https?://\S+/comptes/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)  # the reader clicks the link in the e-mail
    page.get_by_role("button", name="Confirmer").click()
    clicks += 2
    page.wait_for_load_state("load")
    shoot(page, "passkey-03b-confirmed")
    # Confirming in the browser that signed up logs in: the passkey made in this very login is not asked
    # for again (accounts/passkey_signup.py).
    expect(page.locator(".whoami")).to_contain_text("Jeanne Dupont")
    # Back on the post's form: 6 clicks (one in the e-mail), 1 passkey gesture and 2 fields since the
    # post page (README, « way in » table).
    expect(page).to_have_url(re.compile(re.escape(post.get_absolute_url()) + "#commenter$"))
    assert (clicks, gestures, fields) == (6, 1, 2)
    page.get_by_label("Votre commentaire").fill("Une clé d’accès, et me voilà : plus simple qu’un mot de passe.")
    page.get_by_role("button", name="Envoyer pour modération").click()
    expect(page.locator(".comment-pending")).to_contain_text("plus simple qu’un mot de passe")
    shoot(page, "passkey-04-commented")
    assert Comment.objects.filter(author=user).count() == 1

    # 3. Log out, and back in with the passkey alone.
    page.locator(".whoami").click()  # the reader's links are grouped under their name
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.locator(".whoami")).to_have_count(0)
    page.goto(f"{live_server.url}/comptes/login/")
    shoot(page, "passkey-05-login")
    page.locator("#passkey_login").click()
    expect(page.locator(".whoami")).to_contain_text("Jeanne Dupont")

    # 4. The account page lists the passkey; the reader removes it.
    page.goto(f"{live_server.url}/comptes/2fa/")
    expect(page.locator("#passkeys-title")).to_be_visible()
    shoot(page, "passkey-06-account")
    page.get_by_role("link", name="Gérer les clés d’accès").click()
    shoot(page, "passkey-07-list")
    page.get_by_role("link", name="Retirer").click()
    # Removing a way in asks to prove it is still the reader: the passkey again (or a code by e-mail).
    expect(page).to_have_url(re.compile(r"/reauthenticate/"))
    shoot(page, "passkey-08-reauthenticate")
    page.get_by_role("link", name="Utilisez une clé secrète").click()
    page.locator("#mfa_webauthn_reauthenticate").click()
    expect(page).to_have_url(re.compile(r"/comptes/2fa/webauthn/keys/\d+/remove/$"))
    shoot(page, "passkey-09-remove")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    shoot(page, "passkey-10-removed")
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()


def test_a_moderator_keeps_the_password_and_may_give_a_passkey_as_second_factor(live_server, new_page, shoot):
    moderator = ModeratorFactory(email="mina@example.org", display_name="Mina Modératrice")
    page = new_page()
    virtual_authenticator(page)

    # Logged in with the password, the moderator adds a passkey from the account page.
    page.goto(f"{live_server.url}/comptes/login/")
    page.get_by_label("Adresse e-mail").fill(moderator.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion", exact=True).click()
    expect(page.locator(".whoami")).to_contain_text("Mina Modératrice")
    page.goto(f"{live_server.url}/comptes/2fa/")
    page.get_by_role("link", name="Ajouter une clé d’accès").click()
    if "/reauthenticate/" in page.url:
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Confirmer").click()
    page.locator("#mfa_webauthn_add").click()
    expect(page).not_to_have_url(re.compile(r"/webauthn/add/"))
    assert Authenticator.objects.filter(user=moderator, type=Authenticator.Type.WEBAUTHN).count() == 1
    page.locator(".whoami").click()  # the reader's links are grouped under their name
    page.get_by_role("button", name="Se déconnecter").click()

    # Next time, the password then the passkey open the admin.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Adresse e-mail").fill(moderator.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion", exact=True).click()
    expect(page.locator("h1")).to_have_text("Double authentification")
    shoot(page, "passkey-11-second-factor")
    page.get_by_role("button", name="Utiliser une clé d’accès").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    shoot(page, "passkey-12-admin")
