"""`make bench`: Causerie under load on loopback, measured against a static ceiling and a plain floor.

It builds the production stack on 127.0.0.1 — gunicorn with production settings,
PostgreSQL (a database of its own, `causerie_bench`, created then dropped), Redis
(database 15), nginx in front with docs/deploy.md's micro-cache — fills it with
`bench_fill`, then drives it with wrk:

    ceiling   nginx serving the post page saved as a static file
    floor     the same page from a straightforward view (bench/floor.py), same gunicorn
    home, post page       anonymous, through nginx and straight to gunicorn
    post page             logged-in reader, through nginx and straight to gunicorn
    comment submission    20 verified readers posting the form, through nginx
    admin queue           the moderator's changelist of pending comments, through nginx

and prints (and writes as Markdown, --output) requests/s, p50, p99, SQL queries per
request (the X-Queries header of bench/middleware.py, sampled straight at gunicorn),
nginx cache hits, the ratios to ceiling and floor, then the issue's targets.

Every process it starts is stopped at the end, on error and on Ctrl-C; every load goes
to 127.0.0.1; every wait is bounded. Figures, not assertions: nothing here is a test.
"""

import argparse
import contextlib
import http.client
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
DB_NAME = "causerie_bench"
DB_ROLE = "causerie"
PG_PORT = 5432
REDIS_DB = 15
SCALE = {"posts": 20, "comments_per_post": 200, "users": 200}
POST_SLUG = "bench-billet-0001"  # bench/fill.py's first post: 200 approved comments
PASSWORD = "bench-motdepasse-42"  # noqa: S105 (bench/fill.PASSWORD: bench accounts on a throwaway database)
READER = "lecteur-00001@bench.localhost"
MODERATOR = "moderateur@bench.localhost"
COMMENTERS = 20  # readers 2…21 post comments, each connection cycling over its own users
ADMIN_CONNECTIONS = 4  # a handful of moderators, not a crowd
SAMPLES = 5
SAMPLE_TIMEOUT = 180  # seconds: a plain request slower than this is noted, not awaited
BUSY = 0.15  # CPU share used by other processes above which a run is flagged
PACED = {"comment-paced"}  # scenarios whose rate the script sets: no ratio to ceiling or floor

# The targets ("Production-ready and fast").
TARGET_CEILING_SHARE = 0.5
TARGET_ANON_P99_MS = 20
TARGET_DIRECT_X_FLOOR = 20
TARGET_LOGGED_IN_X_FLOOR = 5
TARGET_COMMENT_P99_MS = 100
PACED_SECONDS = 30
PACED_DELIVERED = 0.75  # the paced run counts only if it delivered this share of its 1 POST/s per commenter


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class BenchError(Exception):
    pass


# HTTP with the standard library: no redirects followed, cookies by hand ---------------


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: str

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def cookies(self, jar: dict[str, str] | None = None) -> dict[str, str]:
        """The cookies of `jar` updated with those this response sets (an emptied one is dropped)."""
        jar = dict(jar or {})
        for k, v in self.headers:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";", 1)[0]
                if value in {"", '""'}:
                    jar.pop(name.strip(), None)
                else:
                    jar[name.strip()] = value
        return jar


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def fetch(port: int, path: str, *, method="GET", cookies=None, form=None, timeout=30) -> Response:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Host": HOST, "User-Agent": "causerie-bench"}
    if cookies:
        headers["Cookie"] = cookie_header(cookies)
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        raw = conn.getresponse()
        return Response(raw.status, raw.getheaders(), raw.read().decode("utf-8", "replace"))
    finally:
        conn.close()


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


# Processes ----------------------------------------------------------------------------


def cpu_busy(seconds: float = 3.0) -> float:
    """Share of the machine's CPU time spent working over a few seconds (from /proc/stat)."""

    def sample():
        fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields), idle

    total, idle = sample()
    time.sleep(seconds)
    total2, idle2 = sample()
    return 1 - (idle2 - idle) / max(total2 - total, 1)


