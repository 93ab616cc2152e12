"""Check 4 of the scale proof: faults under load. App server B killed, the replica stopped and started,
Redis stopped — each while commenters and readers are at work through nginx.

The load (`Load`): commenters each post a comment every 10–13 s (under their per-minute limit) and read
the page straight after through nginx, which must show it (read your writes, on whichever server
answers); logged-in readers who write nothing read the post page; anonymous readers too. Every answer
is journaled with its time; the replica's lag is sampled on the primary meanwhile.
"""

import contextlib
import random
import re
import threading
import time
import uuid
from collections import Counter

from proof.scale import postgres
from proof.scale.client import Browser, request
from proof.scale.journey import comment, reader
from proof.scale.stack import DB_NAME, ScaleStack, log

LOST_MESSAGE = ("momentanément", "indisponible")  # the comment form's answer when Redis is down (proof/outage.py)


def letters() -> str:
    """Ten random letters: a comment's mark that no rule rewrites (ten digits may be masked as a phone number)."""
    return uuid.uuid4().hex[:10].translate(str.maketrans("0123456789", "ghijklmnop"))


def answered(page) -> int | str:
    """The page's status; "cut" for a 200 whose body stops short (its server died while nginx relayed it)."""
    return "cut" if page.status == 200 and "</html>" not in page.body else page.status


class Load:
    """Commenters, logged-in readers and anonymous readers through nginx until stopped."""

    def __init__(self, stack: ScaleStack, *, commenters: int, readers: int = 5, anonymous: int = 3):
        self.stack, self.stop = stack, threading.Event()
        self.rows: list[tuple[float, str, object]] = []  # (time.time(), kind, status or error name)
        self.acked: set[str] = set()  # the bodies of acknowledged comments
        self.misses: list[str] = []  # acknowledged, yet not on the author's next page: which, when, who answered
        self.lag: list[tuple[int, float]] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.commenter, args=(n,), daemon=True) for n in range(commenters)]
        self.threads += [
            threading.Thread(target=self.reader, args=(reader(stack, commenters + n),), daemon=True)
            for n in range(readers)
        ]
        self.threads += [threading.Thread(target=self.reader, args=(Browser(),), daemon=True) for _ in range(anonymous)]
        self.threads.append(threading.Thread(target=self.sample_lag, daemon=True))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=40)

    def add(self, kind: str, status) -> None:
        with self.lock:
            self.rows.append((time.time(), kind, status))

    def commenter(self, n: int) -> None:
        browser, front = reader(self.stack, n), self.stack.nginx_port
        self.stop.wait(random.uniform(0, 10))  # noqa: S311 (spreading the load, not secrets)
        while not self.stop.is_set():
            body = f"Sous charge, lecteur {n} ({letters()})."
            try:
                answer, pk = comment(self.stack, browser, front, body)
                self.add("comment", answer.status)
                if pk:
                    self.acked.add(body)
                    page = browser.get(front, self.stack.post_path)
                    self.add("read", answered(page))
                    if answered(page) == 200 and body not in page.body:
                        self.misses.append(
                            f"#{pk} at {time.time():.2f} by {page.header('X-Upstream')}"
                            f"{' (another pending shown)' if 'En attente de modération' in page.body else ''}"
                        )
            except Exception as error:  # noqa: BLE001 (a refused connection is a figure too)
                self.add("comment", type(error).__name__)
            self.stop.wait(random.uniform(10, 13))  # noqa: S311

    def reader(self, browser: Browser) -> None:
        while not self.stop.is_set():
            try:
                self.add("read", answered(browser.get(self.stack.nginx_port, self.stack.post_path)))
            except Exception as error:  # noqa: BLE001
                self.add("read", type(error).__name__)
            self.stop.wait(0.3)

    def sample_lag(self) -> None:
        while not self.stop.is_set():
            with contextlib.suppress(Exception):  # the replica may be down: no sample then
                self.lag.append(postgres.replication_lag())
            self.stop.wait(0.5)

    def failures(self, *, refusals: frozenset = frozenset()) -> list:
        """Answers that are errors: a 5xx, or no answer at all; but for the `refusals` (kind, status) stated."""
        return [
            r for r in self.rows if (isinstance(r[2], str) or r[2] >= 500) and (r[1], r[2]) not in refusals
        ]  # fmt: skip

    def stored_once(self) -> tuple[int, int]:
        """(acknowledged comments missing from the database, acknowledged comments stored more than once)."""
        counts = Counter()
        for line in self.stack.sql("SELECT body FROM comments_comment").splitlines():
            counts[line] += 1
        return sum(1 for b in self.acked if counts[b] == 0), sum(1 for b in self.acked if counts[b] > 1)


