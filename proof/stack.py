"""The production stack on loopback for the proof scenarios: gunicorn, PostgreSQL, Redis.

It is built from bench/stack.py's pieces (processes, the production environment, databases,
gunicorn) with its own database (`causerie_proof`, created then dropped) and Redis database
(13), so a benchmark can run beside it; no nginx. Readers are seeded with ready sessions:
logging 50 people in through the form would itself hit the login rate limit the flood
scenario checks.
"""

import contextlib
import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import redis

from bench.client import HOST, Response, fetch
from bench.stack import (
    BenchError,
    ChildProcesses,
    create_database,
    drop_database,
    free_port,
    manage,
    postgres_cluster,
    production_env,
    psql,
    start_gunicorn,
    wait_for,
)

DB_NAME = "causerie_proof"
REDIS_DB = 13
PASSWORD = "preuve-motdepasse-42"  # noqa: S105 (throwaway accounts on a throwaway database)

# The readers and their sessions, made for a proof's seed (`SEED` here, proof/scale's own): formatted with
# `readers`, `password` and `domain`; prints the post and the sessions after "SEED" for the stack to read.
SEED_READERS = """
sessions = {{}}
for n in range({readers}):
    user = User.objects.create_user(f"lecteur{{n}}@{domain}", "{password}", display_name=f"Lecteur {{n}}",
                                    date_joined=timezone.now() - timedelta(days=30))
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    sessions[user.email] = store.session_key
print("SEED" + json.dumps({{"post": post.pk, "path": post.get_absolute_url(), "sessions": sessions}}))
"""

SEED = (
    """
import json, sys
from datetime import timedelta
from allauth.account.models import EmailAddress
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone
from accounts.models import User
from blog.models import Post
readers = int(sys.argv[-1]) if sys.argv[-1].isdigit() else {readers}
author = User.objects.create_user("auteur@proof.localhost", "{password}", display_name="Autrice")
post = Post.objects.create(title="Billet de preuve", slug="preuve", author=author, body="Un billet.",
                           status="published", published_at=timezone.now() - timedelta(days=1))
"""
    + SEED_READERS
)


def log(message: str) -> None:
    print(f"[proof {time.strftime('%H:%M:%S')}] {message}", flush=True)


@dataclass
class LoggedInReader:
    """A logged-in reader: their cookies and the CSRF token of the post page's form."""

    email: str
    cookies: dict
    token: str = ""