def environment_without_settings() -> dict[str, str]:
    """This process's environment minus every variable the site's settings read: a stack starts clean."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "GUNICORN_", "COMMENTS_", "BLOG_", "ACCOUNTS_"))
        and k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"}
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for(check, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise BenchError(f"{what} did not come up within {timeout:.0f} s.")


class Processes:
    """The children this run started, each in its own session: stopped by their id, last first."""

    def __init__(self):
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], *, log_path: Path, **kwargs) -> subprocess.Popen:
        with open(log_path, "ab") as out:
            proc = subprocess.Popen(  # noqa: S603
                args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
            )
        self.children.append((name, proc))
        return proc

    def check_alive(self) -> None:
        for name, proc in self.children:
            if proc.poll() is not None:
                raise BenchError(f"{name} exited with code {proc.returncode}: see its log.")

    def stop_all(self) -> None:
        for name, proc in reversed(self.children):
            if proc.poll() is None:
                try:
                    proc.send_signal(signal.SIGTERM)
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    log(f"{name} did not stop within 15 s: killing its process group {proc.pid}")
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=5)
                except ProcessLookupError:
                    pass
            # Workers left behind by a master that died (its group is its own session).
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        self.children.clear()


def run(args: list[str], *, env=None, timeout: float, what: str, quiet=False) -> str:
    result = subprocess.run(  # noqa: S603
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise BenchError(f"{what} failed ({result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    if not quiet and result.stdout.strip():
        print(result.stdout.rstrip(), flush=True)
    return result.stdout


def psql(sql: str, *, database="postgres", timeout=120) -> str:
    return run(
        ["psql", "-h", HOST, "-p", str(PG_PORT), "-U", DB_ROLE, "-d", database, "-v", "ON_ERROR_STOP=1", "-qtAc", sql],
        timeout=timeout,
        what=f"psql {sql!r}",
        quiet=True,
    ).strip()


# wrk ---------------------------------------------------------------------------------


@dataclass
class Load:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx responses and socket errors
    error_detail: str
    statuses: str = ""  # from the comment script: HTTP status=count


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS_MS[unit]


def parse_wrk(output: str) -> Load:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors, details = 0, []
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(found.group(1))
        details.append(f"{found.group(1)} non-2xx/3xx")
    if found := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        counts = dict(zip(("connect", "read", "write", "timeout"), map(int, found.groups()), strict=True))
        errors += sum(counts.values())
        details += [f"{n} {kind}" for kind, n in counts.items() if n]
    statuses = re.search(r"HTTP statuses: (.*)", output)
    return Load(rps, p50, p99, requests, errors, ", ".join(details), statuses.group(1).strip() if statuses else "")


def wrk(url: str, *, connections: int, duration: int, headers=(), script: Path | None = None, timeout="10s") -> Load:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", timeout]
    for header in headers:
        args += ["-H", header]
    if script:
        args += ["-s", str(script)]
    args.append(url)
    result = subprocess.run(args, capture_output=True, text=True, timeout=duration + 60)  # noqa: S603
    output = result.stdout
    if result.returncode != 0 or result.stderr.strip():
        # wrk carries on with its default request when the script fails: nothing measured is worth keeping.
        raise BenchError(f"wrk failed ({result.returncode}): {result.stderr.strip()[:2000]}")
    try:
        return parse_wrk(output)
    except AttributeError:
        raise BenchError(f"Unreadable wrk output:\n{output}") from None


COMMENT_SCRIPT = """\
-- Generated by bench/run.py: POST the comment form as verified readers, each wrk thread
-- cycling over its own share of them (their session cookie and a CSRF token of theirs).
local users = {
%(users)s
}
local path = %(path)s
local thread_count = 0
local threads = {}
local counter = 0
statuses = {}

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 7 + (thread_id or 0))
end

local function submission_key()
  local hex = {}
  for i = 1, 32 do hex[i] = string.format("%%x", math.random(0, 15)) end
  local h = table.concat(hex)
  return h:sub(1, 8) .. "-" .. h:sub(9, 12) .. "-4" .. h:sub(14, 16) .. "-a" .. h:sub(18, 20) .. "-" .. h:sub(21, 32)
end

