"""OpenID Connect logins in Chromium, against a real provider running in a process of its own:
django-oauth-toolkit's OpenID Connect provider (tests/oidc_provider/), configured in Causerie by the
same environment variables a site owner sets (config/providers.py). The provider knows two people:
Jeanne, whose address it verified (``email_verified`` true), and Paul, whose address it did not.

- a new reader whose address the provider verified comments at once;
- a new reader whose address it did not verify confirms it by e-mail first;
- an existing account with the same address is joined only when the provider verified it; otherwise
  the reader logs in to that account, connects the provider from the account page, and may disconnect
  it there — never their last way in.
"""

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from comments.models import Comment
from tests.factories import PostFactory, UserFactory
from tests.oidc_provider.fixtures import PASSWORD as PROVIDER_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "motdepasse-solide-42"  # tests/factories.py


def open_post(page, live_server):
    post = PostFactory(title="Payer en ligne sans risque", slug="payer-en-ligne")
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    return post


def through_the_provider(page, shoot, name: str, username: str) -> int:
    """From the login page: the provider's button, its confirmation, its own login page. The clicks made."""
    page.get_by_role("link", name="Maison SSO").click()
    shoot(page, f"{name}-02-confirm")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/login/"))
    shoot(page, f"{name}-03-provider-login")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Se connecter à Maison SSO").click()
    return 3


def comment(page, text: str) -> None:
    page.get_by_label("Votre commentaire").fill(text)
    page.get_by_role("button", name="Envoyer pour modération").click()
    expect(page.locator(".comment-pending")).to_contain_text(text[:20])


def test_a_provider_verified_address_comments_at_once(live_server, new_page, shoot, real_oidc):
    page = new_page()
    post = open_post(page, live_server)
    page.get_by_role("link", name="Connectez-vous").click()
    shoot(page, "oidc-verified-01-login")
    clicks = 1 + through_the_provider(page, shoot, "oidc-verified", "jeanne")

    # Back from the provider: Causerie asks only for the public name, proposed from the provider's.
    expect(page).to_have_url(re.compile(r"/comptes/3rdparty/signup/"))
    expect(page.get_by_label("Nom affiché")).to_have_value("Jeanne Dupont")
    shoot(page, "oidc-verified-04-signup")
    page.locator("main form button[type=submit]").click()
    clicks += 1
    expect(page).to_have_url(re.compile(re.escape(post.get_absolute_url())))
    expect(page.locator(".whoami")).to_contain_text("Jeanne Dupont")
    expect(page.get_by_label("Votre commentaire")).to_be_visible()
    shoot(page, "oidc-verified-05-post")
    # From the post page to its comment form: 5 clicks, of which one on the provider's own login page,
    # and the provider's 2 fields (README, « way in » table); none without the provider's login.
    assert clicks == 5
    user = User.objects.get(email="jeanne@example.org")
    assert user.has_verified_email()
    assert SocialAccount.objects.get(user=user).provider == "maison"

    comment(page, "Connectée par mon fournisseur d’identité, sans mot de passe.")
    assert Comment.objects.get(author=user).status == Comment.Status.PENDING
    assert not mail.outbox  # no e-mail to confirm: the provider's word is enough

    # The account page lists the connection; with no password, it is the last way in: it stays.
    page.locator(".whoami").click()  # the reader's links are grouped under their name
    page.get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Comptes connectés").click()
    expect(page.locator("main")).to_contain_text("Maison SSO")
    page.get_by_role("radio").check()
    page.get_by_role("button", name="Déconnecter ce compte").click()
    page.wait_for_load_state("load")
    shoot(page, "oidc-verified-06-disconnect-refused")
    expect(page.locator("main")).to_contain_text("mot de passe")
    assert SocialAccount.objects.filter(user=user).exists()


