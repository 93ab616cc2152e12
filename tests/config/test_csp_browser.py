"""In a real browser, the Content-Security-Policy blocks nothing our pages and the admin need.

Chromium reports each blocked script, style or image as a `securitypolicyviolation`
event; the pages are opened with a listener for them, and the admin's scripts are
exercised (the action bar's selection counter).
"""

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.factories import CommentFactory, ModeratorFactory, PostFactory, UserFactory

# Playwright's sync API runs an event loop in its thread; the test's ORM calls stay synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "motdepasse-solide-42"
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${where}`);
});
"""


def in_browser(journey, base_url):
    """Run `journey(page, base_url)` in a fresh Chromium, in a thread of its own.

    Its own thread, so that it never meets the browser tests' session-wide Playwright
    (the sync API refuses to start inside another one's event loop). Returns what the
    browser reported as blocked by the policy.
    """
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` (make test does).")

    def run():
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
                context.set_default_timeout(10_000)
                context.add_init_script(RECORD_VIOLATIONS)
                page = context.new_page()
                blocked = []
                page.on(
                    "console",
                    lambda message: "Content Security Policy" in message.text and blocked.append(message.text),
                )

                def visited():
                    page.wait_for_load_state("load")
                    blocked.extend(f"{page.url}: {v}" for v in page.evaluate("window.__cspViolations"))

                journey(page, base_url, visited)
                return blocked
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(run).result()


def log_in(page, base_url, email, admin=False):
    page.goto(f"{base_url}/admin/login/" if admin else f"{base_url}/comptes/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_load_state("load")


def test_reader_pages_load_everything(live_server):
    post = PostFactory(title="Les banques et les réseaux sociaux", slug="banques-reseaux-sociaux")
    reader = UserFactory(email="claire@example.org", display_name="Claire")
    CommentFactory(post=post, author=reader, body="Mon avis, en attente.")

    def journey(page, base_url, visited):
        for path in ["/", post.get_absolute_url(), "/comptes/login/", "/comptes/signup/", "/comptes/password/reset/"]:
            page.goto(f"{base_url}{path}")
            visited()
        # The stylesheet applied: the header is laid out by site.css, not the browser's defaults.
        assert page.locator(".site-header").evaluate("e => getComputedStyle(e).borderBottomStyle") == "solid"
        log_in(page, base_url, reader.email)
        for path in [post.get_absolute_url(), "/commentaires/mes-commentaires/", "/comptes/preferences/"]:
            page.goto(f"{base_url}{path}")
            visited()
            expect(page.locator(".whoami")).to_contain_text("Claire")

    assert in_browser(journey, live_server.url) == []


def test_admin_scripts_and_styles_run(live_server):
    post = PostFactory(title="Payer en ligne sans risque", slug="payer-en-ligne")
    reader = UserFactory(email="claire@example.org", display_name="Claire")
    comment = CommentFactory(post=post, author=reader, body="Très juste, merci.")
    moderator = ModeratorFactory(email="mina@example.org", display_name="Mina Modératrice")

    def journey(page, base_url, visited):
        log_in(page, base_url, moderator.email, admin=True)
        visited()
        page.goto(f"{base_url}/admin/comments/comment/")
        visited()
        counter = page.locator(".action-counter")
        expect(counter).to_contain_text("0 sur 1 sélectionné")
        page.locator("#result_list tbody tr", has_text="Très juste").locator("input[name=_selected_action]").check()
        expect(counter).to_contain_text("1 sur 1 sélectionné")  # actions.js ran
        page.locator("select[name=action]").select_option("approve")
        visited()
        for path in [f"/admin/comments/comment/{comment.pk}/change/", "/admin/accounts/user/"]:
            page.goto(f"{base_url}{path}")
            visited()
            expect(page.locator("#content")).to_be_visible()

    assert in_browser(journey, live_server.url) == []
