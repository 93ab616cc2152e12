"""Accessibility audit: axe-core (WCAG 2 A and AA, plus best practices) on every page type, in French and English.

Every page is audited on a desktop screen (1280 px) in both colour schemes, and the lists of posts once more
on a phone (375 px), where the layout changes: WCAG 2.2's target size (rule `target-size`, 24 px) fails there
first, as the summaries' links once did.

axe-core comes from the npm registry (package.json, pinned by package-lock.json; `make test` runs
`npm ci` when node_modules/axe-core is missing): nothing is downloaded while the tests run.

A page is one line of PAGES: its name, a function that builds its address from the test's data (or
returns None when the route does not exist yet), and whether the reader must be logged in.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.template import loader
from django.urls import reverse
from django.utils import timezone

from blog.models import Tag
from comments.models import Comment
from tests.factories import CategoryFactory, CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PASSWORD = "motdepasse-solide-42"


@dataclass
class Data:
    reader: object
    post: object
    category: object
    tag: object
    pending: object  # the reader's own comment, waiting for a moderator
    approved: object  # somebody else's published comment


def route(name: str, **kwargs) -> str:
    return reverse(name, kwargs=kwargs or None)


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[Data], str]
    login: bool = False
    status: int = 200


PAGES = [
    Page("home", lambda d: route("blog:post_list")),
    Page("post-anonymous", lambda d: d.post.get_absolute_url()),
    Page("post-reader", lambda d: d.post.get_absolute_url(), login=True),
    Page("login", lambda d: route("account_login")),
    Page("signup", lambda d: route("account_signup")),
    Page("password-reset", lambda d: route("account_reset_password")),
    Page("comment-edit", lambda d: route("comments:edit", pk=d.pending.pk), login=True),
    Page("comment-delete", lambda d: route("comments:delete", pk=d.pending.pk), login=True),
    Page("comment-report", lambda d: route("comments:report", pk=d.approved.pk), login=True),
    Page("my-comments", lambda d: route("comments:mine"), login=True),
    Page("preferences", lambda d: route("accounts:preferences"), login=True),
    Page("email", lambda d: route("account_email"), login=True),
    Page("not-found", lambda d: "/billets/ce-billet-n-existe-pas/", status=404),
    Page("category", lambda d: route("blog:category", slug=d.category.slug)),
    Page("tag", lambda d: route("blog:tag", slug=d.tag.slug)),
    Page("author", lambda d: route("blog:author", pk=d.post.author.pk)),
    Page("archive", lambda d: route("blog:archive")),
    Page("archive-year", lambda d: route("blog:archive_year", year=f"{d.post.published_at:%Y}")),
    Page(
        "archive-month",
        lambda d: route("blog:archive_month", year=f"{d.post.published_at:%Y}", month=f"{d.post.published_at:%m}"),
    ),
    Page("search", lambda d: (url := route("blog:search")) and f"{url}?q=banques"),
    Page("search-empty", lambda d: (url := route("blog:search")) and f"{url}?q=zzzzzz"),
    Page("profile", lambda d: route("accounts:profile", pk=d.reader.pk)),
    Page("profile-edit", lambda d: route("accounts:profile_edit"), login=True),
    Page("my-data", lambda d: route("accounts:my_data"), login=True),
    Page("privacy", lambda d: route("accounts:privacy")),
]
# The pages that list post summaries, audited again at a phone's width.
LIST_PAGES = ["home", "category", "tag", "author", "archive", "archive-year", "archive-month"]
DESKTOP = {"width": 1280, "height": 720}
PHONE = {"width": 375, "height": 800}


def make_data() -> Data:
    reader = UserFactory(display_name="Claire Lectrice", email="claire@example.org")
    category = CategoryFactory(name="Relation client", slug="relation-client")
    post = PostFactory(
        title="Les banques et les réseaux sociaux",
        slug="banques-reseaux-sociaux",
        body="## Un intertitre\n\nPremier paragraphe, avec [un lien](https://example.org/).\n\nSecond paragraphe.",
    )
    post.categories.add(category)
    tag = Tag.objects.create(name="réseaux sociaux", slug="reseaux-sociaux")
    post.tags.add(tag)
    PostFactory.create_batch(3)
    # A long name and one category: on a phone, the date, the author and the category wrap onto three lines.
    PostFactory(author=UserFactory(display_name="Jean-Baptiste Delacroix-Montferrand")).categories.add(category)
    approved = CommentFactory(post=post, body="Un avis publié, avec *emphase*.", status=Comment.Status.APPROVED)
    CommentFactory(post=post, parent=approved, body="Une réponse publiée.", status=Comment.Status.APPROVED)
    pending = CommentFactory(post=post, author=reader, body="Mon avis, en attente de modération.")
    # Counts and cache versions as the comment services would leave them.
    post.approved_comment_count = 2
    post.comments_version += 1
    post.comments_changed_at = timezone.now()
    post.save()
    return Data(reader=reader, post=post, category=category, tag=tag, pending=pending, approved=approved)


def in_language(url: str, language: str) -> str:
    """The same page in the other language: French at the root, English under /en/."""
    return url if language == "fr" else f"/{language}{url}"


def log_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}{reverse('account_login')}")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert reverse("account_login") not in page.url, "the test reader could not log in"


def audit(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate("async (options) => await axe.run(document, options)", options)
    assert result["passes"], "axe ran no rule"
    return result["violations"]


def describe(name: str, url: str, violations: list[dict]) -> str:
    lines = [f"{name} ({url}):"]
    for violation in violations:
        nodes = len(violation["nodes"])
        lines.append(f"  {violation['id']} [{violation['impact']}] {violation['help']} ({nodes} nodes)")
        for node in violation["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def audit_pages(live_server, browser, shoot, *, pages, language, scheme, viewport) -> list[str]:
    """Audit each page in one language, colour scheme and viewport; return the failures, screenshot those pages."""
    assert AXE.exists(), "axe-core is missing: run `npm ci` (make test does)"
    data = make_data()
    failures, contexts = [], {}
    for logged_in in (False, True):
        # The CSP (script-src 'self' + nonce) rightly refuses the inline script add_script_tag writes: the
        # audit's own context bypasses it. tests/e2e/test_keyboard.py and test_responsive.py browse with it on.
        context = browser.new_context(
            bypass_csp=True,
            locale="fr-FR" if language == "fr" else "en-GB",
            color_scheme=scheme,
            viewport=viewport,
        )
        context.set_default_timeout(10_000)
        contexts[logged_in] = context.new_page()
        if logged_in and any(spec.login for spec in pages):
            log_in(contexts[logged_in], live_server.url, data.reader.email)
    try:
        for spec in pages:
            url = in_language(spec.url(data), language)
            page = contexts[spec.login]
            response = page.goto(f"{live_server.url}{url}")
            if response.status != spec.status:
                failures.append(f"{spec.name} ({url}): HTTP {response.status}, expected {spec.status}")
            html_lang = page.evaluate("document.documentElement.lang")
            if html_lang != language:
                failures.append(f"{spec.name} ({url}): <html lang={html_lang!r}>, expected {language!r}")
            violations = audit(page)
            if violations:
                shoot(page, f"a11y-{language}-{scheme}-{viewport['width']}-{spec.name}")
                failures.append(describe(spec.name, url, violations))
    finally:
        for page in contexts.values():
            page.context.close()
    return failures


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_page_has_no_axe_violation(live_server, browser, shoot, language, scheme):
    assert {"home", "post-reader", "login", "signup", "my-comments", "preferences", "not-found"} <= {
        spec.name for spec in PAGES
    }
    failures = audit_pages(live_server, browser, shoot, pages=PAGES, language=language, scheme=scheme, viewport=DESKTOP)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_lists_of_posts_have_no_axe_violation_on_a_phone(live_server, browser, shoot, language):
    # One colour scheme is enough here: the colours are the desktop's, audited above; the layout is not.
    pages = [spec for spec in PAGES if spec.name in LIST_PAGES]
    assert [spec.name for spec in pages] == LIST_PAGES
    failures = audit_pages(live_server, browser, shoot, pages=pages, language=language, scheme="light", viewport=PHONE)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("template", ["500.html", "503.html"])
def test_standalone_error_pages_have_no_axe_violation(browser, template):
    # Rendered without a request (as Django's 500 handler and the outage middleware do), then audited as is.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        page.set_content(loader.render_to_string(template))
        violations = audit(page)
    finally:
        context.close()
    assert not violations, describe(template, "-", violations)
