"""Checks 1–3 of the scale proof: the journey split across servers, the shared limits, invalidation
across servers. Each returns (holds, the figures that say so)."""

import re
import time
import uuid
from collections import Counter

from proof.forms import form_data
from proof.scale.client import Browser, csrf_token, request
from proof.scale.stack import MODERATOR, PASSWORD, SETTINGS, ScaleStack

PENDING_BADGE = "En attente de modération"
# How late an anonymous reader may see an approval: through nginx, the micro-cache's lifetime (the page's
# max-age) on top of the app's front entry; straight from an app server, the front entry alone; both plus
# how far the replica may lag and how often that is checked, and a second for the polling itself.
REPLICA_SLACK = float(SETTINGS["DATABASE_REPLICA_MAX_LAG_SECONDS"]) + float(SETTINGS["DATABASE_REPLICA_CHECK_SECONDS"])
APP_BOUND = int(SETTINGS["BLOG_PAGE_FRONT_SECONDS"]) + REPLICA_SLACK + 1
NGINX_BOUND = int(SETTINGS["BLOG_PAGE_MAX_AGE"]) + APP_BOUND


def log_in(stack: ScaleStack, port: int, email: str, ip: str) -> Browser:
    browser = Browser(ip=ip)
    page = browser.get(port, "/comptes/login/")
    form = form_data(page.body, login=email, password=PASSWORD)
    answer = browser.post(port, "/comptes/login/", form)
    if answer.status != 302 or "sessionid" not in browser.cookies:
        raise AssertionError(f"login of {email} on :{port} answered {answer.status}")
    return browser


def reader(stack: ScaleStack, n: int) -> Browser:
    return Browser(cookies={"sessionid": stack.sessions[f"lecteur{n}@scale.localhost"]})


def comment(stack: ScaleStack, browser: Browser, port: int, body: str) -> tuple[object, int | None]:
    """Post `body` on the stack's post through `port`: (the answer, the comment's id when acknowledged)."""
    page = browser.get(port, stack.post_path)
    form = {"csrfmiddlewaretoken": csrf_token(page.body) or "", "body": body, "submission_key": str(uuid.uuid4()),
            "parent": "", "website": ""}  # fmt: skip
    answer = browser.post(port, f"/commentaires/billets/{stack.post_id}/", form)
    found = re.search(r"#comment-(\d+)", answer.header("Location") or "")
    return answer, int(found.group(1)) if answer.status == 302 and found else None


def approve(stack: ScaleStack, moderator: Browser, port: int, pk: int) -> int:
    """The moderator's « Approuver » button in the admin, on the server at `port`; the answer's status."""
    token = moderator.cookies.get("csrftoken") or csrf_token(moderator.get(port, "/admin/comments/comment/").body)
    form = {"csrfmiddlewaretoken": token, "decision": "approve", "next": "/admin/comments/comment/"}
    return moderator.post(port, f"/admin/comments/comment/{pk}/decide/", form).status


def seen_after(port: int, path: str, text: str, *, since: float, bound: float) -> float | None:
    """Seconds from `since` until an anonymous GET of `path` on `port` shows `text`; None past twice the bound."""
    while time.monotonic() - since < 2 * bound:
        if text in request(port, path).body:
            return time.monotonic() - since
        time.sleep(0.2)
    return None


def check_journey(stack: ScaleStack) -> tuple[bool, str]:
    """Sign up on A, confirm and log in on B, comment through nginx, approved on A, seen through nginx.

    Why not split: the journey's steps, in order, are the check; each one's figure is read at its step.
    """
    a, b, front = stack.servers[0].port, stack.servers[1].port, stack.nginx_port
    email, figures = f"nouvelle-{uuid.uuid4().hex[:8]}@scale.localhost", []
    newcomer = Browser(ip="10.0.0.3")
    page = newcomer.get(a, "/comptes/signup/")
    mails_before = stack.worker_log.read_text(errors="replace") if stack.worker_log.exists() else ""
    form = form_data(page.body, email=email, password1=PASSWORD, password2=PASSWORD, display_name="Nouvelle Venue")
    signed_up = newcomer.post(a, "/comptes/signup/", form).status == 302
    key, waited = None, time.monotonic()
    while key is None and time.monotonic() - waited < 30:  # the e-mail goes through the task worker
        mails = stack.worker_log.read_text(errors="replace")[len(mails_before) :]
        found = re.search(r"/comptes/confirm-email/([-:\w]+)/", mails)
        key = found.group(1) if found else None
        time.sleep(0.3)
    figures.append(f"signed up on A ({signed_up}), e-mail by the worker in {time.monotonic() - waited:.1f} s")
    confirm = newcomer.get(b, f"/comptes/confirm-email/{key}/") if key else None
    confirmed = bool(confirm) and newcomer.post(b, f"/comptes/confirm-email/{key}/", form_data(
        confirm.body, csrfmiddlewaretoken=csrf_token(confirm.body))).status == 302  # fmt: skip
    commenter = log_in(stack, b, email, "10.0.0.3")
    figures.append(f"confirmed on B ({confirmed}), logged in on B")
    body = f"Ma première remarque, vue partout ({uuid.uuid4().hex[:6]})."
    answer, pk = comment(stack, commenter, front, body)
    own = {name: commenter.get(port, stack.post_path).body for name, port in (("nginx", front), ("A", a), ("B", b))}
    sees_own = all(body in html and PENDING_BADGE in html for html in own.values())
    anonymous_before = [body in request(front, stack.post_path).body for _ in range(3)]
    figures.append(f"comment through nginx {answer.status}, its author sees it pending at once via "
                   f"{'/'.join(n for n, h in own.items() if body in h) or 'none'}; anonymous saw it pending: "
                   f"{any(anonymous_before)}")  # fmt: skip
    moderator = log_in(stack, a, MODERATOR, "10.0.0.2")
    decided = approve(stack, moderator, a, pk) if pk else 0
    approved_at = time.monotonic()
    status = stack.sql(f"SELECT status FROM comments_comment WHERE id = {int(pk or 0)}")  # noqa: S608 (a number)
    late = seen_after(front, stack.post_path, body, since=approved_at, bound=NGINX_BOUND)
    figures.append(f"approved on A ({decided}, {status}); anonymous through nginx saw it after "
                   f"{'never' if late is None else f'{late:.1f} s'} (bound {NGINX_BOUND:.0f} s)")  # fmt: skip
    ok = (signed_up and confirmed and pk is not None and sees_own and not any(anonymous_before)
          and status == "approved" and late is not None and late <= NGINX_BOUND)  # fmt: skip
    return ok, "; ".join(figures)


