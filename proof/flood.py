"""Flood: one account (or one address) sends 1,000 requests in 60 s; the limits hold, nothing breaks.

    python -m proof.flood [--requests 1000] [--seconds 60] [--only comments,signup,login,admin]

- comments: one logged-in reader posts 1,000 comments; at most the configured limit
  (COMMENTS_RATE_PER_MINUTE per minute window touched, COMMENTS_RATE_PER_HOUR in all) is
  stored, the rest are answered 429, and no answer is a 5xx.
- signup: 1,000 sign-ups from one address: at most allauth's "signup" limit of accounts made.
- login: 1,000 wrong passwords for one account: refused, then 429, no session given.
- admin: 1,000 logins at /admin/login/: the admin login is allauth's (secure_admin_login),
  so none of them reaches a password check there.
"""

import argparse
import math
import re
import sys
import threading
import time
import uuid
from collections import Counter

from bench.client import fetch
from proof.forms import form_data
from proof.stack import PacedRunner, ProofStack, log

RATE_PER_MINUTE = 3  # the settings' defaults (COMMENTS_RATE_PER_MINUTE / _PER_HOUR), left as they are here
RATE_PER_HOUR = 20
SIGNUP_LIMIT = 5  # config/settings.py ACCOUNT_RATE_LIMITS["signup"] = "5/h/ip"


class AnswerTally:
    """The answers to a flood: how many of each HTTP status, and of each error (no answer at all)."""

    def __init__(self):
        self.statuses: Counter = Counter()
        self.errors: Counter = Counter()
        self.lock = threading.Lock()

    def add(self, status=None, error=None):
        with self.lock:
            if error:
                self.errors[error] += 1
            else:
                self.statuses[status] += 1

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500) + sum(self.errors.values())

    def __str__(self):
        parts = [f"{status}×{n}" for status, n in sorted(self.statuses.items())]
        parts += [f"{error}×{n}" for error, n in self.errors.items()]
        return ", ".join(parts)


def _send(tally: AnswerTally, call) -> None:
    try:
        tally.add(call().status)
    except Exception as error:  # noqa: BLE001 (a refused connection or a timeout is a figure too)
        tally.add(error=type(error).__name__)


def flood_comments(stack: ProofStack, requests: int, seconds: float) -> bool:
    reader = stack.reader(0)
    tally = AnswerTally()
    started = time.time()
    PacedRunner(requests, seconds).run(
        lambda i: _send(tally, lambda: stack.comment(reader, f"Flot numéro {i} : toujours plus.", uuid.uuid4()))
    )
    minutes = math.floor(time.time() / 60) - math.floor(started / 60) + 1
    stored = int(stack.sql("SELECT count(*) FROM comments_comment"))
    limit = min(RATE_PER_MINUTE * minutes, RATE_PER_HOUR)
    ok = stored <= limit and tally.statuses[429] == requests - stored and tally.server_errors == 0
    log(
        f"comments: {requests} POSTs in {seconds:.0f} s from one account: {stored} stored (limit {limit}: "
        f"{RATE_PER_MINUTE}/min over {minutes} minute windows), answers {tally} → {'OK' if ok else 'FAILED'}"
    )
    return ok


def flood_signup(stack: ProofStack, requests: int, seconds: float) -> bool:
    page = fetch(stack.port, "/comptes/signup/")
    cookies = page.cookies()
    template = form_data(page.body, email="x@proof.localhost", password1="x", password2="x", display_name="x")
    tally = AnswerTally()
    before = int(stack.sql("SELECT count(*) FROM accounts_user"))

    def signup(i):
        form = {**template, "email": f"flot{i}@proof.localhost", "display_name": f"Flot {i}",
                "password1": "un-mot-de-passe-long-2026", "password2": "un-mot-de-passe-long-2026"}  # fmt: skip
        return fetch(stack.port, "/comptes/signup/", method="POST", cookies=cookies, form=form)

    PacedRunner(requests, seconds).run(lambda i: _send(tally, lambda: signup(i)))
    made = int(stack.sql("SELECT count(*) FROM accounts_user")) - before
    ok = made <= SIGNUP_LIMIT and tally.statuses[429] >= requests - SIGNUP_LIMIT and tally.server_errors == 0
    log(f"signup: {requests} sign-ups from one address: {made} accounts made (limit {SIGNUP_LIMIT}/h/ip), "
        f"answers {tally} → {'OK' if ok else 'FAILED'}")  # fmt: skip
    return ok


def flood_login(stack: ProofStack, requests: int, seconds: float, *, path: str, name: str) -> bool:
    page = fetch(stack.port, "/comptes/login/")
    cookies = page.cookies()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
    tally = AnswerTally()
    sessions, blocked = [], []

    def attempt(i):
        form = {"csrfmiddlewaretoken": token, "login": "lecteur0@proof.localhost", "password": f"mauvais-{i}",
                "username": "lecteur0@proof.localhost"}  # fmt: skip
        response = fetch(stack.port, path, method="POST", cookies=cookies, form=form)
        if "sessionid" in response.cookies():
            sessions.append(i)
        if response.status == 200 and ("Trop de tentatives" in response.body or "Too many failed" in response.body):
            blocked.append(i)  # allauth's login_failed limit: the form answers without checking the password
        return response

    PacedRunner(requests, seconds).run(lambda i: _send(tally, lambda: attempt(i)))
    checked = tally.statuses[200] - len(blocked)  # the form shown again with « wrong password »: a password checked
    if name == "admin":
        ok = not sessions and checked == 0 and tally.server_errors == 0
        detail = f"{checked} password checks (the admin login sends to allauth's)"
    else:
        ok = not sessions and checked <= 10 and tally.server_errors == 0
        detail = f"{checked} password checks (limit 10/m/ip, 5/5m/key), {len(blocked)} « too many attempts »"
    log(f"{name}: {requests} wrong passwords from one address: {len(sessions)} sessions, {detail}, "
        f"answers {tally} → {'OK' if ok else 'FAILED'}")  # fmt: skip
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--only", default="comments,signup,login,admin")
    options = parser.parse_args(argv)
    only = options.only.split(",")
    results = {}
    with ProofStack(readers=1) as stack:
        if "comments" in only:
            results["comments"] = flood_comments(stack, options.requests, options.seconds)
        if "signup" in only:
            results["signup"] = flood_signup(stack, options.requests, options.seconds)
        for name, path in (("login", "/comptes/login/"), ("admin", "/admin/login/")):
            if name in only:
                results[name] = flood_login(stack, options.requests, options.seconds, path=path, name=name)
    log("flood: " + ", ".join(f"{name} {'OK' if ok else 'FAILED'}" for name, ok in results.items()))
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
