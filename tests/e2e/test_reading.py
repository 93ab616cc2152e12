"""A reader's journey through the reading side, in Chromium: home → category → post → tag → search → English.

The pages carry a JSON-LD data block and a search form in the header: the Content-Security-Policy
must report nothing (a data block is not a script to run).
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from blog.models import Post, Tag
from comments.models import Comment
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def test_reader_browses_searches_and_switches_to_english(live_server, new_page, shoot):
    call_command("loaddata", "articles", verbosity=0)
    post = Post.objects.get(slug="culture-numerique")
    post.tags.add(Tag.objects.create(name="Pédagogie", slug="pedagogie"))
    other = Post.objects.get(title__startswith="BNP Paribas")
    other.tags.add(Tag.objects.get(slug="pedagogie"))
    CommentFactory(
        post=other,
        author=UserFactory(display_name="Louise Lectrice"),
        status=Comment.Status.APPROVED,
        body="Des ateliers numériques et pédagogiques : une bonne idée.",
    )

    page = new_page()
    page.context.add_init_script(RECORD_VIOLATIONS)
    blocked = []
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))

    def check_csp():
        page.wait_for_load_state("load")
        blocked.extend(page.evaluate("window.__cspViolations"))

    # 1. Home, then a category from a post's meta line.
    page.goto(live_server.url)
    expect(page.get_by_role("search")).to_be_visible()
    shoot(page, "reading-01-home")
    check_csp()
    page.locator(".post-summary", has_text="Culture numérique").get_by_role("link", name="Innovations").click()
    expect(page.locator("h1")).to_have_text("Catégorie « Innovations »")
    expect(page.locator(".post-summary h2")).to_have_text(["Culture numérique"])
    shoot(page, "reading-02-category")
    check_csp()

    # 2. The post: reading time, tags, JSON-LD in the head.
    page.get_by_role("link", name="Culture numérique").first.click()
    expect(page.locator("h1")).to_have_text("Culture numérique")
    expect(page.locator(".reading-time")).to_contain_text("min de lecture")
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert "BlogPosting" in page.locator('script[type="application/ld+json"]').text_content()
    shoot(page, "reading-03-post")
    check_csp()

    # 3. A tag of the post lists both tagged posts.
    page.get_by_role("link", name="Pédagogie").click()
    expect(page.locator("h1")).to_have_text("Mot-clé « Pédagogie »")
    expect(page.locator(".post-summary h2")).to_have_count(2)
    shoot(page, "reading-04-tag")
    check_csp()

    # 4. Search from the header, without accents: posts and the approved comment, highlighted.
    page.get_by_label("Rechercher", exact=True).fill("numeriques pedagogiques")
    page.get_by_label("Rechercher", exact=True).press("Enter")
    expect(page.locator("h1")).to_have_text("Recherche")
    first = page.locator(".search-results .search-result").first
    expect(first.locator("mark").first).to_be_visible()
    marks = page.locator("main mark").all_text_contents()
    assert any(m.lower().startswith("numérique") for m in marks), marks
    assert any(m.lower().startswith("pédagogique") for m in marks), marks
    expect(page.locator(".search-results").first).to_contain_text("BNP Paribas")
    expect(page.locator(".search-comments")).to_contain_text("Louise Lectrice")
    shoot(page, "reading-05-search")
    check_csp()

    # 5. The English version of the same search keeps the query and the results.
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{live_server.url}/en/recherche/?q=numeriques+pedagogiques")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main mark").first).to_be_visible()
    expect(page.locator("#recherche-page")).to_have_value("numeriques pedagogiques")
    shoot(page, "reading-06-search-en")
    check_csp()

    assert blocked == []
