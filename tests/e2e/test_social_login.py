"""An OpenID Connect login in Chromium: the provider's button, its pages stood in for by the browser's
router, its answers by the in-process stand-in (tests/social.py). A new reader whose address the provider
verified comments at once; the connected account is listed and disconnected on the account page.
(The same against a real provider process is still to be written.)"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from accounts.models import User
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db(transaction=True)


def provider_answers(page, live_server_url):
    """The provider's login page, as if the reader had logged in there: straight back with a code."""

    def authorize(route):
        state = parse_qs(urlsplit(route.request.url).query)["state"][0]
        callback = f"{live_server_url}/comptes/oidc/maison/login/callback/?code=code-unique&state={state}"
        route.fulfill(status=302, headers={"location": callback})

    page.route("https://sso.example.org/**", authorize)


def test_a_new_reader_signs_in_with_a_provider_comments_and_disconnects(live_server, new_page, shoot, oidc):
    post = PostFactory(title="Payer en ligne sans risque", slug="payer-en-ligne")
    oidc.claims = {"sub": "sujet-42", "email": "jeanne@example.org", "email_verified": True, "name": "Jeanne Dupont"}
    page = new_page()
    provider_answers(page, live_server.url)
    steps = 0

    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    page.get_by_role("link", name="Connectez-vous").click()
    steps += 1
    shoot(page, "social-01-login")
    page.get_by_role("link", name="Maison SSO").click()
    steps += 1
    shoot(page, "social-02-confirm")
    page.locator("main form button[type=submit]").click()
    steps += 1
    expect(page).to_have_url(re.compile(r"/comptes/3rdparty/signup/"))
    expect(page.get_by_label("Nom affiché")).to_have_value("Jeanne Dupont")
    shoot(page, "social-03-signup")
    page.locator("main form button[type=submit]").click()
    steps += 1
    expect(page).to_have_url(re.compile(re.escape(post.get_absolute_url())))
    expect(page.locator(".whoami")).to_contain_text("Jeanne Dupont")
    expect(page.get_by_label("Votre commentaire")).to_be_visible()
    shoot(page, "social-04-post")
    assert steps == 4  # clicks from the post page to its comment form, no keystroke (docs: the closing note)
    assert User.objects.get(email="jeanne@example.org").has_verified_email()

    page.get_by_label("Votre commentaire").fill("Connectée par mon fournisseur d’identité, sans mot de passe.")
    page.get_by_role("button", name="Envoyer pour modération").click()
    expect(page.locator(".comment-pending")).to_contain_text("sans mot de passe")

    # The account page lists the connection; a reader with no password cannot remove their last way in.
    page.locator(".whoami").click()  # the reader's links are grouped under their name
    page.get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Comptes connectés").click()
    expect(page.locator("main")).to_contain_text("Maison SSO")
    shoot(page, "social-05-connections")
    page.get_by_role("radio").check()
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("load")
    shoot(page, "social-06-disconnect-refused")
    expect(page.locator("main")).to_contain_text("mot de passe")
    assert SocialAccount.objects.filter(user__email="jeanne@example.org").exists()
