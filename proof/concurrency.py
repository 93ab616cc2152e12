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


def run(stack: ProofStack, commenters: int, seconds: float) -> bool:
    readers = [stack.reader(n) for n in range(commenters)]
    statuses: Counter = Counter()
    acked: set[str] = set()
    unacked: set[str] = set()
    resent = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def send(reader, body, key):
        try:
            response = stack.comment(reader, body, key, timeout=30)
            status, ok = response.status, acknowledged(response)
        except Exception as error:  # noqa: BLE001 (a timeout is a figure, and a reason to send again)
            status, ok = type(error).__name__, False
        with lock:
            statuses[status] += 1
        return ok

    def commenter(reader):
        n = 0
        while time.monotonic() < deadline:
            key = uuid.uuid4()
            body = f"Concurrence {reader.email} numéro {n}"
            n += 1
            ok = send(reader, body, key)
            if not ok:
                with lock:
                    resent[0] += 1
                ok = send(reader, body, key)  # the same form, sent again
            with lock:
                (acked if ok else unacked).add(str(key))

    threads = [threading.Thread(target=commenter, args=(reader,), daemon=True) for reader in readers]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.monotonic() - started
    rows = stack.sql("SELECT submission_key, count(*) FROM comments_comment GROUP BY 1").split()
    stored = {key: int(count) for key, count in (row.split("|") for row in rows)}
    missing = [key for key in acked if stored.get(key, 0) != 1]
    twice = [key for key, count in stored.items() if count > 1]
    unacked_stored = sum(1 for key in unacked if key in stored)
    server_errors = sum(n for status, n in statuses.items() if not isinstance(status, int) or status >= 500)
    ok = not missing and not twice and server_errors == 0 and acked
    answers = ", ".join(f"{status}×{n}" for status, n in sorted(statuses.items(), key=str))
    log(
        f"concurrency: {commenters} commenters for {elapsed:.0f} s: {sum(statuses.values())} answers ({answers}), "
        f"{len(acked)} acknowledged ({len(acked) / elapsed:.1f}/s), {len(stored)} stored; acknowledged but not stored "
        f"exactly once: {len(missing)}; stored twice: {len(twice)}; sent again: {resent[0]}; unacknowledged: "
        f"{len(unacked)} ({unacked_stored} of them stored, once); 5xx or no answer: {server_errors} "
        f"→ {'OK' if ok else 'FAILED'}"
    )
    return bool(ok)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commenters", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    options = parser.parse_args(argv)
    env = {"COMMENTS_RATE_PER_MINUTE": "1000000", "COMMENTS_RATE_PER_HOUR": "1000000"}
    with ProofStack(readers=options.commenters, env_extra=env) as stack:
        ok = run(stack, options.commenters, options.seconds)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
