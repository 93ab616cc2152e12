"""The look, measured in Chromium: the header on one line at 1280 px (a moderator's, the longest), grouped
and clean at 375 px; one h1 per page, its largest text; a checkbox beside its label. French done right: the
authors' French marked lang="fr" in English pages, typographic apostrophes, the admin's times in one zone.
Screenshots of each page at 375 and 1280 px, light and dark, in tests/e2e/screenshots/look-* (look at them)."""

import re
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from comments import services
from comments.models import Comment, ModerationEvent
from tests.factories import CommentFactory, ModeratorFactory, PostFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "motdepasse-solide-42"

# The top and bottom of each visible item of the header's row, and the header's height.
HEADER_ROWS = """() => {
  const items = [...document.querySelectorAll('.header-inner > *')].filter(e => e.offsetParent !== null);
  return {
    height: document.querySelector('.site-header').getBoundingClientRect().height,
    tops: items.map(e => Math.round(e.getBoundingClientRect().top)),
    bottoms: items.map(e => Math.round(e.getBoundingClientRect().bottom)),
  };
}"""

# The font size of the h1, and the largest font size of any other visible text of the page's main.
SIZES = """() => {
  const size = e => parseFloat(getComputedStyle(e).fontSize);
  const h1s = [...document.querySelectorAll('h1')];
  const others = [...document.querySelectorAll('main *')].filter(e =>
    e.tagName !== 'H1' && !e.closest('h1') && e.offsetParent !== null &&
    [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
  return {count: h1s.length, h1: size(h1s[0]), largest: Math.max(...others.map(size)),
          largestText: others.sort((a, b) => size(b) - size(a))[0]?.textContent.trim().slice(0, 60)};
}"""


def rows_of(tops: list[int]) -> list[int]:
    """The distinct rows among these tops, two tops within 8 px being one row."""
    rows = []
    for top in sorted(tops):
        if not rows or top - rows[-1] > 8:
            rows.append(top)
    return rows


def open_page(browser, live_server, *, width, scheme="light", user=None):
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 800}, color_scheme=scheme)
    context.set_default_timeout(10_000)
    page = context.new_page()
    if user is not None:
        page.goto(f"{live_server.url}{reverse('account_login')}")
        page.locator("input[name=login]").fill(user.email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form button[type=submit]").last.click()
        expect(page.locator(".whoami")).to_be_visible()
    return page


@pytest.fixture
def blog(db):
    post = PostFactory(
        title="Les banques et les réseaux sociaux : ce que les conseillers en pensent vraiment",
        slug="banques-reseaux-sociaux",
        body="## Un intertitre\n\n" + "Une phrase ordinaire sur les banques, pour la ligne de lecture. " * 6,
    )
    PostFactory.create_batch(2)
    CommentFactory(post=post, body="Un avis publié.", status="approved")
    return post


class TestHeader:
    def test_a_moderators_header_holds_on_one_line_at_1280(self, live_server, browser, blog, shoot):
        moderator = ModeratorFactory(display_name="Marie-Hélène Modératrice-Principale", email="mh@example.org")
        for scheme in ("light", "dark"):
            page = open_page(browser, live_server, width=1280, scheme=scheme, user=moderator)
            try:
                rows = page.evaluate(HEADER_ROWS)
                assert max(rows["tops"]) - min(rows["tops"]) <= 12, rows
                assert rows["height"] < 80, rows
                shoot(page, f"look-header-moderator-1280-{scheme}")
                # The grouped links open under the name, by keyboard too, every one of them reachable.
                page.locator(".whoami").focus()
                page.keyboard.press("Enter")
                page.keyboard.press("Tab")
                expect(page.get_by_role("link", name="Administration")).to_be_focused()
                for name in ("Administration", "Mes commentaires", "Mon compte"):
                    expect(page.get_by_role("link", name=name)).to_be_visible()
                expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
                shoot(page, f"look-header-moderator-1280-{scheme}-open")
            finally:
                page.context.close()

    def test_at_375_the_header_collapses_to_three_clean_rows(self, live_server, browser, blog, shoot):
        moderator = ModeratorFactory(display_name="Marie-Hélène Modératrice-Principale", email="mh@example.org")
        page = open_page(browser, live_server, width=375, user=moderator)
        try:
            rows = page.evaluate(HEADER_ROWS)
            assert len(rows_of(rows["tops"])) == 3, rows
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            page.locator(".whoami").click()
            link = page.get_by_role("link", name="Mes commentaires")
            expect(link).to_be_visible()
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
            shoot(page, "look-header-moderator-375-open")
        finally:
            page.context.close()


class TestHeadings:
    @pytest.mark.parametrize("scheme", ["light", "dark"])
    @pytest.mark.parametrize("width", [375, 1280])
    def test_the_h1_is_the_largest_text_of_home_archives_and_search(
        self, live_server, browser, blog, shoot, width, scheme
    ):
        page = open_page(browser, live_server, width=width, scheme=scheme)
        try:
            for name, url in [
                ("home", reverse("blog:post_list")),
                ("archives", reverse("blog:archive")),
                ("search", reverse("blog:search") + "?q=banques"),
                ("post", blog.get_absolute_url()),
            ]:
                page.goto(f"{live_server.url}{url}")
                sizes = page.evaluate(SIZES)
                assert sizes["count"] == 1, (name, sizes)
                assert sizes["h1"] > sizes["largest"], (name, sizes)
                shoot(page, f"look-{name}-{width}-{scheme}")
        finally:
            page.context.close()


class TestForms:
    @pytest.mark.parametrize("width", [375, 1280])
    def test_remember_me_sits_beside_its_checkbox(self, live_server, browser, shoot, width):
        page = open_page(browser, live_server, width=width)
        try:
            page.goto(f"{live_server.url}{reverse('account_login')}")
            box = page.get_by_role("checkbox", name="Se souvenir de moi").bounding_box()
            label = page.locator("label[for=id_remember]").bounding_box()
            # The same line: their vertical middles within a few pixels, the label just right of the box.
            assert abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2)) < 6, (box, label)
            assert 0 < label["x"] - (box["x"] + box["width"]) < 24, (box, label)
            page.get_by_text("Se souvenir de moi").click()  # the label still ticks the box
            expect(page.get_by_role("checkbox", name="Se souvenir de moi")).to_be_checked()
            shoot(page, f"look-login-{width}")
        finally:
            page.context.close()