function request()
  counter = counter + 1
  local share = math.floor(#users / 2)
  local user = users[((counter %% share) * 2) + (thread_id or 0) + 1]
  local body = "csrfmiddlewaretoken=" .. user.token
    .. "&body=" .. %(text)s .. (thread_id or 0) .. "-" .. counter
    .. "&parent=&website=&submission_key=" .. submission_key()
  local headers = {["Cookie"] = user.cookie, ["Content-Type"] = "application/x-www-form-urlencoded"}
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

-- Milliseconds a connection waits before its next request, on average (0: none). Drawn at random
-- (exponential: arrivals as independent as real readers') so the connections do not post in bursts.
local pause_ms = %(pause_ms)d
if pause_ms > 0 then
  function delay()
    return math.floor(-math.log(1 - math.random()) * pause_ms)
  end
end

function done(summary, latency, requests)
  local total, parts = {}, {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  for status, n in pairs(total) do table.insert(parts, status .. "=" .. n) end
  table.sort(parts)
  io.write("HTTP statuses: " .. table.concat(parts, " ") .. "\\n")
end
"""


def lua_string(text: str) -> str:
    if not text.isascii():
        raise BenchError(f"Not ASCII, cannot go into the wrk script: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


COMMENT_TEXT = "Commentaire de charge : la relation client en public, vue par un lecteur attentif. Numéro "


# The run -----------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    scenario: str
    via: str
    connections: int
    load: Load
    queries: str = "—"
    cache_hits: str = "—"
    notes: list[str] = field(default_factory=list)


@dataclass
class Bench:
    options: argparse.Namespace
    tmp: Path
    procs: Processes = field(default_factory=Processes)
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    env: dict = field(default_factory=dict)
    redis_url: str = ""
    gunicorn_port: int = 0
    nginx_port: int = 0
    started_postgres: bool = False
    db_created: bool = False
    access_log_offset: int = 0
    busy_before: float = 0.0
    busy_after: float | None = None

    # Setting up -------------------------------------------------------------------

    def quiet_machine(self) -> None:
        """Figures on a busy machine are low and noisy: say how busy it was, wait a while if asked."""
        deadline = time.monotonic() + self.options.wait_idle
        busy = cpu_busy()
        while busy > BUSY and time.monotonic() < deadline:
            log(f"the machine is busy ({busy:.0%} CPU used by other processes): waiting for it to calm down")
            time.sleep(min(20, max(deadline - time.monotonic(), 0)))
            busy = cpu_busy()
        self.busy_before = busy
        if busy > BUSY:
            log(f"WARNING: {busy:.0%} of the CPU is used by other processes: the figures will be low and noisy")

    def tools(self) -> None:
        if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()) or not shutil.which("wrk"):
            log("nginx or wrk is missing: installing them (bench/install-tools)")
            run([str(ROOT / "bench" / "install-tools")], timeout=900, what="bench/install-tools")
        for tool in ("psql", "pg_isready"):
            if not shutil.which(tool):
                raise BenchError(f"{tool} is missing: install PostgreSQL's client (apt-get install postgresql-client).")

    def postgres(self) -> None:
        ready = subprocess.run(["pg_isready", "-h", HOST, "-p", str(PG_PORT), "-q"], timeout=30).returncode == 0  # noqa: S603, S607
        role = (
            ready
            and subprocess.run(  # noqa: S603
                ["psql", "-h", HOST, "-U", DB_ROLE, "-d", "postgres", "-qtAc", "SELECT 1"],  # noqa: S607
                capture_output=True,
                timeout=30,
            ).returncode
            == 0
        )
        if not (ready and role):
            log("PostgreSQL or its causerie role is missing: scripts/postgres-role")
            run([str(ROOT / "scripts" / "postgres-role")], timeout=120, what="scripts/postgres-role")
            self.started_postgres = not ready
        self.drop_database()
        psql(f"CREATE DATABASE {DB_NAME}")
        self.db_created = True

    def stop_postgres(self) -> None:
        """Stop the cluster scripts/postgres-role started for this run (it was not running before)."""
        version = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])[-1]
        log(f"stopping the PostgreSQL {version} cluster this run started")
        subprocess.run(["pg_ctlcluster", version, "main", "stop"], timeout=120)  # noqa: S603, S607

    def end_queries(self) -> None:
        """End the queries gunicorn left running in PostgreSQL (a slow page whose client is gone)."""
        psql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "  # noqa: S608 (a constant name)
            f"WHERE datname = '{DB_NAME}' AND pid <> pg_backend_pid()"
        )

    def drop_database(self) -> None:
        psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")

    def redis(self) -> None:
        url = f"redis://{HOST}:6379/{REDIS_DB}"
        try:
            redis.Redis.from_url(url, socket_timeout=2).ping()
        except redis.RedisError:
            server = shutil.which("redis-server")
            if not server:
                raise BenchError("Redis does not answer on 127.0.0.1:6379 and redis-server is not installed.") from None
            port = free_port()
            log(f"Redis does not answer on 6379: starting one on {HOST}:{port} for this run")
            self.procs.start(
                "redis",
                [server, "--bind", HOST, "--port", str(port), "--save", "", "--appendonly", "no"],
                log_path=self.tmp / "redis.log",
            )
            url = f"redis://{HOST}:{port}/{REDIS_DB}"
            wait_for(lambda: redis.Redis.from_url(url, socket_timeout=1).ping(), "redis-server", 15)
        redis.Redis.from_url(url).flushdb()  # the bench's own database: cached pages, rate counters
        self.redis_url = url

    def django_env(self) -> None:
        env = environment_without_settings()
        self.gunicorn_port = free_port()
        env.update(
            # Production settings: DJANGO_DEBUG unset, a random secret key.
            DJANGO_SETTINGS_MODULE="bench.settings",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=f"postgres://{DB_ROLE}@{HOST}:{PG_PORT}/{DB_NAME}",
            REDIS_URL=self.redis_url,
            # Plain HTTP on loopback: no TLS in front, so no redirect to https.
            DJANGO_SECURE_SSL_REDIRECT="0",
            # nginx is the one proxy of ours in front (X-Forwarded-For).
            DJANGO_TRUSTED_PROXY_COUNT="1",
            # 20 readers post as fast as they can: the per-author limits would refuse them (HTTP 429).
            COMMENTS_RATE_PER_MINUTE="1000000",
            COMMENTS_RATE_PER_HOUR="1000000",
            # The bench's moderator logs in with a password alone: the admin would otherwise send it to
            # set up an authenticator first (accounts/middleware.py, on by default in production).
            DJANGO_STAFF_REQUIRE_MFA="0",
            # collectstatic writes into the run's directory, not into the working tree.
            DJANGO_STATIC_ROOT=str(self.tmp / "static"),
            GUNICORN_BIND=f"{HOST}:{self.gunicorn_port}",
            PYTHONUNBUFFERED="1",
        )
        self.env = env

    def manage(self, *args: str, timeout: float, quiet=True) -> str:
        return run(
            [PYTHON, "manage.py", *args], env=self.env, timeout=timeout, what=f"manage.py {args[0]}", quiet=quiet
        )

    def prepare_database(self) -> None:
        log("migrate")
        self.manage("migrate", "--noinput", timeout=600)
        log("collectstatic")
        self.manage("collectstatic", "--noinput", timeout=600)
        scale = [f"--{k.replace('_', '-')}={v}" for k, v in SCALE.items()]
        extra = ["--queue-million"] if self.options.queue_million else []
        log("bench_fill " + " ".join(scale + extra))
        self.manage("bench_fill", *scale, *extra, "--i-know", timeout=3600, quiet=False)
        # Planner statistics, as autovacuum would have them on a live site.
        psql("ANALYZE", database=DB_NAME, timeout=600)

    def gunicorn(self) -> None:
        conf = ROOT / "config" / "gunicorn.conf.py"
        if conf.exists():
            args = [PYTHON, "-m", "gunicorn", "-c", str(conf)]
            self.notes.append(f"gunicorn: config/gunicorn.conf.py, bound to {HOST}:{self.gunicorn_port}")
        else:
            workers = (os.cpu_count() or 1) * 2 + 1
            args = [
                PYTHON, "-m", "gunicorn", "config.wsgi:application",
                "--bind", f"{HOST}:{self.gunicorn_port}",
                "--workers", str(workers), "--worker-class", "gthread", "--threads", "4", "--keep-alive", "5",
            ]  # fmt: skip
            self.notes.append(f"gunicorn: no config/gunicorn.conf.py; {workers} gthread workers × 4 threads")
        log(f"gunicorn on {HOST}:{self.gunicorn_port}")
        self.procs.start("gunicorn", args, log_path=self.tmp / "gunicorn.log", cwd=ROOT, env=self.env)
        wait_for(
            lambda: self.procs.check_alive() or fetch(self.gunicorn_port, "/", timeout=5).status == 200, "gunicorn", 60
        )

    def nginx(self) -> None:
        self.nginx_port = free_port()
        www = self.tmp / "www"
        www.mkdir()
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "cache"):
            (self.tmp / "nginx" / name).mkdir(parents=True)
        user = ""
        if os.geteuid() == 0:
            # Run by root, nginx's workers drop to an unprivileged user, who must reach the run's files.
            name = next((n for n in ("www-data", "nobody") if _user_exists(n)), "nobody")
            user = f"user {name};"
            self.tmp.chmod(0o755)
            for path in (self.tmp / "nginx").iterdir():
                shutil.chown(path, user=name)
        conf = self.tmp / "nginx" / "nginx.conf"
        conf.write_text(
            NGINX_CONF % {"tmp": self.tmp, "port": self.nginx_port, "app": self.gunicorn_port, "user": user}
        )
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        run([binary, "-t", "-q", "-p", str(self.tmp / "nginx"), "-e", str(self.tmp / "nginx" / "error.log"),
             "-c", str(conf)], timeout=30, what="nginx -t")  # fmt: skip
        log(f"nginx on {HOST}:{self.nginx_port} (docs/deploy.md's micro-cache)")
        self.procs.start(
            "nginx",
            [binary, "-p", str(self.tmp / "nginx"), "-e", str(self.tmp / "nginx" / "error.log"), "-c", str(conf)],
            log_path=self.tmp / "nginx" / "stdout.log",
        )
        wait_for(lambda: self.procs.check_alive() or fetch(self.nginx_port, "/", timeout=5).status == 200, "nginx", 30)

    # Measuring ----------------------------------------------------------------------

    def cache_hits(self) -> str:
        """How nginx's cache answered the requests logged since the last call: "MISS 100 %", "HIT 97 %, …"."""
        path = self.tmp / "nginx" / "access.log"
        with open(path, "rb") as f:
            f.seek(self.access_log_offset)
            statuses = [s for s in f.read().decode().split() if s != "-"]  # "-": not through the cache
            self.access_log_offset = f.tell()
        if not statuses:
            return "—"
        counts = Counter(statuses).most_common()
        return ", ".join(
            f"{status} {100 * n / len(statuses):.0f} %" for status, n in counts if n / len(statuses) >= 0.01
        )

    def sample(self, path: str, *, cookies=None, expect=200) -> tuple[str, list[str]]:
        """Median X-Queries of a few plain requests straight to gunicorn, and what looked wrong.

        A page that takes more than 10 s is sampled once (it also waits behind the requests wrk left
        in flight); one that takes more than SAMPLE_TIMEOUT is noted and not counted.
        """
        counts, notes = [], []
        for _ in range(SAMPLES):
            started = time.monotonic()
            try:
                response = fetch(self.gunicorn_port, path, cookies=cookies, timeout=SAMPLE_TIMEOUT)
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

    def measure(self, key, scenario, *, via, path, connections=32, cookies=None, script=None, timeout="10s",
                queries=None, duration=None) -> Row:  # fmt: skip
        port = self.nginx_port if via == "nginx" else self.gunicorn_port
        url = f"http://{HOST}:{port}{path}"
        headers = [f"Cookie: {cookie_header(cookies)}"] if cookies else []
        duration = duration or self.options.duration
        if script is None and self.options.warmup and duration == self.options.duration:
            wrk(url, connections=connections, duration=self.options.warmup, headers=headers, timeout=timeout)
        self.cache_hits()  # forget the warm-up's log lines
        log(f"{scenario} — via {via}, {connections} connections, {duration} s")
        load = wrk(url, connections=connections, duration=duration, headers=headers, script=script, timeout=timeout)
        self.procs.check_alive()
        hits = self.cache_hits() if via == "nginx" else "—"
        if queries is None:
            queries, notes = self.sample(path, cookies=cookies) if key != "ceiling" else ("—", [])
        else:
            queries, notes = queries
        if load.errors:
            notes.append(f"errors: {load.error_detail}" + (f" (HTTP {load.statuses})" if load.statuses else ""))
        if not load.requests:
            notes.append(f"no request completed within the {duration} s")
        row = Row(key, scenario, via, connections, load, queries, hits, notes)
        self.rows.append(row)
        log(
            f"  {load.requests_per_s:,.1f} req/s, p50 {load.p50_ms:.2f} ms, p99 {load.p99_ms:.2f} ms, "
            f"{queries} queries, nginx cache: {hits}" + (f" — {'; '.join(notes)}" if notes else "")
        )
        return row

    def scenarios(self) -> None:
        post_path = f"/billets/{POST_SLUG}/"
        anonymous = fetch(self.gunicorn_port, post_path)
        if anonymous.status != 200 or anonymous.body.count(' id="comment-') != SCALE["comments_per_post"]:
            raise BenchError(f"The bench post page is not what bench_fill made (HTTP {anonymous.status}).")
        self.record_headers(anonymous)
        (self.tmp / "www" / "post.html").write_text(anonymous.body)

        self.measure("ceiling", "ceiling: the post page as a static file", via="nginx", path="/bench-static/post.html")
        self.measure(
            "floor", "floor: straightforward view, no cache", via="gunicorn", path=f"/bench-floor/{POST_SLUG}/"
        )
        for via in ("nginx", "gunicorn"):
            self.measure(f"home-{via}", "home, anonymous", via=via, path="/")
        for via in ("nginx", "gunicorn"):
            self.measure(f"post-{via}", "post (200 comments), anonymous", via=via, path=post_path)

        log(f"logging in: a reader, the moderator and {COMMENTERS} commenters (PBKDF2: a second or so each)")
        emails = [READER, MODERATOR, *(f"lecteur-{n:05d}@bench.localhost" for n in range(2, 2 + COMMENTERS))]
        with ThreadPoolExecutor(max_workers=4) as pool:
            sessions = dict(zip(emails, pool.map(lambda e: log_in(self.gunicorn_port, e), emails), strict=True))

        for via in ("nginx", "gunicorn"):
            self.measure(
                f"reader-{via}", "post (200 comments), logged-in reader", via=via, path=post_path,
                cookies=sessions[READER],
            )  # fmt: skip
        self.comment_submission(post_path, [sessions[e] for e in emails[2:]])
        self.measure(
            "admin",
            "admin queue (pending comments), moderator"
            + (" — 1,000,000 pending" if self.options.queue_million else ""),
            via="nginx",
            path="/admin/comments/comment/",
            connections=ADMIN_CONNECTIONS,
            cookies=sessions[MODERATOR],
            timeout="60s",
            # Long enough for a slow page to come back, if only as nginx's 504 after proxy_read_timeout (35 s).
            duration=max(self.options.duration, 45) if self.options.queue_million else None,
        )

    def comment_submission(self, post_path: str, sessions: list[dict]) -> None:
        users, action = [], None
        for cookies in sessions:
            page = fetch(self.gunicorn_port, post_path, cookies=cookies)
            cookies = page.cookies(cookies)
            form_tag = re.search(r'<form[^>]*class="comment-form"[^>]*>', page.body)
            found = form_tag and re.search(r'action="([^"]+)"', form_tag.group(0))
            if not found:
                raise BenchError("No comment form on the post page for a verified reader.")
            action = found.group(1)
            users.append((cookies, csrf_field(page.body)))
        # A few plain submissions first: they must be accepted (302), and say how many queries one costs.
        counts, notes = [], []
        for n, (cookies, token) in enumerate(users[:SAMPLES]):
            form = {"csrfmiddlewaretoken": token, "body": f"{COMMENT_TEXT}essai {n}", "parent": "", "website": "",
                    "submission_key": f"00000000-0000-4000-a000-{n:012d}"}  # fmt: skip
            response = fetch(self.gunicorn_port, action, method="POST", cookies=cookies, form=form)
            if response.status != 302:
                notes.append(f"HTTP {response.status} (expected 302)")
            if response.header("X-Queries"):
                counts.append(int(response.header("X-Queries")))
        if notes:
            raise BenchError(f"The comment form is refused: {sorted(set(notes))}.")
        lua_users = ",\n".join(
            f"  {{cookie = {lua_string(cookie_header(cookies))}, token = {lua_string(token)}}}"
            for cookies, token in users
        )
        queries = f"{statistics.median(counts):g}" if counts else "?"
        # Flat out (each connection posts again as soon as it is answered): what the machine can take,
        # its p99 set by the queue (20 connections over the POSTs a second); then paced, the issue's
        # target: 20 commenters each posting once a second on average (the site allows 3 a minute).
        for key, scenario, pause_ms, duration in (
            ("comment", "comment submission (POST, verified readers), flat out", 0, None),
            # A p99 wants samples: at least PACED_SECONDS of ~20 POST/s (600 answers at 30 s).
            (
                "comment-paced",
                f"comment submission, paced: {COMMENTERS} readers × ~1 POST/s",
                1000,
                max(self.options.duration, PACED_SECONDS),
            ),
        ):
            script = self.tmp / f"{key}.lua"
            script.write_text(
                COMMENT_SCRIPT
                % {
                    "users": lua_users,
                    "path": lua_string(action),
                    "text": lua_string(urllib.parse.quote_plus(COMMENT_TEXT)),
                    "pause_ms": pause_ms,
                }
            )
            self.measure(
                key,
                scenario,
                via="nginx",
                path=action,
                connections=COMMENTERS,
                script=script,
                queries=(queries, []),
                duration=duration,
            )

    def record_headers(self, response: Response) -> None:
        cookies = ", ".join(sorted(response.cookies())) or "none"
        self.notes.append(
            "anonymous post page, straight from gunicorn: "
            f"Cache-Control: {response.header('Cache-Control') or '(none)'}; "
            f"Vary: {response.header('Vary') or '(none)'}; Set-Cookie: {cookies}; "
            f"{len(response.body.encode()) // 1024} KiB"
        )
        through = fetch(self.nginx_port, f"/billets/{POST_SLUG}/")
        second = fetch(self.nginx_port, f"/billets/{POST_SLUG}/")
        self.notes.append(
            f"nginx micro-cache on that page, two requests in a row: {through.header('X-Cache-Status')}, "
            f"{second.header('X-Cache-Status')}"
        )

    # Reporting ----------------------------------------------------------------------

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)

    def targets(self) -> list[tuple[str, str, bool]]:
        ceiling, floor = self.row("ceiling").load, self.row("floor").load
        post, direct = self.row("post-nginx"), self.row("post-gunicorn")
        reader, flat, paced = self.row("reader-gunicorn"), self.row("comment"), self.row("comment-paced")

        def clean(row: Row) -> bool:
            return row.load.errors == 0

        def over(a: float, b: float) -> float:  # a reference that completed nothing (a swamped machine) is no basis
            return a / b if b else float("nan")

        share = over(post.load.requests_per_s, ceiling.requests_per_s)
        return [
            (
                f"anonymous post page through nginx ≥ {TARGET_CEILING_SHARE:.0%} of the static ceiling, "
                f"p99 < {TARGET_ANON_P99_MS} ms at 32 connections",
                f"{share:.1%} of the ceiling, p99 {post.load.p99_ms:.1f} ms",
                clean(post) and share >= TARGET_CEILING_SHARE and post.load.p99_ms < TARGET_ANON_P99_MS,  # NaN: False
            ),
            (
                f"anonymous post page straight to gunicorn ≥ {TARGET_DIRECT_X_FLOOR}× the floor",
                f"{over(direct.load.requests_per_s, floor.requests_per_s):.1f}×",
                clean(direct)
                and bool(floor.requests_per_s)
                and direct.load.requests_per_s >= TARGET_DIRECT_X_FLOOR * floor.requests_per_s,
            ),
            (
                f"logged-in reader (straight to gunicorn) ≥ {TARGET_LOGGED_IN_X_FLOOR}× the floor",
                f"{over(reader.load.requests_per_s, floor.requests_per_s):.1f}×",
                clean(reader)
                and bool(floor.requests_per_s)
                and reader.load.requests_per_s >= TARGET_LOGGED_IN_X_FLOOR * floor.requests_per_s,
            ),
            (
                f"comment submission p99 < {TARGET_COMMENT_P99_MS} ms at {COMMENTERS} concurrent commenters "
                f"(each posting about once a second, {COMMENTERS} times the site's limit of 3 a minute)",
                f"p99 {paced.load.p99_ms:.1f} ms at {paced.load.requests_per_s:.1f} POST/s; "
                f"flat out ({COMMENTERS} connections, no pause): p99 {flat.load.p99_ms:.1f} ms at "
                f"{flat.load.requests_per_s:.1f} POST/s, where the queue alone is "
                f"{over(COMMENTERS * 1000, flat.load.requests_per_s):.0f} ms a request",
                # The commenters must really have posted at that pace: a stalled run is no evidence.
                clean(paced)
                and paced.load.requests_per_s >= PACED_DELIVERED * COMMENTERS
                and paced.load.p99_ms < TARGET_COMMENT_P99_MS,
            ),
        ]

    def table(self) -> list[list[str]]:
        ceiling, floor = self.row("ceiling").load.requests_per_s, self.row("floor").load.requests_per_s
        lines = []
        for r in self.rows:
            rps = r.load.requests_per_s
            lines.append(
                [
                    r.scenario,
                    r.via,
                    str(r.connections),
                    f"{rps:,.0f}" if rps >= 100 else f"{rps:,.1f}",
                    f"{r.load.p50_ms:.2f} ms" if r.load.requests else "—",
                    f"{r.load.p99_ms:.2f} ms" if r.load.requests else "—",
                    r.queries,
                    r.cache_hits,
                    f"{rps / ceiling:.3f}" if r.key not in PACED and ceiling else "—",
                    f"{rps / floor:.1f}×" if r.key not in PACED and floor else "—",
                    "; ".join(r.notes) or "",
                ]
            )
        return lines

    HEADER = ["scenario", "via", "conn.", "req/s", "p50", "p99", "queries/req", "nginx cache", "× ceiling",
              "× floor", "notes"]  # fmt: skip

    def print_report(self) -> None:
        rows = [self.HEADER, *self.table()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(self.HEADER))]
        print()
        for n, row in enumerate(rows):
            print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                print("  ".join("-" * w for w in widths))
        if max(self.busy_before, self.busy_after or 0) > BUSY:
            print(
                f"\nWARNING: other processes used {self.busy_before:.0%} of the CPU before the run and "
                f"{self.busy_after or 0:.0%} after it: the figures are low and noisy."
            )
        print("\nTargets (issue « Production-ready and fast »):")
        for target, measured, met in self.targets():
            print(f"  [{'met' if met else 'MISSED'}] {target}: {measured}")
        print()

    def markdown(self, started: datetime, elapsed: float) -> str:
        info = environment()
        out = [
            f"# Benchmark run of {started:%Y-%m-%d %H:%M} ({started.astimezone().tzname()})",
            "",
            f"- git: {info['git']}",
            f"- machine: {info['machine']}",
            f"- versions: {info['versions']}",
            f"- data: {SCALE['posts']} posts × {SCALE['comments_per_post']} approved comments (threaded), "
            f"{SCALE['users']} readers, 200 pending comments"
            + (", then 1,000,000 pending in the queue" if self.options.queue_million else ""),
            f"- load: `wrk -t2 -c<conn.> -d{self.options.duration}s --latency` from the same machine, after a "
            f"{self.options.warmup} s warm-up (none before the comment submissions); whole run {elapsed / 60:.1f} min",
            f"- other processes: {self.busy_before:.0%} of the CPU busy just before the run, "
            + (f"{self.busy_after:.0%} just after it" if self.busy_after is not None else "not measured after it")
            + (
                f" — **above {BUSY:.0%}: the machine was shared, figures are low and noisy**"
                if max(self.busy_before, self.busy_after or 0) > BUSY
                else ""
            ),
            *(f"- {note}" for note in self.notes),
            "",
            "| " + " | ".join(self.HEADER) + " |",
            "|" + "|".join("---" for _ in self.HEADER) + "|",
            *("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in self.table()),
            "",
            "queries/req: median of the `X-Queries` header over a few plain requests straight to gunicorn "
            "(for the comment submissions: a few plain POSTs). nginx cache: how nginx's micro-cache answered "
            "the measured requests (`$upstream_cache_status`: HIT, MISS, BYPASS for a session cookie, "
            "EXPIRED, STALE, UPDATING).",
            "",
            "## Targets",
            "",
            "| target | measured | met |",
            "|---|---|---|",
            *(f"| {t} | {m} | {'yes' if ok else '**no**'} |" for t, m, ok in self.targets()),
            "",
        ]
        return "\n".join(out)


NGINX_CONF = """\
# Generated by bench/run.py for one run: loopback only, its own pid, logs and cache.
# The `location /` is docs/deploy.md's (section 4), without TLS.
daemon off;
%(user)s
worker_processes auto;
pid %(tmp)s/nginx/nginx.pid;
error_log %(tmp)s/nginx/error.log warn;

events {
    worker_connections 1024;
}

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    server_tokens off;

    client_body_temp_path %(tmp)s/nginx/client_body;
    proxy_temp_path %(tmp)s/nginx/proxy;
    fastcgi_temp_path %(tmp)s/nginx/fastcgi;
    uwsgi_temp_path %(tmp)s/nginx/uwsgi;
    scgi_temp_path %(tmp)s/nginx/scgi;

    # One field a request: how the micro-cache answered ("-" for the static file).
    log_format cache_status "$upstream_cache_status";
    access_log %(tmp)s/nginx/access.log cache_status;

    upstream causerie {
        server 127.0.0.1:%(app)s;
        keepalive 16;
    }

    # The micro-cache: what the app marks cacheable, for as long as it says (no proxy_cache_valid;
    # only Vary ignored: a response that is private, no-cache or sets a cookie is never stored).
    proxy_cache_path %(tmp)s/nginx/cache levels=1:2 keys_zone=causerie:10m max_size=200m inactive=10m
                     use_temp_path=off;

    # Compress what the app and WhiteNoise send uncompressed (the pages; WhiteNoise already has
    # .gz files of the static ones). The cache keeps one plain copy; nginx compresses each answer.
    gzip on;
    gzip_proxied any;
    gzip_comp_level 4;
    gzip_min_length 1024;
    gzip_vary on;
    gzip_types text/css application/javascript application/json application/xml application/rss+xml
               application/atom+xml image/svg+xml;

    # A logged-in reader or moderator carries Django's session cookie, and a visitor with a message to
    # read (« vous êtes déconnecté ») its `messages` cookie: never the cache for them. Any other cookie
    # (csrftoken from a login form, a statistics cookie) does not change the page: the cache serves it.
    map $http_cookie $causerie_session {
        default 0;
        "~(^|;)\\s*(sessionid|messages)=" 1;
    }

    server {
        listen 127.0.0.1:%(port)s;
        server_name 127.0.0.1 localhost;
        client_max_body_size 10m;

        # The ceiling: the post page saved as a file.
        location = /bench-static/post.html {
            alias %(tmp)s/www/post.html;
            default_type "text/html; charset=utf-8";
        }

        location / {
            proxy_pass http://causerie;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 35s;
            proxy_buffers 32 8k;

            proxy_cache causerie;
            proxy_cache_key $scheme$host$request_uri;
            proxy_cache_bypass $causerie_session;
            proxy_no_cache $causerie_session;
            # The app marks public only what is the same for every request that reaches here (no session,
            # no message; the language is in the URL): its `Vary: Cookie, Accept-Language` is for browsers
            # and shared caches, and would make this one keep a copy per cookie header.
            proxy_ignore_headers Vary;
            proxy_cache_revalidate on;          # refresh with If-None-Match / If-Modified-Since: a 304 is cheap
            proxy_cache_lock on;                # one request fills an entry, the others wait for it…
            proxy_cache_lock_timeout 1s;        # …a second at most, then go to the app (uncached)
            proxy_cache_lock_age 2s;            # and a fill that takes longer lets another request try
            proxy_cache_background_update on;   # an expired page is refreshed behind the stale copy
            proxy_cache_use_stale updating error timeout http_500 http_502 http_503 http_504;
            add_header X-Cache-Status $upstream_cache_status always;
        }
    }
}
"""


# The bench's own files: their changes are not what a run measures.
BENCH_FILES = ("bench/", "docs/performance.md", "tests/bench/")


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def command_output(args: list[str]) -> str:
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=30)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (result.stdout + result.stderr).strip()


def environment() -> dict[str, str]:
    commit = command_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    status = subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=all"],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout
    changed = [line[3:] for line in status.splitlines() if line[3:] and not line[3:].startswith(BENCH_FILES)]
    git = f"`{commit}`" + (
        f" with uncommitted changes in {', '.join(f'`{c}`' for c in changed)}" if changed else ", clean working tree"
    )
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        "?",
    )  # fmt: skip
    memory = command_output(["free", "-h"]).splitlines()
    total = memory[1].split()[1] if len(memory) > 1 else "?"
    nginx = command_output([shutil.which("nginx") or "/usr/sbin/nginx", "-v"]).split("/")[-1]
    postgres = command_output(
        ["psql", "-h", HOST, "-U", DB_ROLE, "-d", "postgres", "-qtAc", "SHOW server_version"]
    ).split()[0]
    redis = command_output(["redis-cli", "-h", HOST, "INFO", "server"])
    redis_version = re.search(r"redis_version:(\S+)", redis)
    wrk_version = re.search(r"wrk (\S+)", command_output(["wrk", "--version"]))
    versions = ", ".join(
        [
            f"Python {sys.version.split()[0]}",
            f"Django {metadata.version('django')}",
            f"gunicorn {metadata.version('gunicorn')}",
            f"nginx {nginx}",
            f"PostgreSQL {postgres}",
            f"Redis {redis_version.group(1) if redis_version else '?'}",
            f"wrk {wrk_version.group(1) if wrk_version else '?'}",
        ]
    )
    return {
        "git": git,
        "machine": f"{command_output(['nproc'])} cores (`nproc`), {total} memory (`free -h`), {cpu}, "
        f"Linux {os.uname().release}",
        "versions": versions,
    }


