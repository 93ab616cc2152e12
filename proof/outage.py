"""Outages: PostgreSQL stopped under load and started again; Redis stopped. Nothing acknowledged is lost.

    python -m proof.outage [--only postgres,redis] [--down 5] [--seconds 30] [--commenters 20]

- postgres: commenters and readers at work; PostgreSQL (the machine's cluster) is stopped
  for `--down` seconds (at most 10) in the middle, then started. Every answer during the
  outage is a 503 (or a page served from the cache), never a 500; the first comment stored
  comes within 5 s of the database being back; every acknowledged comment is in the database.
- redis: Redis (the machine's, on 6379) is shut down: pages are still read; posting a comment
  is refused cleanly (an answer below 500 or a 503, with a message), never a 500. Redis is
  started again as CI starts it.
"""

import argparse
import sys
import threading
import time
import uuid

from bench.client import fetch
from proof.stack import ProofStack, acknowledged, log, pg_ctl, redis_start, redis_stop

FIRST_SUCCESS_WITHIN = 5.0


class AnswerJournal:
    """Every answer with its time: (t, kind, status or error name, key, acknowledged)."""

    def __init__(self):
        self.rows: list[tuple[float, str, object, str, bool]] = []
        self.lock = threading.Lock()
        self.acked: set[str] = set()  # the submission keys of the acknowledged comments

    def add(self, *row):
        with self.lock:
            self.rows.append(row)


def postgres_outage(stack: ProofStack, *, commenters: int, seconds: float, down: float) -> bool:
    journal, stop = AnswerJournal(), threading.Event()
    threads = start_load(stack, [stack.reader(n) for n in range(commenters)], journal, stop)
    time.sleep(seconds / 2 - down / 2)
    stopped, back = postgres_down(down)
    time.sleep(max(seconds / 2 - down / 2, 8))
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    return judge_postgres_outage(stack, journal, stopped=stopped, back=back)


def start_load(stack: ProofStack, readers: list, journal: AnswerJournal, stop: threading.Event) -> list:
    """Each reader commenting, and three anonymous readers reading the post, until `stop` is set."""

    def commenter(reader):
        n = 0
        while not stop.is_set():
            key = uuid.uuid4()
            body = f"Panne {reader.email} {n} {key}"
            n += 1
            try:
                response = stack.comment(reader, body, key, timeout=20)
                status = response.status
                ok = acknowledged(response)
            except Exception as error:  # noqa: BLE001
                status, ok = type(error).__name__, False
            journal.add(time.monotonic(), "comment", status, str(key), ok)
            if ok:
                journal.acked.add(str(key))
            time.sleep(0.2)

    def anonymous_reader():
        while not stop.is_set():
            try:
                status = fetch(stack.port, stack.post_path, timeout=20).status
            except Exception as error:  # noqa: BLE001
                status = type(error).__name__
            journal.add(time.monotonic(), "read", status, "", status == 200)
            time.sleep(0.2)

    threads = [threading.Thread(target=commenter, args=(r,), daemon=True) for r in readers]
    threads += [threading.Thread(target=anonymous_reader, daemon=True) for _ in range(3)]
    for thread in threads:
        thread.start()
    return threads


def postgres_down(down: float) -> tuple[float, float]:
    """Stop PostgreSQL for `down` seconds, then start it; when it was stopped, and when back."""
    log(f"stopping PostgreSQL for {down:.0f} s")
    stopping = time.monotonic()
    pg_ctl("stop")
    stopped = time.monotonic()
    time.sleep(down)
    pg_ctl("start")
    back = time.monotonic()
    log(f"PostgreSQL back after {back - stopping:.1f} s")
    return stopped, back