def test_an_address_the_provider_did_not_verify_is_confirmed_by_e_mail_first(live_server, new_page, shoot, real_oidc):
    page = new_page()
    post = open_post(page, live_server)
    page.get_by_role("link", name="Connectez-vous").click()
    clicks = 1 + through_the_provider(page, shoot, "oidc-unverified", "paul")
    expect(page.get_by_label("Nom affiché")).to_have_value("Paul Martin")
    page.locator("main form button[type=submit]").click()
    clicks += 1

    # The provider did not vouch for the address: the link in the e-mail must, before any comment.
    expect(page.locator("main")).to_contain_text("Vérifiez votre adresse e-mail")
    shoot(page, "oidc-unverified-04-verification-sent")
    user = User.objects.get(email="paul@example.org")
    assert not user.has_verified_email()
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    expect(page.get_by_label("Votre commentaire")).to_have_count(0)
    shoot(page, "oidc-unverified-05-no-form")

    [message] = mail.outbox
    assert message.to == ["paul@example.org"]
    page.goto(re.search(r"https?://\S+/comptes/confirm-email/\S+", message.body).group(0))  # clicked in the e-mail
    page.get_by_role("button", name="Confirmer").click()
    clicks += 2
    # Confirmed in the browser that signed up: logged in, back at the post's comment form.
    expect(page).to_have_url(re.compile(re.escape(post.get_absolute_url()) + "#commenter$"))
    expect(page.locator(".whoami")).to_contain_text("Paul Martin")
    assert user.has_verified_email()
    shoot(page, "oidc-unverified-06-confirmed")
    assert clicks == 7  # one at the provider's login (and its 2 fields), one in the e-mail (README)
    comment(page, "Adresse confirmée par le lien, me voici enfin.")
    assert Comment.objects.get(author=user).status == Comment.Status.PENDING


def test_a_verified_address_joins_the_existing_account_that_has_it(live_server, new_page, shoot, real_oidc):
    reader = UserFactory(email="jeanne@example.org", display_name="Jeanne de toujours")
    page = new_page()
    post = open_post(page, live_server)
    page.get_by_role("link", name="Connectez-vous").click()
    through_the_provider(page, shoot, "oidc-join", "jeanne")

    # No sign-up form: the provider vouches for the address, so this is Jeanne's own account.
    expect(page).to_have_url(re.compile(re.escape(post.get_absolute_url())))
    expect(page.locator(".whoami")).to_contain_text("Jeanne de toujours")
    shoot(page, "oidc-join-04-post")
    assert SocialAccount.objects.get(provider="maison").user == reader
    assert User.objects.filter(email__iexact="jeanne@example.org").count() == 1  # no second account
    comment(page, "Mon compte de toujours, par mon fournisseur d’identité.")


def test_an_unverified_address_does_not_join_the_reader_connects_from_the_account_page(
    live_server, new_page, shoot, real_oidc
):
    reader = UserFactory(email="paul@example.org", display_name="Paul de toujours")
    page = new_page()
    open_post(page, live_server)
    page.get_by_role("link", name="Connectez-vous").click()
    through_the_provider(page, shoot, "oidc-nojoin", "paul")

    # The provider does not vouch for the address: no way into Paul's account by it.
    expect(page).to_have_url(re.compile(r"/comptes/3rdparty/signup/"))
    shoot(page, "oidc-nojoin-04-signup")
    assert not SocialAccount.objects.exists()
    expect(page.locator(".whoami")).to_have_count(0)

    # The page says what to do with an account of one's own: log in to it, then connect the provider.
    page.get_by_role("link", name="Connectez-vous").click()
    page.get_by_label("Adresse e-mail").fill(reader.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion", exact=True).click()
    expect(page.locator(".whoami")).to_contain_text("Paul de toujours")
    expect(page).to_have_url(re.compile(r"/comptes/3rdparty/$"))
    assert not SocialAccount.objects.exists()  # logging in connected nothing by itself
    shoot(page, "oidc-nojoin-05-connections")
    page.get_by_role("link", name="Maison SSO").click()
    shoot(page, "oidc-nojoin-06-connect-confirm")
    page.locator("main form button[type=submit]").click()
    # Still logged in at the provider (same browser): straight back, the account connected.
    expect(page).to_have_url(re.compile(r"/comptes/3rdparty/$"))
    expect(page.get_by_role("radio")).to_have_count(1)
    shoot(page, "oidc-nojoin-07-connected")
    assert SocialAccount.objects.get(provider="maison").user == reader

    # With a password left, disconnecting is allowed.
    page.get_by_role("radio").check()
    page.get_by_role("button", name="Déconnecter ce compte").click()
    expect(page.locator("main")).to_contain_text("Aucun compte connecté")
    shoot(page, "oidc-nojoin-08-disconnected")
    assert not SocialAccount.objects.exists()
