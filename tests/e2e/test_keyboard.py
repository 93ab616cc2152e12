"""Keyboard only: the skip link comes first, every control of the post page is reached by Tab with a visible
focus, and a reader writes and sends a comment without touching the mouse."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "motdepasse-solide-42"

# How an element is named in the assertions: its tag, its id, then its address, name or text.
KEY = """el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ':'
  + (el.getAttribute('href') || el.name || el.textContent.trim()).slice(0, 60)"""

# The focused element, and whether :focus-visible draws something (an outline or a shadow).
FOCUSED = f"""() => {{
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  return {{key: ({KEY})(el), visible: outline || shadow, focusVisible: el.matches(':focus-visible')}};
}}"""

# Every control a keyboard user must be able to reach: shown, enabled, not taken out of the tab order.
REACHABLE = f"""() => Array.from(
    document.querySelectorAll('a[href], button, input, textarea, select, summary, [tabindex]'))
  .filter(el => !el.disabled && el.type !== 'hidden' && el.tabIndex >= 0 && !el.closest('[aria-hidden=true]')
                && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'
                && !el.closest('details:not([open]) > :not(summary)'))  // a closed menu's links: its summary opens it
  .map({KEY})"""


def csp_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda message: "Content Security Policy" in message.text and errors.append(message.text))
    return errors


def tab_through(page, limit: int = 200) -> list[dict]:
    """Press Tab from the top of the page until the focus leaves it; return each stop."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (stops and focused["key"] == stops[0]["key"]):
            break
        stops.append(focused)
    return stops


def test_post_page_by_keyboard_alone(live_server, new_page, shoot):
    reader = UserFactory(display_name="Claire Lectrice", email="claire@example.org")
    post = PostFactory(title="Les banques et les réseaux sociaux", slug="banques-reseaux-sociaux")
    CommentFactory(post=post, body="Un avis publié.", status=Comment.Status.APPROVED)
    post.approved_comment_count = 1
    post.comments_version += 1
    post.save()
    page = new_page()
    errors = csp_errors(page)

    # Log in with the keyboard: the login form's fields, in order, then Enter.
    page.goto(f"{live_server.url}{reverse('account_login')}?next={post.get_absolute_url()}")
    page.locator("input[name=login]").focus()
    page.keyboard.type(reader.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(".whoami")).to_contain_text("Claire Lectrice")
    expect(page.locator("h1")).to_have_text(post.title)

    # The skip link is the first stop, shown when focused; Enter on it moves the focus to the content.
    stops = tab_through(page)
    assert stops[0]["key"].startswith("a:#contenu"), stops[0]
    reachable = set(page.evaluate(REACHABLE))
    reached = {stop["key"] for stop in stops}
    assert reachable <= reached, f"never reached by Tab: {sorted(reachable - reached)}"
    unseen = [stop["key"] for stop in stops if not (stop["visible"] and stop["focusVisible"])]
    assert not unseen, f"focus not visible on: {unseen}"

    page.goto(page.url)  # start again from the top
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_in_viewport()
    shoot(page, "keyboard-01-skip-link")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    first_in_main = page.evaluate("document.activeElement.closest('main') !== null")
    assert first_in_main, "after the skip link, Tab should land inside <main>"

    # Write and send a comment: Tab to the text area, type, Tab to the button, Enter.
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "TEXTAREA":
            break
    else:
        pytest.fail("the comment text area is never reached by Tab")
    page.keyboard.type("Écrit au clavier, sans souris.")
    shoot(page, "keyboard-02-comment-form")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    expect(page.locator(".comment-form button[type=submit]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".comment-pending .comment-sent")).to_be_visible()  # « Merci », at the comment
    expect(page.locator(".comment-pending")).to_contain_text("Écrit au clavier, sans souris.")
    shoot(page, "keyboard-03-comment-sent")
    assert Comment.objects.filter(author=reader, body="Écrit au clavier, sans souris.").count() == 1
    assert not errors, errors