def check_limits(stack: ScaleStack) -> tuple[bool, str]:
    """One commenter's flood and one account's wrong passwords, alternating A and B: held to one limit."""
    comments_ok, comments = flood_comments(stack)
    logins_ok, logins = flood_logins(stack)
    return comments_ok and logins_ok, f"{comments}; {logins}"


def flood_comments(stack: ScaleStack, posts: int = 40) -> tuple[bool, str]:
    ports = [s.port for s in stack.servers]
    flooder, answers = reader(stack, stack.spare(9)), Counter()
    started = time.time()
    for i in range(posts):
        answer, _ = comment(stack, flooder, ports[i % 2], f"Flot réparti numéro {i}, {uuid.uuid4().hex[:6]}.")
        answers[(("A", "B")[i % 2], answer.status)] += 1
    windows = int(time.time() // 60) - int(started // 60) + 1
    limit = int(SETTINGS["COMMENTS_RATE_PER_MINUTE"]) * windows
    author = f"lecteur{stack.spare(9)}@scale.localhost"
    query = "SELECT count(*) FROM comments_comment c JOIN accounts_user u ON u.id = c.author_id WHERE u.email = '%s'"
    stored = int(stack.sql(query % author))
    ok = 0 < stored <= limit and not any(status >= 500 for _, status in answers)
    return ok, (
        f"comments: {posts} POSTs by one reader alternating A/B ({_tally(answers)}): {stored} stored, limit "
        f"{limit} ({SETTINGS['COMMENTS_RATE_PER_MINUTE']}/min × {windows} window(s); per-server counters would "
        f"allow {2 * limit})"
    )


def flood_logins(stack: ScaleStack, logins: int = 40) -> tuple[bool, str]:
    ports = [s.port for s in stack.servers]
    checked, sessions, statuses = 0, 0, Counter()
    for i in range(logins):
        browser = Browser(ip="10.0.0.9")
        page = browser.get(ports[i % 2], "/comptes/login/")
        form = form_data(page.body, login="lecteur0@scale.localhost", password=f"faux-{i}")
        answer = browser.post(ports[i % 2], "/comptes/login/", form)
        statuses[answer.status] += 1
        sessions += "sessionid" in browser.cookies
        checked += answer.status == 200 and "Trop de tentatives" not in answer.body and "Too many" not in answer.body
    ok = sessions == 0 and checked <= 5 and not any(status >= 500 for status in statuses)
    return ok, (
        f"login: {logins} wrong passwords for one account alternating A/B: {checked} password checks (limit 5 "
        f"per 5 min per account; twice that if each server counted), {sessions} sessions, answers {_tally(statuses)}"
    )


def check_invalidation(stack: ScaleStack) -> tuple[bool, str]:
    """An approval on A: the page B and nginx hold for anonymous readers shows it within the bound."""
    a, b, front = stack.servers[0].port, stack.servers[1].port, stack.nginx_port
    body = f"Approuvé sur A, attendu sur B ({uuid.uuid4().hex[:6]})."
    _, pk = comment(stack, reader(stack, 1), b, body)
    for port in (b, front, b, front):  # both caches hold the page without the comment
        request(port, stack.post_path)
    stale = [body in request(port, stack.post_path).body for port in (b, front)]
    moderator = log_in(stack, a, MODERATOR, "10.0.0.2")
    decided = approve(stack, moderator, a, pk) if pk else 0
    since = time.monotonic()
    on_b = seen_after(b, stack.post_path, body, since=since, bound=APP_BOUND)
    on_nginx = seen_after(front, stack.post_path, body, since=since, bound=NGINX_BOUND)
    ok = (pk is not None and decided == 302 and not any(stale) and on_b is not None and on_b <= APP_BOUND
          and on_nginx is not None and on_nginx <= NGINX_BOUND)  # fmt: skip
    return ok, (
        f"approved on A ({decided}); anonymous page on B showed it after {_late(on_b)} (bound {APP_BOUND:.0f} s: "
        f"the front entry {SETTINGS['BLOG_PAGE_FRONT_SECONDS']} s + replica {REPLICA_SLACK:.0f} s + 1), through "
        f"nginx after {_late(on_nginx)} (bound {NGINX_BOUND:.0f} s: max-age {SETTINGS['BLOG_PAGE_MAX_AGE']} s more)"
    )


def _late(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds:.1f} s"


def _tally(counter: Counter) -> str:
    return ", ".join(f"{'/'.join(map(str, k)) if isinstance(k, tuple) else k}×{n}" for k, n in sorted(counter.items()))