class TestFrenchDoneRight:
    def test_french_content_in_english_pages_is_marked_french(self, live_server, browser, blog, shoot):
        page = open_page(browser, live_server, width=1280)
        try:
            with translation.override("en"):
                home, post = reverse("blog:post_list"), blog.get_absolute_url()
            page.goto(f"{live_server.url}{post}")
            assert page.evaluate("document.documentElement.lang") == "en"
            for selector in ("h1", ".post-body", ".comment-body"):
                assert page.locator(selector).first.evaluate("e => e.matches(':lang(fr)')"), selector
            for selector in (".site-header nav", ".post-meta", ".comments h2"):
                assert page.locator(selector).first.evaluate("e => e.matches(':lang(en)')"), selector
            page.goto(f"{live_server.url}{home}")
            assert page.locator(".post-summary h2").first.evaluate("e => e.matches(':lang(fr)')")
            assert page.locator(".excerpt").first.evaluate("e => e.matches(':lang(fr)')")
            assert page.locator(".summary-footer").first.evaluate("e => e.matches(':lang(en)')")
            shoot(page, "look-home-english-1280")
        finally:
            page.context.close()

    def test_the_entrance_pages_read_typographic_apostrophes(self, live_server, browser):
        page = open_page(browser, live_server, width=1280)
        try:
            for name in ("account_signup", "account_login", "account_reset_password", "account_reset_password_done"):
                page.goto(f"{live_server.url}{reverse(name)}")
                text = page.locator("body").inner_text()
                assert not re.search(r"[^\W\d_]'[^\W\d_]", text), (name, text)
            link = page.locator("main a[href^='mailto:']")
            expect(link).to_have_attribute("href", f"mailto:{settings.CAUSERIE_CONTACT_EMAIL}")
        finally:
            page.context.close()

    def test_the_admin_history_reads_one_time_zone(self, live_server, browser, blog):
        moderator = ModeratorFactory(email="mh@example.org")
        comment = CommentFactory(post=blog, body="Un avis à refuser.")
        services.comment_reject(comment=comment, moderator=moderator, preset="off_topic")
        at = datetime(2026, 12, 2, 10, 43, tzinfo=UTC)  # 11:43 in Paris
        ModerationEvent.objects.filter(comment=comment).update(created_at=at)
        Comment.objects.filter(pk=comment.pk).update(created_at=at, moderated_at=at)
        page = open_page(browser, live_server, width=1280)
        try:
            page.goto(f"{live_server.url}/admin/")
            page.get_by_label("Adresse e-mail").fill(moderator.email)
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Connexion").click()
            page.goto(f"{live_server.url}{reverse('admin:comments_comment_change', args=[comment.pk])}")
            text = page.locator("#content").inner_text()
            assert "11:43" in text and "10:43" not in text
        finally:
            page.context.close()
