"""Responsive and dark mode: no sideways scrolling from 320 px up, a readable measure, the reader's pages without
JavaScript; screenshots at 375 and 1280 px, light and dark, in tests/e2e/screenshots/ (look at them)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "motdepasse-solide-42"
LONG_WORD = "Anticonstitutionnellementhttps://example.org/une/adresse/tres/longue/qui/ne/se/coupe/pas"

# (name, address builder, logged in)
PAGES = [
    ("home", lambda post: reverse("blog:post_list"), False),
    ("post", lambda post: post.get_absolute_url(), True),
    ("login", lambda post: reverse("account_login"), False),
    ("my-comments", lambda post: reverse("comments:mine"), True),
]

# The width of the longest line of running text, in "ch" of its own font.
MEASURE = """() => {
  const p = document.querySelector('.post-body p');
  const probe = document.createElement('span');
  probe.textContent = '0'.repeat(10);
  p.appendChild(probe);
  const ch = probe.getBoundingClientRect().width / 10;
  probe.remove();
  return p.getBoundingClientRect().width / ch;
}"""


def make_post(reader):
    post = PostFactory(
        title="Les banques et les réseaux sociaux : ce que les conseillers en pensent vraiment",
        slug="banques-reseaux-sociaux",
        body="## Un intertitre assez long pour passer à la ligne\n\n"
        + "Une phrase de longueur ordinaire, pour mesurer la ligne de lecture. " * 8
        + "\n\n"
        + LONG_WORD,
    )
    approved = CommentFactory(post=post, body=f"Un avis publié. {LONG_WORD}", status=Comment.Status.APPROVED)
    reply = CommentFactory(post=post, parent=approved, body="Une réponse.", status=Comment.Status.APPROVED)
    CommentFactory(post=post, parent=reply, body="Une réponse à la réponse.", status=Comment.Status.APPROVED)
    CommentFactory(post=post, author=reader, body="Mon avis, en attente de modération.")
    post.approved_comment_count = 3
    post.comments_version += 1
    post.save()
    PostFactory.create_batch(2)
    return post


def open_as(browser, live_server, *, width, scheme, reader=None, javascript=True):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": width, "height": 800}, color_scheme=scheme, java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    if reader is not None:
        page.goto(f"{live_server.url}{reverse('account_login')}")
        page.locator("input[name=login]").fill(reader.email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form button[type=submit]").last.click()
        expect(page.locator(".whoami")).to_be_visible()
    return page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_fit_every_width_in_both_schemes(live_server, browser, shoot, scheme):
    reader = UserFactory(display_name="Claire Lectrice", email="claire@example.org")
    post = make_post(reader)
    too_wide = []
    for width in (320, 375, 1280):
        anonymous = open_as(browser, live_server, width=width, scheme=scheme)
        logged_in = open_as(browser, live_server, width=width, scheme=scheme, reader=reader)
        try:
            for name, url, login in PAGES:
                page = logged_in if login else anonymous
                page.goto(f"{live_server.url}{url(post)}")
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > width:
                    too_wide.append(f"{name} at {width}px: {scroll_width}px wide")
                if width != 320:
                    shoot(page, f"responsive-{name}-{width}-{scheme}")
                if name == "post" and width == 1280:
                    assert 45 <= page.evaluate(MEASURE) <= 75, "the measure of running text should stay near 70ch"
        finally:
            anonymous.context.close()
            logged_in.context.close()
    assert not too_wide, too_wide


def test_dark_scheme_changes_the_colours(live_server, browser):
    PostFactory()
    colours = {}
    for scheme in ("light", "dark"):
        page = open_as(browser, live_server, width=375, scheme=scheme)
        page.goto(live_server.url)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.context.close()
    assert colours["light"] != colours["dark"]


def test_a_reader_comments_without_javascript(live_server, browser):
    reader = UserFactory(display_name="Claire Lectrice", email="claire@example.org")
    post = make_post(reader)
    page = open_as(browser, live_server, width=375, scheme="light", reader=reader, javascript=False)
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    scripts = page.locator('script:not([type="application/ld+json"])')  # structured data is not a program
    assert scripts.count() == 0, "the reader's pages load no JavaScript"
    page.get_by_label("Votre commentaire").fill("Sans JavaScript, ça marche aussi.")
    page.get_by_role("button", name="Envoyer pour modération").click()
    expect(page.locator(".comment-pending").filter(has_text="Sans JavaScript")).to_be_visible()
    page.context.close()
