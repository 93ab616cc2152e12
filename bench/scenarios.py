"""The benchmark's scenarios: each drives the stack with wrk and becomes a Measurement.

    ceiling     nginx serving the post page saved as a static file, over plain HTTP and over TLS
    floor       the same page from a straightforward view (bench/floor.py), same gunicorn
    cache_page  that view under Django's cache_page (local memory), same gunicorn
    home, post page       anonymous, through nginx (plain HTTP; the post also over TLS) and straight to gunicorn
    post page             logged-in reader, through nginx and straight to gunicorn
    comment submission    20 verified readers posting the form, through nginx (flat out, then paced)
    admin queue           the moderator's changelist of pending comments, through nginx

Each Measurement also carries the SQL queries per request (the X-Queries header of
bench/middleware.py, sampled straight at gunicorn) and how nginx's micro-cache answered.
"""

import gzip
import re
import statistics
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bench import nginx
from bench.client import HOST, Response, cookie_header, fetch
from bench.stack import BenchError, BenchStack, log
from bench.wrk import WrkResult, comment_script, run_wrk

SCALE = {"posts": 20, "comments_per_post": 100, "users": 200}  # bench_fill's arguments (issue 17: 100 comments)
POST_SLUG = "bench-billet-0001"  # bench/fill.py's first post: SCALE["comments_per_post"] approved comments
POST_LABEL = f"post ({SCALE['comments_per_post']} comments)"
FLOOR_PATH = f"/bench-floor/{POST_SLUG}/"  # the plain page of the same content (bench/floor.py)
PASSWORD = "bench-motdepasse-42"  # noqa: S105 (bench/fill.PASSWORD: bench accounts on a throwaway database)
READER = "lecteur-00001@bench.localhost"
MODERATOR = "moderateur@bench.localhost"
COMMENTERS = 20  # readers 2…21 post comments, each connection cycling over its own users
ADMIN_CONNECTIONS = 4  # a handful of moderators, not a crowd
SAMPLES = 5
SAMPLE_TIMEOUT = 180  # seconds: a plain request slower than this is noted, not awaited
PACED = {"comment-paced"}  # scenarios whose rate the script sets: no ratio to ceiling or floor
TLS = "nginx TLS"  # the `via` of what goes to nginx over TLS
PACED_SECONDS = 30
ROUNDS = 3  # interleaved rounds of the rows judged against each other (`--rounds`)
COMMENT_TEXT = "Commentaire de charge : la relation client en public, vue par un lecteur attentif. Numéro "


@dataclass
class Measurement:
    """One scenario's figures: a line of the report's table."""

    key: str
    scenario: str
    via: str
    connections: int
    load: WrkResult
    queries: str = "—"
    cache_hits: str = "—"
    notes: list[str] = field(default_factory=list)
    gzipped_bytes: int = 0  # one sampled page, compressed as nginx sends it (gzip_comp_level 4); 0: not sampled
    # The floor's page fetched with the same cookies, gzipped alike: the plain page of the same content for
    # the same visitor (logged in: base.html's reader header and the comment form). 0: not sampled.
    plain_gzipped_bytes: int = 0