def interrupted(signum, frame):
    """A polite stop (kill <pid>) goes through the same clean-up as Ctrl-C."""
    raise KeyboardInterrupt


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per scenario (10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each measure (2; 0: none)")
    parser.add_argument(
        "--queue-million", action="store_true", help="fill 1,000,000 pending comments first (about three minutes more)"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "last-run.md", help="Markdown report")
    parser.add_argument(
        "--wait-idle",
        type=int,
        default=0,
        help=f"wait up to this many seconds for other processes to use less than {BUSY * 100:.0f} %% of the CPU (0)",
    )
    parser.add_argument("--keep", action="store_true", help=f"keep the {DB_NAME} database (and the run's files)")
    options = parser.parse_args(argv)
    if not (1 <= options.duration <= 600 and 0 <= options.warmup <= 60 and 0 <= options.wait_idle <= 3600):
        parser.error("--duration is 1 to 600 seconds, --warmup 0 to 60, --wait-idle 0 to 3600.")

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)  # even when started in the background, where it is ignored
    started, clock = datetime.now().astimezone(), time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="causerie-bench-"))
    bench = Bench(options, tmp)
    failed = True
    try:
        bench.quiet_machine()
        bench.tools()
        bench.postgres()
        bench.redis()
        bench.django_env()
        bench.prepare_database()
        bench.gunicorn()
        bench.nginx()
        bench.scenarios()
        bench.procs.stop_all()
        bench.end_queries()
        bench.busy_after = cpu_busy()  # with our processes stopped: what else was running
        bench.print_report()
        options.output.write_text(bench.markdown(started, time.monotonic() - clock))
        log(f"report written to {options.output}")
        failed = False
    except KeyboardInterrupt:
        log("interrupted: stopping everything this run started")
    except (BenchError, subprocess.TimeoutExpired, OSError, http.client.HTTPException) as error:
        log(f"failed: {error!r}")
    finally:
        bench.procs.stop_all()
        if bench.db_created:
            with contextlib.suppress(BenchError, subprocess.TimeoutExpired):
                bench.end_queries()
        if bench.db_created and not options.keep:
            try:
                bench.drop_database()
            except (BenchError, subprocess.TimeoutExpired) as error:
                log(f"could not drop {DB_NAME}: {error}")
        if bench.redis_url:
            try:
                redis.Redis.from_url(bench.redis_url, socket_timeout=2).flushdb()
            except Exception as error:  # noqa: BLE001 (best effort: the run is over)
                log(f"could not empty Redis database {REDIS_DB}: {error}")
        if bench.started_postgres:
            bench.stop_postgres()
        errors = any(row.load.errors for row in bench.rows)
        if failed or options.keep or errors:
            log(
                f"logs and generated files kept in {tmp}"
                + (" (some requests failed: see gunicorn.log)" if errors else "")
            )
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
