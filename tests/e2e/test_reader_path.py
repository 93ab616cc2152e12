"""A reader's path without a stumble (issue 16): refusals land on the form, « Merci » at the comment,
Back-and-send stores one comment, the e-mail's confirmation brings the reader back to the post's form."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from comments.models import Comment
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "motdepasse-solide-42"  # tests/factories.py
WIDTHS = {"desktop": (1280, 900), "phone": (375, 667)}


@pytest.fixture
def open_page(browser):
    """A fresh context (its own cookies) at a given viewport."""
    contexts = []

    def make(width=1280, height=900):
        context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def logged_in(page, base_url, user, next_path):
    page.goto(f"{base_url}/comptes/login/?next={next_path}")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_load_state("load")


def in_viewport(page, selector) -> bool:
    return page.eval_on_selector(
        selector,
        """el => { const r = el.getBoundingClientRect();
                   return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth
                          && r.height > 0; }""",
    )


def has_focus(page, selector) -> bool:
    return page.eval_on_selector(selector, "el => document.activeElement === el")


@pytest.mark.parametrize("size", list(WIDTHS))
@pytest.mark.parametrize("refusal", ["empty", "too_long", "rate_limit"])
def test_a_refusal_lands_on_the_focused_error_summary(live_server, open_page, shoot, settings, size, refusal):
    cache.clear()
    post = PostFactory()
    reader = UserFactory(display_name="Jeanne Dupont")
    page = open_page(*WIDTHS[size])
    logged_in(page, live_server.url, reader, post.get_absolute_url())
    text = {"empty": "   ", "too_long": "mot " * 1300, "rate_limit": "Un avis posé, mais trop tôt."}[refusal]
    if refusal == "rate_limit":
        settings.COMMENTS_RATE_PER_MINUTE = 0
    if refusal == "too_long":  # typed past the limit elsewhere and pasted whole: the browser's limit set aside
        page.eval_on_selector("#id_body", "el => el.removeAttribute('maxlength')")
    page.locator("#id_body").fill(text)
    page.get_by_role("button", name="Envoyer pour modération").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("Il y a un problème")
    expect(page).to_have_url(re.compile(r"#commenter$"))
    expect(summary).to_be_focused()
    assert has_focus(page, "[data-error-summary]")
    assert in_viewport(page, "[data-error-summary]")
    assert page.locator("#id_body").input_value() == text  # the text is kept
    shoot(page, f"reader-refused-{refusal}-{size}")
    # Each error is a link to its field: it takes the focus there.
    summary.get_by_role("link").first.click()
    assert has_focus(page, "#id_body")
    assert in_viewport(page, "label[for=id_body]")
    assert not Comment.objects.exists()


def test_the_summary_anchor_lands_on_the_form_without_javascript(live_server, browser, shoot):
    post = PostFactory()
    reader = UserFactory()
    context = browser.new_context(locale="fr-FR", viewport={"width": 375, "height": 667}, java_script_enabled=False)
    try:
        page = context.new_page()
        logged_in(page, live_server.url, reader, post.get_absolute_url())
        page.get_by_role("button", name="Envoyer pour modération").click()
        expect(page.locator("[data-error-summary]")).to_be_visible()
        shoot(page, "reader-refused-no-js")
        assert page.evaluate("location.hash") == "#commenter"
    finally:
        context.close()


@pytest.mark.parametrize("size", list(WIDTHS))
def test_merci_is_seen_at_the_comment_and_the_heading_reads_sensibly(live_server, open_page, shoot, size):
    cache.clear()
    post = PostFactory()
    reader = UserFactory()
    page = open_page(*WIDTHS[size])
    logged_in(page, live_server.url, reader, post.get_absolute_url())
    page.locator("#id_body").fill("Merci pour ce billet, très clair.")
    page.get_by_role("button", name="Envoyer pour modération").click()
    comment = Comment.objects.get()
    expect(page).to_have_url(re.compile(rf"#comment-{comment.pk}$"))
    note = page.locator(f"#comment-{comment.pk} .comment-sent")
    expect(note).to_have_text("Merci ! Votre commentaire attend la validation d’un modérateur.")
    page.wait_for_timeout(200)  # the jump to the anchor
    assert in_viewport(page, f"#comment-{comment.pk} .comment-sent")
    expect(page.locator("#commentaires-titre")).to_have_text("0 commentaire publié, 1 en attente (visible par vous)")
    shoot(page, f"reader-merci-{size}")


def test_back_then_send_again_stores_one_comment(live_server, open_page, shoot):
    cache.clear()
    post = PostFactory()
    reader = UserFactory()
    page = open_page()
    logged_in(page, live_server.url, reader, post.get_absolute_url())
    text = "Un seul avis, envoyé deux fois par mégarde."
    page.locator("#id_body").fill(text)
    page.get_by_role("button", name="Envoyer pour modération").click()
    expect(page.locator(".comment-sent")).to_be_visible()
    page.go_back()
    page.wait_for_load_state("load")
    if page.locator("#id_body").input_value() != text:  # the browser restores the text, or the reader types it again
        page.locator("#id_body").fill(text)
    page.get_by_role("button", name="Envoyer pour modération").click()
    comment = Comment.objects.get()
    note = page.locator(f"#comment-{comment.pk} .comment-sent")
    expect(note).to_contain_text("Déjà envoyé : votre commentaire est ci-dessous")
    shoot(page, "reader-back-and-resend")
    assert Comment.objects.count() == 1


def sign_up(page, base_url, post):
    page.goto(f"{base_url}{post.get_absolute_url()}")
    page.get_by_role("link", name="créez un compte").click()
    page.get_by_label("Nom affiché").fill("Jeanne Dupont")
    page.get_by_label("Adresse e-mail").fill("jeanne@example.org")
    page.locator("#id_password1").fill("un-mot-de-passe-long-2026")
    page.locator("#id_password2").fill("un-mot-de-passe-long-2026")
    page.get_by_role("button", name="Création de compte").click()
    expect(page.locator("main")).to_contain_text("Vérifiez votre adresse e-mail")
    assert len(mail.outbox) == 1
    return re.search(r"https?://\S+/comptes/confirm-email/\S+", mail.outbox[0].body).group(0)


def test_confirming_the_email_logs_in_and_returns_to_the_form(live_server, open_page, shoot):
    post = PostFactory()
    page = open_page()
    link = sign_up(page, live_server.url, post)
    page.goto(link)
    page.get_by_role("button", name="Confirmer").click()
    expect(page).to_have_url(f"{live_server.url}{post.get_absolute_url()}#commenter")
    expect(page.locator(".whoami")).to_contain_text("Jeanne Dupont")
    expect(page.locator("#id_body")).to_be_visible()
    shoot(page, "reader-confirmed-same-browser")


def test_the_way_back_to_the_post_survives_the_email_round_trip(live_server, open_page, shoot):
    """The link opened in another browser (a phone's mail app): no session of the sign-up there."""
    post = PostFactory()
    link = sign_up(open_page(), live_server.url, post)
    elsewhere = open_page(375, 667)
    elsewhere.goto(link)
    elsewhere.get_by_role("button", name="Confirmer").click()
    expect(elsewhere.locator("main")).to_contain_text("Vous avez confirmé jeanne@example.org")
    expect(elsewhere.locator(".whoami")).to_have_count(0)  # the link alone logs nobody in
    shoot(elsewhere, "reader-confirmed-elsewhere")
    elsewhere.get_by_label("Adresse e-mail").fill("jeanne@example.org")
    elsewhere.locator("#id_password").fill("un-mot-de-passe-long-2026")
    elsewhere.get_by_role("button", name="Connexion").click()
    expect(elsewhere).to_have_url(f"{live_server.url}{post.get_absolute_url()}#commenter")
    expect(elsewhere.locator("#id_body")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_error_summary_and_the_merci_have_no_axe_violation(live_server, browser, shoot, scheme):
    from tests.e2e.test_accessibility import AXE, audit

    assert AXE.exists(), "axe-core is missing: run `npm ci` (make test does)"
    cache.clear()
    post = PostFactory()
    reader = UserFactory()
    # The audit's inline script needs the CSP set aside, as in tests/e2e/test_accessibility.py.
    context = browser.new_context(
        bypass_csp=True, locale="fr-FR", color_scheme=scheme, viewport={"width": 375, "height": 667}
    )
    try:
        page = context.new_page()
        logged_in(page, live_server.url, reader, post.get_absolute_url())
        page.get_by_role("button", name="Envoyer pour modération").click()
        expect(page.locator("[data-error-summary]")).to_be_visible()
        assert audit(page) == []
        page.locator("#id_body").fill("Un avis bien posé.")
        page.get_by_role("button", name="Envoyer pour modération").click()
        expect(page.locator(".comment-sent")).to_be_visible()
        assert audit(page) == []
        shoot(page, f"reader-merci-axe-{scheme}")
    finally:
        context.close()