def csrf_field(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not found:
        raise BenchError("No CSRF token in the page.")
    return found.group(1)


def log_in(port: int, email: str) -> dict[str, str]:
    """Log in through allauth's form like a browser; return the cookies (sessionid, csrftoken)."""
    page = fetch(port, "/comptes/login/")
    cookies = page.cookies()
    form = {"csrfmiddlewaretoken": csrf_field(page.body), "login": email, "password": PASSWORD}
    done = fetch(port, "/comptes/login/", method="POST", cookies=cookies, form=form)
    cookies = done.cookies(cookies)
    if done.status != 302 or "sessionid" not in cookies:
        raise BenchError(f"Login of {email} failed: HTTP {done.status}.")
    # Follow the redirect once, as a browser would: it shows (and clears) the « logged in » message.
    return fetch(port, done.header("Location") or "/", cookies=cookies).cookies(cookies)


def nginx_plan(post_path: str) -> list[tuple[str, str, dict]]:
    """What goes through nginx without a session (gunicorn idle but for the micro-cache's refills)."""
    ceiling, post = "ceiling: the post page as a static file", POST_LABEL + ", anonymous"
    return [
        ("ceiling", ceiling, {"via": "nginx", "path": nginx.CEILING_PATH}),
        ("ceiling-tls", ceiling, {"via": TLS, "path": nginx.CEILING_PATH}),
        ("home-nginx", "home, anonymous", {"via": "nginx", "path": "/"}),
        ("post-nginx", post, {"via": "nginx", "path": post_path}),
        ("post-nginx-tls", post, {"via": TLS, "path": post_path}),
    ]


def gunicorn_plan(post_path: str, reader: dict[str, str]) -> list[tuple[str, str, dict]]:
    """What gunicorn answers: the anchors, the anonymous pages straight to it, the logged-in reader. The floor
    first: the requests wrk leaves in flight when it stops (a third of a second of work) are served during the
    next row's warm-up, not its measure."""
    post, logged_in = POST_LABEL + ", anonymous", POST_LABEL + ", logged-in reader"
    return [
        ("floor", "floor: straightforward view, no cache", {"via": "gunicorn", "path": FLOOR_PATH}),
        ("cache-page", "straightforward view with cache_page (local memory)",
         {"via": "gunicorn", "path": f"/bench-floor-cached/{POST_SLUG}/"}),
        ("home-gunicorn", "home, anonymous", {"via": "gunicorn", "path": "/"}),
        ("post-gunicorn", post, {"via": "gunicorn", "path": post_path}),
        ("reader-nginx", logged_in, {"via": "nginx", "path": post_path, "cookies": reader}),
        ("reader-gunicorn", logged_in, {"via": "gunicorn", "path": post_path, "cookies": reader}),
    ]  # fmt: skip


@dataclass
class LoadScenarios:
    """The scenarios of one run against `stack`, each measured `duration` s after a `warmup` s warm-up."""

    stack: BenchStack
    duration: int
    warmup: int
    queue_million: bool = False
    rounds: int = ROUNDS
    measurements: list[Measurement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the pages looked like, for the report
    access_log_offset: int = 0

    def run(self) -> list[Measurement]:
        post_path = f"/billets/{POST_SLUG}/"
        anonymous = fetch(self.stack.gunicorn_port, post_path)
        if anonymous.status != 200 or anonymous.body.count(' id="comment-') != SCALE["comments_per_post"]:
            raise BenchError(f"The bench post page is not what bench_fill made (HTTP {anonymous.status}).")
        self.record_headers(anonymous)
        (self.stack.tmp / "www" / "post.html").write_text(anonymous.body)
        self.in_rounds(nginx_plan(post_path))
        sessions = self.log_in_everyone()
        self.in_rounds(gunicorn_plan(post_path, sessions[READER]))
        # The gunicorn row of the reader is what the page-weight target judges. The floor row's page was fetched
        # anonymously: the reader's is weighed against the floor fetched with the reader's cookies.
        reader = next(m for m in self.measurements if m.key == "reader-gunicorn")
        reader.plain_gzipped_bytes = self.gzipped_bytes(FLOOR_PATH, sessions[READER], via="gunicorn")
        self.comment_submission(post_path, [sessions[e] for e in sessions if e not in {READER, MODERATOR}])
        self.admin_queue(sessions[MODERATOR])
        return self.measurements

    def in_rounds(self, plan: list[tuple[str, str, dict]]) -> None:
        """Each scenario of `plan` (key, label, `measure`'s options) measured in `rounds` interleaved rounds; each
        keeps its median round, the spread in its notes. This machine's speed drifts from minute to minute: rows
        judged against each other are measured side by side, and no single slow or fast minute decides a ratio."""
        start = len(self.measurements)
        for _ in range(self.rounds):
            for key, label, options in plan:
                self.measure(key, label, **options)
        measured = self.measurements[start:]
        del self.measurements[start:]
        for key, _, _ in plan:
            mine = sorted((m for m in measured if m.key == key), key=lambda m: m.load.requests_per_s)
            median = mine[len(mine) // 2]
            if len(mine) > 1:
                low, high = mine[0].load.requests_per_s, mine[-1].load.requests_per_s
                median.notes.append(f"median of {len(mine)} rounds ({low:,.0f}–{high:,.0f} req/s)")
            self.measurements.append(median)

    def log_in_everyone(self) -> dict[str, dict[str, str]]:
        """The cookies of the reader, the moderator and the commenters, by e-mail (in that order)."""
        log(f"logging in: a reader, the moderator and {COMMENTERS} commenters (PBKDF2: a second or so each)")
        emails = [READER, MODERATOR, *(f"lecteur-{n:05d}@bench.localhost" for n in range(2, 2 + COMMENTERS))]
        with ThreadPoolExecutor(max_workers=4) as pool:
            return dict(zip(emails, pool.map(lambda e: log_in(self.stack.gunicorn_port, e), emails), strict=True))

    def admin_queue(self, cookies: dict[str, str]) -> None:
        self.measure(
            "admin",
            "admin queue (pending comments), moderator" + (" — 1,000,000 pending" if self.queue_million else ""),
            via="nginx",
            path="/admin/comments/comment/",
            connections=ADMIN_CONNECTIONS,
            cookies=cookies,
            timeout="60s",
            # Long enough for a slow page to come back, if only as nginx's 504 after proxy_read_timeout (35 s).
            duration=max(self.duration, 45) if self.queue_million else None,
        )

    # One measure ----------------------------------------------------------------------

    def measure(self, key, scenario, *, via, path, connections=32, cookies=None, script=None, timeout="10s",
                queries=None, duration=None) -> Measurement:  # fmt: skip
        port = {"nginx": self.stack.nginx_port, TLS: self.stack.nginx_tls_port}.get(via, self.stack.gunicorn_port)
        url = f"{'https' if via == TLS else 'http'}://{HOST}:{port}{path}"
        headers = [f"Cookie: {cookie_header(cookies)}"] if cookies else []
        duration = duration or self.duration
        if script is None and self.warmup and duration == self.duration:
            run_wrk(url, connections=connections, duration=self.warmup, headers=headers, timeout=timeout)
        self.cache_hits()  # forget the warm-up's log lines
        log(f"{scenario} — via {via}, {connections} connections, {duration} s")
        load = run_wrk(url, connections=connections, duration=duration, headers=headers, script=script, timeout=timeout)
        self.stack.procs.check_alive()
        hits = self.cache_hits() if via != "gunicorn" else "—"
        if queries is None:
            queries, notes = self.sample_queries(path, cookies=cookies) if path != nginx.CEILING_PATH else ("—", [])
        else:
            queries, notes = queries
        notes += _load_notes(load, duration)
        weight = self.gzipped_bytes(path, cookies, via=via, script=script)
        measurement = Measurement(key, scenario, via, connections, load, queries, hits, notes, weight)
        self.measurements.append(measurement)
        log(
            f"  {load.requests_per_s:,.1f} req/s, p50 {load.p50_ms:.2f} ms, p99 {load.p99_ms:.2f} ms, "
            f"{queries} queries, nginx cache: {hits}" + (f" — {'; '.join(notes)}" if notes else "")
        )
        return measurement

    def cache_hits(self) -> str:
        """How nginx's cache answered the requests logged since the last call: "MISS 100 %", "HIT 97 %, …".

        The cache's status is the last field of each line (bench/nginx.py's log format); "-": not
        through the cache (the static file).
        """
        path = self.stack.tmp / "nginx" / "access.log"
        with open(path, "rb") as f:
            f.seek(self.access_log_offset)
            lines = f.read().decode("utf-8", "replace").splitlines()
            statuses = [line.rsplit(" ", 1)[-1] for line in lines if line and not line.endswith(" -")]
            self.access_log_offset = f.tell()
        if not statuses:
            return "—"
        counts = Counter(statuses).most_common()
        return ", ".join(
            f"{status} {100 * n / len(statuses):.0f} %" for status, n in counts if n / len(statuses) >= 0.01
        )

    def gzipped_bytes(self, path: str, cookies=None, *, via: str, script=None) -> int:
        """The page at `path`, gzipped as nginx compresses it for readers (the site file's gzip_comp_level 4);
        0 for what is not a page of gunicorn's fetched by GET (nginx's rows, the POSTs of a wrk script)."""
        if via != "gunicorn" or script is not None:
            return 0
        response = fetch(self.stack.gunicorn_port, path, cookies=cookies, timeout=SAMPLE_TIMEOUT)
        return len(gzip.compress(response.body.encode(), compresslevel=4)) if response.status == 200 else 0

    def sample_queries(self, path: str, *, cookies=None, expect=200) -> tuple[str, list[str]]:
        """Median X-Queries of a few plain requests straight to gunicorn, and what looked wrong.

        A page that takes more than 10 s is sampled once (it also waits behind the requests wrk left
        in flight); one that takes more than SAMPLE_TIMEOUT is noted and not counted.
        """
        counts, notes = [], []
        for _ in range(SAMPLES):
            started = time.monotonic()
            try:
                response = fetch(self.stack.gunicorn_port, path, cookies=cookies, timeout=SAMPLE_TIMEOUT)
            except TimeoutError:
                notes.append(f"a plain request took more than {SAMPLE_TIMEOUT} s")
                break
            if response.status != expect:
                notes.append(f"HTTP {response.status} (expected {expect})")
            if response.header("X-Queries") is not None:
                counts.append(int(response.header("X-Queries")))
            if time.monotonic() - started > 10:
                notes.append(f"a plain request took {time.monotonic() - started:.0f} s")
                break
        return (f"{statistics.median(counts):g}" if counts else "?"), sorted(set(notes))

    # Comment submission ---------------------------------------------------------------

    def comment_submission(self, post_path: str, sessions: list[dict]) -> None:
        """Flat out (each connection posts again as soon as it is answered): what the machine can take,
        its p99 set by the queue (20 connections over the POSTs a second); then paced, the issue's
        target: 20 commenters each posting once a second on average (the site allows 3 a minute)."""
        action, users = self.comment_forms(post_path, sessions)
        queries = self.sample_submissions(action, users)
        for key, scenario, pause_ms, duration in (
            ("comment", "comment submission (POST, verified readers), flat out", 0, None),
            # A p99 wants samples: at least PACED_SECONDS of ~20 POST/s (600 answers at 30 s).
            (
                "comment-paced",
                f"comment submission, paced: {COMMENTERS} readers × ~1 POST/s",
                1000,
                max(self.duration, PACED_SECONDS),
            ),
        ):
            script = self.stack.tmp / f"{key}.lua"
            script.write_text(
                comment_script(
                    users=[(cookie_header(cookies), token) for cookies, token in users],
                    path=action,
                    text=COMMENT_TEXT,
                    pause_ms=pause_ms,
                )
            )
            self.measure(key, scenario, via="nginx", path=action, connections=COMMENTERS, script=script,
                         queries=(queries, []), duration=duration)  # fmt: skip

    def comment_forms(self, post_path: str, sessions: list[dict]) -> tuple[str, list[tuple[dict, str]]]:
        """The comment form's action, and each commenter's cookies with a CSRF token of theirs."""
        users, action = [], None
        for cookies in sessions:
            page = fetch(self.stack.gunicorn_port, post_path, cookies=cookies)
            cookies = page.cookies(cookies)
            form_tag = re.search(r'<form[^>]*class="comment-form"[^>]*>', page.body)
            found = form_tag and re.search(r'action="([^"]+)"', form_tag.group(0))
            if not found:
                raise BenchError("No comment form on the post page for a verified reader.")
            action = found.group(1)
            users.append((cookies, csrf_field(page.body)))
        return action, users

    def sample_submissions(self, action: str, users: list[tuple[dict, str]]) -> str:
        """A few plain submissions: they must be accepted (302); the median queries one costs."""
        counts, notes = [], []
        for n, (cookies, token) in enumerate(users[:SAMPLES]):
            form = {"csrfmiddlewaretoken": token, "body": f"{COMMENT_TEXT}essai {n}", "parent": "", "website": "",
                    "submission_key": f"00000000-0000-4000-a000-{n:012d}"}  # fmt: skip
            response = fetch(self.stack.gunicorn_port, action, method="POST", cookies=cookies, form=form)
            if response.status != 302:
                notes.append(f"HTTP {response.status} (expected 302)")
            if response.header("X-Queries"):
                counts.append(int(response.header("X-Queries")))
        if notes:
            raise BenchError(f"The comment form is refused: {sorted(set(notes))}.")
        return f"{statistics.median(counts):g}" if counts else "?"

    def record_headers(self, response: Response) -> None:
        cookies = ", ".join(sorted(response.cookies())) or "none"
        self.notes.append(
            "anonymous post page, straight from gunicorn: "
            f"Cache-Control: {response.header('Cache-Control') or '(none)'}; "
            f"Vary: {response.header('Vary') or '(none)'}; Set-Cookie: {cookies}; "
            f"{len(response.body.encode()) // 1024} KiB"
        )
        for label, port, tls in (
            ("plain HTTP", self.stack.nginx_port, False),
            ("TLS", self.stack.nginx_tls_port, True),
        ):
            through, second = (fetch(port, f"/billets/{POST_SLUG}/", tls=tls) for _ in range(2))
            self.notes.append(
                f"nginx micro-cache on that page over {label}, two requests in a row: "
                f"{through.header('X-Cache-Status')}, {second.header('X-Cache-Status')}"
            )


def _load_notes(load, duration) -> list[str]:
    """What went wrong in a wrk run, for the table's notes."""
    notes = []
    if load.errors:
        notes.append(f"errors: {load.error_detail}" + (f" (HTTP {load.statuses})" if load.statuses else ""))
    if not load.requests:
        notes.append(f"no request completed within the {duration} s")
    return notes
