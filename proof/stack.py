"""The production stack on loopback for the proof scenarios: gunicorn, PostgreSQL, Redis.

It reuses bench/run.py's helpers (processes, HTTP, psql) and builds its own database
(`causerie_proof`, created then dropped) and Redis database (13), so a benchmark can run
beside it. Readers are seeded with ready sessions: logging 50 people in through the form
would itself hit the login rate limit the flood scenario checks.
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import redis

from bench.run import DB_ROLE as ROLE
from bench.run import (
    HOST,
    PG_PORT,
    PYTHON,
    ROOT,
    BenchError,
    Processes,
    Response,
    environment_without_settings,
    free_port,
    psql,
    wait_for,
)
from bench.run import fetch as _fetch

DB_NAME = "causerie_proof"
REDIS_DB = 13
PASSWORD = "preuve-motdepasse-42"  # noqa: S105 (throwaway accounts on a throwaway database)
PG_VERSION_DIR = Path("/etc/postgresql")

SEED = """
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
sessions = {{}}
for n in range({readers}):
    user = User.objects.create_user(f"lecteur{{n}}@proof.localhost", "{password}", display_name=f"Lecteur {{n}}",
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


def log(message: str) -> None:
    print(f"[proof {time.strftime('%H:%M:%S')}] {message}", flush=True)


def fetch(port: int, path: str, **kwargs) -> Response:
    return _fetch(port, path, **kwargs)


@dataclass
class Reader:
    """A logged-in reader: their cookies and the CSRF token of the post page's form."""

    email: str
    cookies: dict
    token: str = ""


@dataclass
class Stack:
    env_extra: dict = field(default_factory=dict)
    readers: int = 1
    workers: int = 3
    procs: Processes = field(default_factory=Processes)
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
        psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        psql(f"CREATE DATABASE {DB_NAME}")
        self.db_created = True
        env = environment_without_settings()
        self.port = free_port()
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=f"postgres://{ROLE}@{HOST}:{PG_PORT}/{DB_NAME}",
            REDIS_URL=self.redis_url,
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_STAFF_REQUIRE_MFA="0",
            DJANGO_STATIC_ROOT=str(self.tmp / "static"),
            DJANGO_TASKS_BACKEND="immediate",  # no worker here: e-mails are sent (to the console) at once
            EMAIL_URL="console://",
            GUNICORN_BIND=f"{HOST}:{self.port}",
            GUNICORN_WORKERS=str(self.workers),
            GUNICORN_LOGLEVEL="warning",
            PYTHONUNBUFFERED="1",
            **self.env_extra,
        )
        self.env = env
        log(f"migrate and collectstatic into {DB_NAME}")
        self.manage("migrate", "--noinput", timeout=600)
        self.manage("collectstatic", "--noinput", timeout=600)
        code = SEED.format(readers=self.readers, password=PASSWORD)
        out = self.manage("shell", "-c", code, timeout=600)
        seed = json.loads(out.split("SEED", 1)[1])
        self.post_id, self.post_path, self.sessions = seed["post"], seed["path"], seed["sessions"]
        log(f"gunicorn on {HOST}:{self.port} ({self.workers} workers)")
        self.procs.start(
            "gunicorn",
            [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "config" / "gunicorn.conf.py")],
            log_path=self.tmp / "gunicorn.log",
            cwd=ROOT,
            env=self.env,
        )
        wait_for(
            lambda: self.procs.check_alive() or fetch(self.port, "/healthz", timeout=5).status == 200, "gunicorn", 60
        )

    def stop(self) -> None:
        self.procs.stop_all()
        if self.db_created:
            with contextlib.suppress(BenchError, subprocess.TimeoutExpired):
                psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        with contextlib.suppress(redis.RedisError):
            redis.Redis.from_url(self.redis_url, socket_timeout=2).flushdb()
        log(f"gunicorn's log: {self.tmp / 'gunicorn.log'}")

    def manage(self, *args: str, timeout: float) -> str:
        result = subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise BenchError(f"manage.py {args[0]} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
        return result.stdout

    def sql(self, query: str) -> str:
        return psql(query, database=DB_NAME)

    # Readers ---------------------------------------------------------------------------------

    def reader(self, n: int) -> Reader:
        email = f"lecteur{n}@proof.localhost"
        reader = Reader(email, {"sessionid": self.sessions[email]})
        self.refresh_token(reader)
        return reader

    def refresh_token(self, reader: Reader) -> None:
        page = fetch(self.port, self.post_path, cookies=reader.cookies)
        reader.cookies = page.cookies(reader.cookies)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if not found:
            raise BenchError(f"No comment form for {reader.email} (HTTP {page.status}).")
        reader.token = found.group(1)

    def comment(self, reader: Reader, body: str, key: uuid.UUID, *, timeout: float = 15) -> Response:
        form = {"csrfmiddlewaretoken": reader.token, "body": body, "submission_key": str(key), "parent": "",
                "website": ""}  # fmt: skip
        path = f"/commentaires/billets/{self.post_id}/"
        return fetch(self.port, path, method="POST", cookies=reader.cookies, form=form, timeout=timeout)


def acknowledged(response: Response) -> bool:
    """The comment form's answer to a stored comment: a redirect to the comment in the page."""
    return response.status == 302 and "#comment-" in (response.header("Location") or "")


class Paced:
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


def postgres_cluster() -> tuple[str, str]:
    version = sorted(os.listdir(PG_VERSION_DIR), key=lambda v: [int(p) for p in v.split(".")])[-1]
    return version, "main"


def pg_ctl(action: str) -> None:
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


def quote(text: str) -> str:
    return urllib.parse.quote(text, safe="")