def nginx_log(stack: ScaleStack, since: float) -> list[tuple[float, int, list[str]]]:
    """nginx's answers since `since`: (time it ended, status, the upstream ports tried, in order)."""
    rows = []
    for line in (stack.tmp / "nginx" / "access.log").read_text().splitlines():
        stamp, _method, status, _rest = line.split(" ", 3)
        if float(stamp) >= since:
            rows.append((float(stamp), int(status), re.findall(r"127\.0\.0\.1:(\d+)", line)))
    return rows


def upstreams(rows: list, killed: float, b_port: int) -> str:
    """Who answered through nginx before and after the kill: B, A, or B then A (a request retried)."""
    counts = Counter()
    for stamp, _status, tried in rows:
        if tried:
            who = "B then A" if len(tried) > 1 else ("B" if tried == [str(b_port)] else "A")
            counts[f"{who} {'before' if stamp < killed else 'after'}"] += 1
    return _tally(counts.elements())


def check_kill(stack: ScaleStack, *, commenters: int, seconds: float) -> tuple[bool, str]:
    """Server B killed (SIGKILL to its process group) a third of the way into the load.

    The requests B had in flight end with it: nginx answers 502 to those whose headers had not come
    back yet (a POST already sent is not sent again), and cuts those it was already relaying (a 200 in
    its log, a page without its end for the client). They are the answers nginx logs as B's alone,
    ending at the kill; every error the clients saw must be one.
    """
    b = stack.servers[1]
    started = time.time()
    with Load(stack, commenters=commenters) as load:
        load.stop.wait(seconds / 3)
        killed = time.time()
        stack.kill_server(b)
        log(f"app server B killed (SIGKILL to group {b.proc.pid})")
        load.stop.wait(seconds * 2 / 3)
    stack.lag_samples = load.lag
    rows = nginx_log(stack, started)
    in_flight = [r for r in rows if r[2] == [str(b.port)] and killed - 0.2 <= r[0] <= killed + 3]
    errors = load.failures()
    at_kill = [r for r in errors if killed - 0.5 <= r[0] <= killed + 3]
    lost, twice = load.stored_once()
    ok = not lost and not twice and not load.misses and len(errors) == len(at_kill) <= len(in_flight) and load.acked
    stack.start_server(b)  # B back for the checks that follow
    return bool(ok), (
        f"B killed {killed - started:.0f} s into {seconds:.0f} s of {commenters} commenters + 8 readers through nginx: "
        f"{len(load.rows)} answers {_tally(r[2] for r in load.rows)}; {len(load.acked)} comments acknowledged, "
        f"lost {lost}, stored twice {twice}; errors {len(errors)}, all at the kill: {len(at_kill)}; requests in "
        f"flight on B at the kill {len(in_flight)} {_tally(r[1] for r in in_flight)}; nginx's upstreams "
        f"{upstreams(rows, killed, b.port)}; authors not seeing their comment at once: {len(load.misses)} "
        f"{load.misses[:3]} (the kill at {killed:.2f})"
    )


