"""The editors' picks and moderating in place, in a real browser: `f` on the desk, then the post page."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from comments.services import comment_feature
from tests.e2e.test_accessibility import AXE, AXE_TAGS, describe
from tests.e2e.test_desk import log_in_admin
from tests.factories import CommentFactory, ModeratorFactory, PostFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_f_on_the_desk_puts_the_comment_first_on_the_post(live_server, new_page, shoot):
    moderator = ModeratorFactory(email="mina@example.org")
    post = PostFactory(title="Le vélo en ville", slug="velo-en-ville")
    CommentFactory(post=post, status=Comment.Status.APPROVED, body="Un premier avis, ordinaire.")
    picked = CommentFactory(post=post, status=Comment.Status.APPROVED, body="L’avis que la rédaction retient.")
    page = new_page()
    log_in_admin(page, live_server.url, moderator.email)
    page.goto(f"{live_server.url}/admin/comments/comment/desk/?onglet=approved")
    page.wait_for_load_state("load")
    expect(page.locator(".desk-card").first).to_contain_text("L’avis que la rédaction retient.")  # newest first

    page.keyboard.press("f")

    expect(page.locator("#desk-status")).to_contain_text("choisi par la rédaction")
    expect(page.locator(".desk-card").first.locator("form.desk-feature button")).to_contain_text("Retirer")
    shoot(page, "desk-10-feature")
    picked.refresh_from_db()
    assert picked.featured_at is not None
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    first = page.locator(".comment-list > li").first
    expect(first.locator("h3")).to_have_text("Choix de la rédaction")
    expect(first).to_contain_text("L’avis que la rédaction retient.")
    expect(page.locator(f"#comment-{picked.pk} .badge-featured")).to_have_text("Choix de la rédaction")
    page.locator(".comment-picks").scroll_into_view_if_needed()
    shoot(page, "post-editors-picks")


def test_a_moderator_decides_on_the_post_itself(live_server, new_page, shoot):
    moderator = ModeratorFactory(email="mina@example.org")
    post = PostFactory(title="Le vélo en ville", slug="velo-en-ville")
    CommentFactory(post=post, status=Comment.Status.APPROVED, body="Un avis déjà publié.")
    waiting = CommentFactory(post=post, body="Un avis qui attend sur le billet.")
    refused = CommentFactory(post=post, body="Un avis à refuser.")
    page = new_page()
    log_in_admin(page, live_server.url, moderator.email)
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    item = page.locator(f"#comment-{waiting.pk}")
    expect(item.locator(".badge-pending")).to_contain_text("En attente")
    item.scroll_into_view_if_needed()
    shoot(page, "post-moderate-in-place")

    item.get_by_role("button", name="Approuver").click()

    expect(page.locator(".messages")).to_contain_text("Commentaire approuvé")
    assert page.url.endswith(f"{post.get_absolute_url()}#commentaires")
    expect(page.locator(f"#comment-{waiting.pk} .badge-pending")).to_have_count(0)
    expect(page.locator(f"#comment-{waiting.pk}")).to_contain_text("Un avis qui attend sur le billet.")
    page.locator(f"#comment-{refused.pk}").get_by_role("button", name="Refuser").click()
    expect(page.locator(".messages")).to_contain_text("Commentaire refusé")
    expect(page.locator(f"#comment-{refused.pk}")).to_have_count(0)
    refused.refresh_from_db()
    waiting.refresh_from_db()
    assert (waiting.status, refused.status) == (Comment.Status.APPROVED, Comment.Status.REJECTED)


def test_axe_on_a_post_with_picks_and_waiting_comments(live_server, browser, shoot):
    moderator = ModeratorFactory(email="mina@example.org")
    post = PostFactory(title="Le vélo en ville", slug="velo-en-ville")
    picked = CommentFactory(post=post, status=Comment.Status.APPROVED, body="L’avis retenu.")
    comment_feature(comment=picked, moderator=moderator, featured=True)
    CommentFactory(post=post, body="Un avis qui attend.")
    context = browser.new_context(bypass_csp=True, locale="fr-FR", viewport={"width": 375, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in_admin(page, live_server.url, moderator.email)
        page.goto(f"{live_server.url}{post.get_absolute_url()}")
        expect(page.locator(".comment-picks h3")).to_have_text("Choix de la rédaction")
        expect(page.locator(".comment-moderate")).to_have_count(1)
        shoot(page, "post-picks-and-waiting-375")
        page.add_script_tag(path=str(AXE))
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        violations = page.evaluate("async (options) => await axe.run(document, options)", options)["violations"]
        assert not violations, describe("post-picks-and-waiting", page.url, violations)
    finally:
        context.close()
