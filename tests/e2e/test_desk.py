"""The moderators' desk in a real browser: a queue decided from the keyboard alone, measured; axe; a phone; no script.

Run it on PostgreSQL for the figures (DATABASE_URL=postgres://…): it prints keystrokes per decision,
page loads after the first, the total time, and per decision (p50, p99) the server's time (from Django's
request_started to request_finished, and the processor time of its thread), beside the time from the
request sent to the answer's first byte as Chromium measures it. That one also holds a wait of the live
test server's own: it does not set TCP_NODELAY, so on a kept-alive connection an answer's first bytes
wait for Chromium's delayed acknowledgement of the previous answer (about 40 ms); gunicorn sets it.
"""

import json
import os
import statistics
import threading
import time

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection
from playwright.sync_api import expect

from comments.models import Comment
from config.startup import settle
from tests.e2e.test_accessibility import AXE, AXE_TAGS, describe
from tests.factories import CommentFactory, ModeratorFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "motdepasse-solide-42"
QUEUE = 50


def log_in_admin(page, base_url, email):
    page.goto(f"{base_url}/admin/login/?next=/admin/comments/comment/desk/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.locator("h1")).to_have_text("Commentaires à modérer")
    page.wait_for_load_state("load")  # the desk's script (deferred) listens to the keys from here


def make_queue(n=QUEUE):
    post = PostFactory(title="Le vélo en ville", slug="velo-en-ville")
    authors = UserFactory.create_batch(5)
    parent = CommentFactory(post=post, author=authors[0], status=Comment.Status.APPROVED, body="Le premier avis.")
    comments = [
        CommentFactory(post=post, author=authors[i % 5], body=f"Avis numéro {i} sur le vélo.") for i in range(n - 2)
    ]
    comments.append(CommentFactory(post=post, author=authors[1], parent=parent, depth=1, body="Je réponds."))
    comments.append(
        CommentFactory(
            post=post, author=authors[2], body="Mon numéro : 06 12 34 56 78", hold_reasons=[{"code": "phone"}]
        )
    )
    return post, comments


REPLY = "Merci, nous corrigeons le billet."


def plan(i):
    """The keys of the i-th decision and the status it leads to: mostly approvals, refusals with a preset, spam,
    one reply (the text typed is counted apart)."""
    if i == 5:
        return ["e", REPLY, "Control+Enter"], Comment.Status.APPROVED
    if i == 9:  # approved by mistake, taken back (z), filed as spam
        return ["a", "z", "s"], Comment.Status.SPAM
    if i % 10 == 3:
        return ["r", "2", "Enter"], Comment.Status.REJECTED
    if i % 10 == 7:
        return ["s"], Comment.Status.SPAM
    return ["a"], Comment.Status.APPROVED


class ServerTime:
    """Each request's time in the live server (it runs in this process), from Django's request_started to
    request_finished: as the clock on the wall sees it, and the processor time its thread spent."""

    def __init__(self):
        self.wall, self.processor, self._started = [], [], {}

    def start(self, **kwargs):
        self._started[threading.get_ident()] = (time.perf_counter(), time.thread_time())

    def finish(self, **kwargs):
        started = self._started.pop(threading.get_ident(), None)
        if started is not None:
            self.wall.append((time.perf_counter() - started[0]) * 1000)
            self.processor.append((time.thread_time() - started[1]) * 1000)

    def __enter__(self):
        request_started.connect(self.start)
        request_finished.connect(self.finish)
        return self

    def __exit__(self, *exc):
        request_started.disconnect(self.start)
        request_finished.disconnect(self.finish)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def decide_the_queue(page, shoot) -> tuple[int, dict]:
    """Decide the whole queue from the keyboard by `plan`: the keystrokes pressed, each comment's status to be."""
    keystrokes, expected = 0, {}
    for i in range(QUEUE):
        current = page.evaluate("document.activeElement.closest('.desk-card')?.dataset.pk")
        card = current or page.locator(".desk-card").first.get_attribute("data-pk")
        keys, status = plan(i)
        expected[int(card)] = status
        for key in keys:
            if key == REPLY:
                page.keyboard.type(key)
                continue
            page.keyboard.press(key)
            keystrokes += 1
            if key in ("a", "z") and len(keys) > 1:  # the undo: wait for the card to leave, then to come back
                remaining = QUEUE - i - (1 if key == "a" else 0)
                page.wait_for_function("n => document.querySelectorAll('.desk-card').length === n", arg=remaining)
        page.wait_for_function("n => document.querySelectorAll('.desk-card').length === n", arg=QUEUE - i - 1)
        if i == 3:
            shoot(page, "desk-02-after-a-refusal")
        if i < QUEUE - 1:  # the next card has the focus, visibly
            assert page.evaluate("document.activeElement.classList.contains('desk-card')")
    return keystrokes, expected


def test_a_queue_decided_from_the_keyboard_alone(live_server, new_page, shoot, settings):
    # As in production, a decision's e-mails are rows for the task worker (deferred past the undo
    # window), not work in the request: development's immediate backend would render and send them there.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    moderator = ModeratorFactory(email="mina@example.org", display_name="Mina")
    _post, comments = make_queue()
    page = new_page()
    log_in_admin(page, live_server.url, moderator.email)
    expect(page.locator(".desk-card")).to_have_count(QUEUE)
    shoot(page, "desk-01-queue")
    settle()  # as a served process does (config/wsgi.py): the live server runs in this process

    loads, timings, reply_ms = [], [], []
    page.on("load", lambda: loads.append(page.url))
    page.on("requestfinished", lambda r: "/decide/" in r.url and timings.append(r.timing))
    page.on(
        "requestfinished",
        lambda r: "/reply/" in r.url and reply_ms.append(r.timing["responseStart"] - r.timing["requestStart"]),
    )
    started = time.perf_counter()
    with ServerTime() as server_time:
        keystrokes, expected = decide_the_queue(page, shoot)
    total = time.perf_counter() - started
    expect(page.locator("#desk-status")).to_contain_text("Commentaire")
    shoot(page, "desk-03-done")

    statuses = dict(Comment.objects.filter(pk__in=expected).values_list("pk", "status"))
    assert statuses == expected
    assert Comment.objects.get(pk=comments[3].pk).refusal_reason == "Propos injurieux ou agressifs"
    reply = Comment.objects.get(parent=comments[5])
    assert (reply.body, reply.author, reply.status) == (REPLY, moderator, Comment.Status.APPROVED)
    server = [timing["responseStart"] - timing["requestStart"] for timing in timings]
    print(f"\n[desk] the reply: {reply_ms[0]:.1f} ms on the server (approval and publication, one request)")
    assert len(server) == QUEUE and loads == []  # 49 decisions and the mistaken approval; the reply apart
    assert Comment.objects.get(pk=comments[9].pk).events.filter(action="reverted").count() == 1
    wall, processor = server_time.wall, server_time.processor
    print(
        f"\n[desk] {connection.vendor}: {QUEUE} decisions, {keystrokes} keystrokes besides the reply's text "
        f"({keystrokes / QUEUE:.2f} per decision), page loads after the first: {len(loads)}, total {total:.1f} s; "
        f"server time per request p50 {statistics.median(wall):.1f} ms, p99 {percentile(wall, 0.99):.1f} ms "
        f"(processor p50 {statistics.median(processor):.1f} ms, p99 {percentile(processor, 0.99):.1f} ms); "
        f"request to first byte as Chromium measures it p50 {statistics.median(server):.1f} ms, "
        f"p99 {percentile(server, 0.99):.1f} ms — with the live test server's wait for Chromium's delayed "
        f"acknowledgement on a kept-alive connection (no TCP_NODELAY there; gunicorn sets it); "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def test_the_first_approve_is_a_few_tabs_away(live_server, new_page):
    """Without the shortcuts, by Tab alone from the top of the page (the admin's list took 57)."""
    moderator = ModeratorFactory(email="mina@example.org")
    make_queue(5)
    page = new_page()
    log_in_admin(page, live_server.url, moderator.email)
    page.goto(f"{live_server.url}/admin/comments/comment/desk/")
    page.wait_for_load_state("load")
    presses = 0
    while presses < 60 and not page.evaluate("document.activeElement.classList.contains('decide-approve')"):
        page.keyboard.press("Tab")
        presses += 1
    print(f"\n[desk] Tab presses from the top of the page to the first « Approuver »: {presses}")
    assert presses <= 25


def test_typing_in_a_field_fires_no_shortcut(live_server, new_page):
    moderator = ModeratorFactory(email="mina@example.org")
    make_queue(3)
    page = new_page()
    log_in_admin(page, live_server.url, moderator.email)
    page.keyboard.press("/")
    page.keyboard.type("a sj")
    expect(page.locator(".desk-card")).to_have_count(3)
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 3
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("?")
    expect(page.locator("#desk-help")).to_have_attribute("open", "")


def test_new_comments_are_announced_not_slid_under_the_cursor(live_server, new_page, monkeypatch, shoot):
    from comments import admin_desk

    monkeypatch.setattr(admin_desk, "POLL_SECONDS", 1)
    moderator = ModeratorFactory(email="mina@example.org")
    make_queue(3)
    page = new_page()
    log_in_admin(page, live_server.url, moderator.email)
    CommentFactory.create_batch(2)
    expect(page.locator("#desk-new a")).to_have_text("2 nouveaux commentaires à modérer", timeout=5000)
    expect(page.locator(".desk-card")).to_have_count(3)
    shoot(page, "desk-04-new-comments")


def test_a_note_on_the_author_from_the_keyboard(live_server, new_page, shoot):
    moderator = ModeratorFactory(email="mina@example.org")
    make_queue(3)
    page = new_page()
    log_in_admin(page, live_server.url, moderator.email)
    page.keyboard.press("n")
    page.keyboard.type("Liens d’affiliation déjà vus")
    page.keyboard.press("Enter")
    expect(page.locator(".desk-card").first.locator(".desk-notes")).to_contain_text("Liens d’affiliation déjà vus")
    expect(page.locator("#desk-status")).to_contain_text("Note ajoutée")
    page.keyboard.press("h")  # the author's last comments, in a drawer, without leaving the page
    expect(page.locator(".desk-card").first.locator(".desk-history-list")).to_contain_text("Le premier avis.")
    shoot(page, "desk-06-note-and-drawer")
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 3  # typing fired no shortcut


def test_a_sanction_from_the_keyboard_without_a_reload(live_server, new_page, shoot):
    moderator = ModeratorFactory(email="mina@example.org")
    _post, comments = make_queue(8)  # five authors take turns: the first card’s author wrote the sixth as well
    page = new_page()
    log_in_admin(page, live_server.url, moderator.email)
    loads = []
    page.on("load", lambda: loads.append(page.url))
    page.keyboard.press("b")
    page.keyboard.type("Insultes répétées")
    page.keyboard.press("Enter")  # a stray Enter sanctions nobody
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past « Suspendre 1 jour », to « Suspendre 7 jours »
    page.keyboard.press("Enter")
    expect(page.locator("#desk-status")).to_contain_text("est suspendu jusqu’au")
    author = comments[0].author
    same_author = page.locator(f'.desk-card[data-author="{author.pk}"] .sanction-badge')
    expect(same_author).to_have_count(2)
    for badge in same_author.all():
        expect(badge).to_contain_text("Suspendu jusqu’au")
    assert page.locator(f"#card-{comments[0].pk} .sanction-lift").get_attribute("hidden") is None  # shown next time
    assert page.evaluate("document.activeElement.classList.contains('desk-card')")
    shoot(page, "desk-07-sanction")
    author.refresh_from_db()
    assert author.is_suspended() and author.sanction_reason == "Insultes répétées" and loads == []


def test_bulk_x_then_one_key_for_the_selection(live_server, new_page, shoot):
    moderator = ModeratorFactory(email="mina@example.org")
    _post, comments = make_queue(4)
    page = new_page()
    log_in_admin(page, live_server.url, moderator.email)
    for key in ["x", "j", "x", "j", "j"]:  # the first two selected, the focus on the fourth
        page.keyboard.press(key)
    shoot(page, "desk-05-selection")
    page.keyboard.press("s")
    expect(page.locator(".desk-card")).to_have_count(2)
    statuses = dict(Comment.objects.filter(pk__in=[c.pk for c in comments]).values_list("pk", "status"))
    assert [statuses[c.pk] for c in comments] == ["spam", "spam", "pending", "pending"]
    page.locator(f"#select-{comments[2].pk}").check()
    page.locator(f"#select-{comments[3].pk}").click(modifiers=["Shift"])
    page.keyboard.press("r")
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    expect(page.locator(".desk-card")).to_have_count(0)
    refused = Comment.objects.filter(pk__in=[comments[2].pk, comments[3].pk])
    assert set(refused.values_list("status", "decision_preset")) == {("rejected", "off_topic")}


def test_two_moderators_the_second_is_told(live_server, new_page):
    first, second = ModeratorFactory(email="mina@example.org"), ModeratorFactory(display_name="Claire")
    _post, comments = make_queue(2)
    page = new_page()
    log_in_admin(page, live_server.url, first.email)
    from comments.services import comment_approve

    comment_approve(comment=comments[0], moderator=second)
    page.keyboard.press("s")
    expect(page.locator("#desk-status")).to_contain_text("Déjà approuvé par Claire")
    assert Comment.objects.get(pk=comments[0].pk).status == Comment.Status.APPROVED


@pytest.mark.parametrize(
    ("scheme", "viewport"),
    [
        ("light", {"width": 1280, "height": 900}),
        ("dark", {"width": 1280, "height": 900}),
        ("light", {"width": 375, "height": 740}),
    ],
)
def test_axe_and_the_phone(live_server, browser, shoot, scheme, viewport):
    moderator = ModeratorFactory(email="mina@example.org")
    make_queue(4)
    context = browser.new_context(bypass_csp=True, locale="fr-FR", color_scheme=scheme, viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in_admin(page, live_server.url, moderator.email)
        page.keyboard.press("j")
        page.keyboard.press("r")  # the refusal's presets, open
        name = f"desk-axe-{scheme}-{viewport['width']}"
        shoot(page, name)
        page.add_script_tag(path=str(AXE))
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        violations = page.evaluate("async (options) => await axe.run(document, options)", options)["violations"]
        assert not violations, describe(name, page.url, violations)
        for button in page.locator(".desk-card").first.locator(".decide-buttons .button").all():
            box = button.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], json.dumps(box)
    finally:
        context.close()


def test_without_javascript_the_forms_still_decide(live_server, browser):
    moderator = ModeratorFactory(email="mina@example.org")
    _post, comments = make_queue(3)
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    try:
        log_in_admin(page, live_server.url, moderator.email)
        page.locator(f"#card-{comments[0].pk}").get_by_role("button", name="Approuver", exact=False).first.click()
        expect(page.locator(".messagelist")).to_contain_text("Commentaire approuvé.")
        assert page.url.endswith(f"#card-{comments[1].pk}")
        assert Comment.objects.get(pk=comments[0].pk).status == Comment.Status.APPROVED
    finally:
        context.close()