@dataclass
class ProofStack:
    """The proof's stack, as a context manager: up on entry (seeded: one post, `readers` logged-in
    readers), down on exit, even when starting it failed half-way."""

    env_extra: dict = field(default_factory=dict)
    readers: int = 1
    workers: int = 3
    procs: ChildProcesses = field(default_factory=ChildProcesses)
    tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="causerie-proof-")))
    port: int = 0
    env: dict = field(default_factory=dict)
    post_id: int = 0
    post_path: str = ""
    sessions: dict = field(default_factory=dict)
    redis_url: str = f"redis://{HOST}:6379/{REDIS_DB}"
    db_created: bool = False

    # Up and down ---------------------------------------------------------------------------

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self) -> None:
        redis.Redis.from_url(self.redis_url, socket_timeout=2).flushdb()
        create_database(DB_NAME)
        self.db_created = True
        self.port = free_port()
        self.env = production_env(
            settings="config.settings",
            database=DB_NAME,
            redis_url=self.redis_url,
            port=self.port,
            static_root=self.tmp / "static",
            DJANGO_TASKS_BACKEND="immediate",  # no worker here: e-mails are sent (to the console) at once
            EMAIL_URL="console://",
            GUNICORN_WORKERS=str(self.workers),
            GUNICORN_LOGLEVEL="warning",
            **self.env_extra,
        )
        log(f"migrate and collectstatic into {DB_NAME}")
        self.manage("migrate", "--noinput", timeout=600)
        self.manage("collectstatic", "--noinput", timeout=600)
        code = SEED.format(readers=self.readers, password=PASSWORD, domain="proof.localhost")
        out = self.manage("shell", "-c", code, timeout=600)
        seed = json.loads(out.split("SEED", 1)[1])
        self.post_id, self.post_path, self.sessions = seed["post"], seed["path"], seed["sessions"]
        log(f"gunicorn on {HOST}:{self.port} ({self.workers} workers)")
        start_gunicorn(
            self.procs, env=self.env, port=self.port, log_path=self.tmp / "gunicorn.log", ready_path="/healthz"
        )

    def stop(self) -> None:
        self.procs.stop_all()
        if self.db_created:
            with contextlib.suppress(BenchError, subprocess.TimeoutExpired):
                drop_database(DB_NAME)
        with contextlib.suppress(redis.RedisError):
            redis.Redis.from_url(self.redis_url, socket_timeout=2).flushdb()
        log(f"gunicorn's log: {self.tmp / 'gunicorn.log'}")

    def manage(self, *args: str, timeout: float) -> str:
        return manage(*args, env=self.env, timeout=timeout)

    def sql(self, query: str) -> str:
        return psql(query, database=DB_NAME)

    # Readers ---------------------------------------------------------------------------------

    def reader(self, n: int) -> LoggedInReader:
        email = f"lecteur{n}@proof.localhost"
        reader = LoggedInReader(email, {"sessionid": self.sessions[email]})
        self.refresh_token(reader)
        return reader

    def refresh_token(self, reader: LoggedInReader) -> None:
        page = fetch(self.port, self.post_path, cookies=reader.cookies)
        reader.cookies = page.cookies(reader.cookies)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if not found:
            raise BenchError(f"No comment form for {reader.email} (HTTP {page.status}).")
        reader.token = found.group(1)

    def comment(self, reader: LoggedInReader, body: str, key: uuid.UUID, *, timeout: float = 15) -> Response:
        form = {"csrfmiddlewaretoken": reader.token, "body": body, "submission_key": str(key), "parent": "",
                "website": ""}  # fmt: skip
        path = f"/commentaires/billets/{self.post_id}/"
        return fetch(self.port, path, method="POST", cookies=reader.cookies, form=form, timeout=timeout)


def acknowledged(response: Response) -> bool:
    """The comment form's answer to a stored comment: a redirect to the comment in the page."""
    return response.status == 302 and "#comment-" in (response.header("Location") or "")


class PacedRunner:
    """Run `job(i)` `count` times spread evenly over `seconds`, from `threads` threads; bounded in time."""

    def __init__(self, count: int, seconds: float, threads: int = 8):
        self.count, self.seconds, self.threads = count, seconds, threads

    def run(self, job) -> None:
        start = time.monotonic()
        lock, next_index = threading.Lock(), [0]

        def worker():
            while True:
                with lock:
                    i = next_index[0]
                    next_index[0] += 1
                if i >= self.count:
                    return
                delay = start + i * self.seconds / self.count - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                job(i)

        pool = [threading.Thread(target=worker, daemon=True) for _ in range(self.threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join(timeout=self.seconds + 120)


def pg_ctl(action: str) -> None:
    """Stop or start the machine's PostgreSQL cluster (the outage scenario)."""
    version, cluster = postgres_cluster()
    subprocess.run(  # noqa: S603
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, action],  # noqa: S607
        check=True,
        timeout=60,
        capture_output=True,
    )


def redis_stop() -> None:
    subprocess.run(["redis-cli", "-h", HOST, "shutdown", "nosave"], timeout=30, capture_output=True)  # noqa: S603, S607


def redis_start() -> None:
    subprocess.run(  # noqa: S603
        [shutil.which("redis-server") or "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1",
         "--port", "6379", "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
         "--logfile", "/var/log/redis/ci.log"],
        check=True, timeout=30,
    )  # fmt: skip
    wait_for(lambda: redis.Redis(host=HOST, socket_timeout=1).ping(), "redis-server", 15)