def check_replica_stop(stack: ScaleStack, *, commenters: int, down: float = 8) -> tuple[bool, str]:
    """The replica stopped (pg_ctl stop -m fast) under load, then started: reads move to the primary and back."""
    marks = {s.name: s.log_path.stat().st_size for s in stack.servers}
    with Load(stack, commenters=commenters) as load:
        load.stop.wait(6)
        stopped = time.time()
        stack.replica.stop()
        log("replica stopped")
        load.stop.wait(down)
        stack.replica.start()
        back = time.time()
        log(f"replica back after {back - stopped:.1f} s")
        load.stop.wait(3)
        before = postgres.database_transactions(DB_NAME, port=stack.replica.port)
        load.stop.wait(5)
        after = postgres.database_transactions(DB_NAME, port=stack.replica.port)
    said = {name: _said(stack, name, marks[name]) for name in marks}
    lost, twice = load.stored_once()
    errors = load.failures()
    both_said = all(fell and returned for fell, returned in said.values())
    ok = not errors and not lost and not twice and not load.misses and both_said and after > before
    return ok, (
        f"replica down {back - stopped:.1f} s under {commenters} commenters + 8 readers: {len(load.rows)} answers "
        f"{_tally(r[2] for r in load.rows)}, errors {len(errors)}; acknowledged {len(load.acked)}, lost {lost}, "
        f"stored twice {twice}, authors not seeing their comment {len(load.misses)}; logs (« reads go to the "
        f"primary » / « usable again », once a process): "
        + ", ".join(f"{n} {f}/{r}" for n, (f, r) in said.items())
        + f"; replica transactions in the 5 s after its return: {after - before}"
    )


def _said(stack: ScaleStack, name: str, mark: int) -> tuple[int, int]:
    server = next(s for s in stack.servers if s.name == name)
    with server.log_path.open(errors="replace") as handle:
        handle.seek(mark)
        text = handle.read()
    return text.count("reads go to the primary"), text.count("reads go back to it")


def check_redis_stop(stack: ScaleStack) -> tuple[bool, str]:
    """Redis shut down under load: on both servers pages are read, a comment is refused with a message."""
    with Load(stack, commenters=10) as load:
        load.stop.wait(3)
        stack.stop_redis()
        down = time.time()
        log("Redis shut down")
        time.sleep(1)
        results, refused = redis_down_answers(stack)
        stack.restart_redis()
        up = time.time()
        log("Redis started again")
        load.stop.wait(3)
    after = {
        server.name: "stored" if comment(stack, reader(stack, stack.spare(2 + n)), server.port, f"Après, {n}.")[1]
        else "refused"
        for n, server in enumerate(stack.servers)
    }  # fmt: skip
    stored = stack.sql("SELECT count(*) FROM comments_comment WHERE body LIKE 'Pendant la panne de Redis%'")
    # Redis down, the rate limit cannot count: a comment is refused with the 503 page (fail closed).
    errors = load.failures(refusals=frozenset({("comment", 503)}))
    ok = redis_verdict(results, refused) and stored == "0" and set(after.values()) == {"stored"} and not errors
    return ok, (
        f"while down: {', '.join(f'{k} {v}' for k, v in results.items())} (refused with a message: {refused}); "
        f"stored: {stored}; the load meanwhile {_tally(r[2] for r in load.rows if down <= r[0] <= up)}, other "
        f"errors {len(errors)} {_tally(errors)}; after restart, a comment on A: {after['A']}, on B: {after['B']}"
    )


def redis_verdict(results: dict, refused: bool) -> bool:
    """Pages read (200) on both servers; comments refused (403, 429 or 503) with the outage's message."""
    reads_ok = all(v == 200 for k, v in results.items() if "comment" not in k)
    return reads_ok and refused and all(v in {403, 429, 503} for k, v in results.items() if "comment" in k)


def redis_down_answers(stack: ScaleStack) -> tuple[dict, bool]:
    """Each server's answers with Redis down: pages read, and a comment refused with the outage's message."""
    results, refused = {}, True
    for n, server in enumerate(stack.servers):
        person = reader(stack, stack.spare(n))
        results[f"{server.name} anonymous"] = request(server.port, stack.post_path).status
        results[f"{server.name} home"] = request(server.port, "/").status
        results[f"{server.name} logged-in"] = person.get(server.port, stack.post_path).status
        answer, pk = comment(stack, person, server.port, f"Pendant la panne de Redis sur {server.name}.")
        results[f"{server.name} comment"] = answer.status
        refused &= pk is None and any(word in answer.body for word in LOST_MESSAGE)
    return results, refused


def _tally(values) -> str:
    counts = Counter(values)
    return "(" + ", ".join(f"{k}×{n}" for k, n in sorted(counts.items(), key=lambda kv: str(kv[0]))) + ")"
