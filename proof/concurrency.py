"""Concurrency: 50 readers comment at once for 60 s; every acknowledged comment is stored exactly once.

    python -m proof.concurrency [--commenters 50] [--seconds 60]

The rate limits are raised for the run (COMMENTS_RATE_PER_MINUTE / _PER_HOUR). Each
commenter sends comments with a fresh submission key and, when an answer does not come
(a timeout, a dropped connection, a 5xx), sends the same form again, as a reader pressing
the button twice would. Then the database is read: every acknowledged comment is there
once, no submission key is stored twice, and no answer was a 5xx.
"""

import argparse
import sys
import threading
import time
import uuid
from collections import Counter

from proof.stack import ProofStack, acknowledged, log


class Submissions:
    """What the commenters saw: every answer's status, the keys acknowledged and not, the forms sent again."""

    def __init__(self):
        self.statuses: Counter = Counter()
        self.acked: set[str] = set()
        self.unacked: set[str] = set()
        self.resent = 0
        self.lock = threading.Lock()


def comment_concurrently(stack: ProofStack, commenters: int, seconds: float) -> bool:
    readers = [stack.reader(n) for n in range(commenters)]
    seen = Submissions()
    deadline = time.monotonic() + seconds

    def send(reader, body, key):
        try:
            response = stack.comment(reader, body, key, timeout=30)
            status, ok = response.status, acknowledged(response)
        except Exception as error:  # noqa: BLE001 (a timeout is a figure, and a reason to send again)
            status, ok = type(error).__name__, False
        with seen.lock:
            seen.statuses[status] += 1
        return ok

    def commenter(reader):
        n = 0
        while time.monotonic() < deadline:
            key = uuid.uuid4()
            body = f"Concurrence {reader.email} numéro {n}"
            n += 1
            ok = send(reader, body, key)
            if not ok:
                with seen.lock:
                    seen.resent += 1
                ok = send(reader, body, key)  # the same form, sent again
            with seen.lock:
                (seen.acked if ok else seen.unacked).add(str(key))

    threads = [threading.Thread(target=commenter, args=(reader,), daemon=True) for reader in readers]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return judge(stack, seen, commenters=commenters, elapsed=time.monotonic() - started)


def judge(stack: ProofStack, seen: Submissions, *, commenters: int, elapsed: float) -> bool:
    """Every acknowledged comment stored exactly once, no submission key twice, no 5xx.

    Why not split: the verdict's terms and the one log line that gives each of them read best together.
    """
    rows = stack.sql("SELECT submission_key, count(*) FROM comments_comment GROUP BY 1").split()
    stored = {key: int(count) for key, count in (row.split("|") for row in rows)}
    missing = [key for key in seen.acked if stored.get(key, 0) != 1]
    twice = [key for key, count in stored.items() if count > 1]
    unacked_stored = sum(1 for key in seen.unacked if key in stored)
    statuses = seen.statuses
    server_errors = sum(n for status, n in statuses.items() if not isinstance(status, int) or status >= 500)
    ok = not missing and not twice and server_errors == 0 and seen.acked
    answers = ", ".join(f"{status}×{n}" for status, n in sorted(statuses.items(), key=str))
    log(
        f"concurrency: {commenters} commenters for {elapsed:.0f} s: {sum(statuses.values())} answers ({answers}), "
        f"{len(seen.acked)} acknowledged ({len(seen.acked) / elapsed:.1f}/s), {len(stored)} stored; acknowledged "
        f"but not stored exactly once: {len(missing)}; stored twice: {len(twice)}; sent again: {seen.resent}; "
        f"unacknowledged: {len(seen.unacked)} ({unacked_stored} of them stored, once); 5xx or no answer: "
        f"{server_errors} → {'OK' if ok else 'FAILED'}"
    )
    return bool(ok)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commenters", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    options = parser.parse_args(argv)
    env = {"COMMENTS_RATE_PER_MINUTE": "1000000", "COMMENTS_RATE_PER_HOUR": "1000000"}
    with ProofStack(readers=options.commenters, env_extra=env) as stack:
        ok = comment_concurrently(stack, options.commenters, options.seconds)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