def judge_postgres_outage(stack: ProofStack, journal: AnswerJournal, *, stopped: float, back: float) -> bool:
    """503s (or cached pages) during the outage, no 500 ever, comments again soon after, none lost.

    Why not split: the verdict's five terms and the one log line that gives each of them read best together.
    """
    during = [row for row in journal.rows if stopped <= row[0] <= back]
    bad_during = [row for row in during if row[2] not in {503, 200, 302}]
    everywhere_bad = [row for row in journal.rows if isinstance(row[2], str) or row[2] >= 500 and row[2] != 503]
    first = min((row[0] for row in journal.rows if row[1] == "comment" and row[4] and row[0] > back), default=None)
    stored = set(stack.sql("SELECT submission_key FROM comments_comment").split())
    lost = journal.acked - stored
    duplicates = stack.sql(
        "SELECT count(*) FROM (SELECT submission_key FROM comments_comment GROUP BY 1 HAVING count(*) > 1) d"
    )
    statuses_during = _count(row[2] for row in during)
    first_after = f"{first - back:.1f} s" if first else "never"
    in_time = first is not None and first - back <= FIRST_SUCCESS_WITHIN
    ok = not bad_during and not everywhere_bad and in_time and not lost and duplicates == "0"
    log(
        f"postgres: {len(journal.rows)} answers, {len(journal.acked)} comments acknowledged; during the "
        f"{back - stopped:.1f} s outage: {statuses_during}; other than 503 / cached page: {len(bad_during)}; 500s, "
        f"502s or errors: {len(everywhere_bad)} {_count(r[2] for r in everywhere_bad)}; first comment stored "
        f"{first_after} after the restart; acknowledged but lost: {len(lost)}; stored twice: {duplicates} "
        f"→ {'OK' if ok else 'FAILED'}"
    )
    return ok


def redis_outage(stack: ProofStack) -> bool:
    reader = stack.reader(0)
    before = int(stack.sql("SELECT count(*) FROM comments_comment"))
    log("shutting Redis down")
    redis_stop()
    results = {}
    try:
        time.sleep(1)
        results["anonymous read"] = fetch(stack.port, stack.post_path).status
        results["home"] = fetch(stack.port, "/").status
        results["logged-in read"] = fetch(stack.port, stack.post_path, cookies=reader.cookies).status
        response = stack.comment(reader, "Pendant la panne de Redis.", uuid.uuid4())
        results["comment"] = response.status
        message = "momentanément" in response.body or "indisponible" in response.body
    finally:
        log("starting Redis again")
        redis_start()
    stored = int(stack.sql("SELECT count(*) FROM comments_comment")) - before
    time.sleep(1)
    stack.refresh_token(reader)
    after = stack.comment(reader, "Après la panne de Redis.", uuid.uuid4())
    ok = (
        results["anonymous read"] == 200
        and results["home"] == 200
        and results["logged-in read"] == 200
        and results["comment"] in {403, 429, 503}
        and message
        and stored == 0
        and acknowledged(after)
    )
    log(
        f"redis: while down: {', '.join(f'{k} {v}' for k, v in results.items())} (clear message: {message}), "
        f"comments stored: {stored}; after restart: comment {after.status} → {'OK' if ok else 'FAILED'}"
    )
    return ok


def _count(values) -> str:
    counts: dict = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return ", ".join(f"{k}×{n}" for k, n in sorted(counts.items(), key=lambda item: str(item[0]))) or "none"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="postgres,redis")
    parser.add_argument("--down", type=float, default=5)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--commenters", type=int, default=20)
    options = parser.parse_args(argv)
    if not 1 <= options.down <= 10:
        parser.error("--down is 1 to 10 seconds: the PostgreSQL server is the machine's, shared.")
    results = {}
    env = {"COMMENTS_RATE_PER_MINUTE": "1000000", "COMMENTS_RATE_PER_HOUR": "1000000"}
    with ProofStack(readers=options.commenters, env_extra=env) as stack:
        if "redis" in options.only:
            results["redis"] = redis_outage(stack)
        if "postgres" in options.only:
            results["postgres"] = postgres_outage(
                stack, commenters=options.commenters, seconds=options.seconds, down=options.down
            )
    log("outage: " + ", ".join(f"{name} {'OK' if ok else 'FAILED'}" for name, ok in results.items()))
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
