"""The scale proof's stack, all on 127.0.0.1 in the 18000–18999 port range, started and stopped here:

- the primary: a database of the run's own (`causerie_scale_proof`) on the machine's PostgreSQL;
- the replica: proof/scale/postgres.py's standby, read through DATABASE_REPLICA_URL;
- one Redis for both app servers: a redis-server of the run's own, so that the fault check may stop it
  without stopping the machine's (which other runs, the benchmark's among them, are using);
- two app servers: gunicorn A and B, each its own process group, port and working directory under the
  run's directory, the same release and environment (one secret key, one Redis, one database);
- one task worker (`db_worker`, its own directory too): the e-mails, printed to its log;
- nginx in front of both (proof/scale/nginx.py: docs/deploy.md's configuration).
"""

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from bench.client import HOST, fetch
from bench.stack import (
    PYTHON,
    ROOT,
    BenchError,
    ChildProcesses,
    create_database,
    drop_database,
    end_queries,
    manage,
    production_env,
    psql,
    run_command,
    wait_for,
)
from proof.scale import nginx, postgres
from proof.stack import SEED_READERS

DB_NAME = "causerie_scale_proof"
PORTS = range(18000, 19000)
PASSWORD = "preuve-echelle-motdepasse-42"  # noqa: S105 (throwaway accounts in a throwaway database)
MODERATOR = "moderatrice@scale.localhost"
# The settings the run states (and the checks read): a short micro-cache so that its lifetime can be
# measured, commenters' limits the load stays under, new accounts allowed to comment at once.
SETTINGS = {
    "BLOG_PAGE_MAX_AGE": "10",
    "BLOG_PAGE_FRONT_SECONDS": "5",
    "COMMENTS_RATE_PER_MINUTE": "6",
    "COMMENTS_RATE_PER_HOUR": "100",
    "COMMENTS_MIN_ACCOUNT_AGE_MINUTES": "0",
    "DATABASE_READ_YOUR_WRITES_SECONDS": "5",
    "DATABASE_REPLICA_MAX_LAG_SECONDS": "2",
    "DATABASE_REPLICA_CHECK_SECONDS": "1",
}

SEED = (
    """
import json
from datetime import timedelta
from allauth.account.models import EmailAddress
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from django.utils import timezone
from accounts.models import User
from blog.models import Post
from tests.factories import moderators_group
old = timezone.now() - timedelta(days=30)
author = User.objects.create_user("autrice@scale.localhost", "{password}", display_name="Autrice")
post = Post.objects.create(title="Billet à l’échelle", slug="echelle", author=author, body="Un billet.",
                           status="published", published_at=timezone.now() - timedelta(days=1))
moderator = User.objects.create_user("{moderator}", "{password}", display_name="Modératrice", is_staff=True,
                                     date_joined=old)
moderator.groups.add(moderators_group())
EmailAddress.objects.create(user=moderator, email=moderator.email, primary=True, verified=True)
"""
    + SEED_READERS
)


def log(message: str) -> None:
    print(f"[scale {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port(taken: set[int]) -> int:
    """A port of the 18000–18999 range nobody listens on (nor this run already took)."""
    for port in random.sample(PORTS, len(PORTS)):
        if port in taken:
            continue
        with socket.socket() as s, contextlib.suppress(OSError):
            s.bind((HOST, port))
            taken.add(port)
            return port
    raise BenchError("No free port between 18000 and 18999.")


@dataclass
class AppServer:
    """One gunicorn: its name, port, working directory and process (its own process group)."""

    name: str
    port: int
    workdir: Path
    proc: object = None

    @property
    def log_path(self) -> Path:
        return self.workdir / "gunicorn.log"


@dataclass
class ScaleStack:
    """The stack as a context manager: up on entry, everything down (and the primary as it was) on exit."""

    readers: int = 60
    procs: ChildProcesses = field(default_factory=ChildProcesses)
    tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="causerie-scale-")))
    taken: set = field(default_factory=set)
    env: dict = field(default_factory=dict)
    servers: list = field(default_factory=list)
    replica: postgres.Replica | None = None
    redis_port: int = 0
    nginx_port: int = 0
    figures_ports: dict = field(default_factory=dict)
    post_id: int = 0
    post_path: str = ""
    sessions: dict = field(default_factory=dict)
    undo: list = field(default_factory=list)  # what to take down, last first
    ok: bool = False
    lag_samples: list = field(default_factory=list)  # the replica's lag under check 4's load, for check 5

    def spare(self, i: int) -> int:
        """A seeded reader the load never uses (the last ten): 0–8 for single requests, 9 for the flood."""
        return self.readers - 10 + i

    def __enter__(self):
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    # Up ---------------------------------------------------------------------------------------

    def start(self) -> None:
        if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
            log("nginx is missing: installing it (bench/install-tools)")
            run_command([str(ROOT / "bench" / "install-tools")], timeout=900, what="bench/install-tools")
        self.start_redis()
        log(f"primary: the machine's PostgreSQL ({postgres.check_primary()}), database {DB_NAME}")
        create_database(DB_NAME)
        self.undo.append(lambda: (end_queries(DB_NAME), drop_database(DB_NAME)))
        self.env = self.environment()
        manage("migrate", "--noinput", env=self.env, timeout=600)
        manage("collectstatic", "--noinput", env=self.env, timeout=600)
        self.seed()
        self.start_replica()
        self.env["DATABASE_REPLICA_URL"] = f"postgres://causerie@{HOST}:{self.replica.port}/{DB_NAME}"
        for name in ("A", "B"):
            self.servers.append(AppServer(name, free_port(self.taken), self.tmp / f"app-{name}"))
            self.start_server(self.servers[-1])
        self.start_worker()
        self.start_nginx()

    def environment(self) -> dict:
        return production_env(
            settings="config.settings",
            database=DB_NAME,
            redis_url=f"redis://{HOST}:{self.redis_port}/0",
            port=0,
            static_root=self.tmp / "static",
            DJANGO_TASKS_BACKEND="database",
            EMAIL_URL="console://",
            DJANGO_RELEASE="scale-proof",
            DJANGO_TRUSTED_PROXY_COUNT="1",  # nginx in front
            GUNICORN_WORKERS="2",
            GUNICORN_THREADS="4",
            GUNICORN_LOGLEVEL="warning",
            PYTHONPATH=str(ROOT),
            **SETTINGS,
        )

    def start_redis(self) -> None:
        server = shutil.which("redis-server")
        if not server:
            raise BenchError("redis-server is not installed.")
        self.redis_port = free_port(self.taken)
        args = [server, "--bind", HOST, "--port", str(self.redis_port), "--save", "", "--appendonly", "no"]
        self.procs.start("redis", args, log_path=self.tmp / "redis.log", cwd=self.tmp)
        wait_for(lambda: self.redis().ping(), "redis-server", 15)
        log(f"Redis on {HOST}:{self.redis_port}, one for both app servers")

    def redis(self) -> redis.Redis:
        return redis.Redis(host=HOST, port=self.redis_port, socket_timeout=2)

    def seed(self) -> None:
        code = SEED.format(readers=self.readers, password=PASSWORD, moderator=MODERATOR, domain="scale.localhost")
        out = manage("shell", "-c", code, env=self.env, timeout=600)
        seed = json.loads(out.split("SEED", 1)[1])
        self.post_id, self.post_path, self.sessions = seed["post"], seed["path"], seed["sessions"]

    def start_replica(self) -> None:
        postgres.allow_replication()
        self.undo.append(postgres.disallow_replication)
        self.replica = postgres.Replica(self.tmp / "pg", free_port(self.taken))
        self.undo.append(self.replica.remove)
        took = self.replica.make()
        self.replica.start()
        log(f"replica: pg_basebackup -R in {took:.1f} s, streaming on {HOST}:{self.replica.port}")

    def start_server(self, server: AppServer) -> None:
        server.workdir.mkdir(exist_ok=True)
        env = {**self.env, "GUNICORN_BIND": f"{HOST}:{server.port}"}
        args = [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "config" / "gunicorn.conf.py")]
        server.proc = self.procs.start(
            f"gunicorn {server.name}", args, log_path=server.log_path, cwd=server.workdir, env=env
        )
        wait_for(lambda: self.procs.check_alive() or fetch(server.port, "/healthz", timeout=5).status == 200,
                 f"gunicorn {server.name}", 60)  # fmt: skip
        log(f"app server {server.name}: gunicorn on {HOST}:{server.port} (group {server.proc.pid}, {server.workdir})")

    def start_worker(self) -> None:
        workdir = self.tmp / "worker"
        workdir.mkdir()
        args = [PYTHON, str(ROOT / "manage.py"), "db_worker"]
        self.procs.start("db_worker", args, log_path=self.worker_log, cwd=workdir, env=self.env)
        log("task worker: manage.py db_worker (the e-mails, printed to its log)")

    @property
    def worker_log(self) -> Path:
        return self.tmp / "worker" / "worker.log"

    def start_nginx(self) -> None:
        self.nginx_port = free_port(self.taken)
        self.figures_ports = {"one": free_port(self.taken), "two": free_port(self.taken)}
        ports = [s.port for s in self.servers]
        args = nginx.configure(self.tmp / "nginx", port=self.nginx_port, figures=self.figures_ports, servers=ports)
        run_command([args[0], "-t", "-q", *args[1:]], timeout=30, what="nginx -t")
        self.procs.start("nginx", args, log_path=self.tmp / "nginx" / "stdout.log")
        wait_for(lambda: fetch(self.nginx_port, "/healthz", timeout=5).status == 200, "nginx", 30)
        log(f"nginx on {HOST}:{self.nginx_port}: upstream A {ports[0]} + B {ports[1]}, docs/deploy.md's micro-cache")

    # Faults ------------------------------------------------------------------------------------

    def kill_server(self, server: AppServer) -> None:
        """SIGKILL to the server's whole process group: a machine gone, requests in flight with it."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=10)
        self.procs.children = [(n, p) for n, p in self.procs.children if p is not server.proc]

    def stop_redis(self) -> None:
        with contextlib.suppress(redis.RedisError):
            self.redis().shutdown(nosave=True)
        self.procs.children = [(n, p) for n, p in self.procs.children if n != "redis" or p.poll() is None]

    def restart_redis(self) -> None:
        args = [shutil.which("redis-server"), "--bind", HOST, "--port", str(self.redis_port), "--save", "",
                "--appendonly", "no"]  # fmt: skip
        self.procs.start("redis", args, log_path=self.tmp / "redis.log", cwd=self.tmp)
        wait_for(lambda: self.redis().ping(), "redis-server", 15)

    # Down --------------------------------------------------------------------------------------

    def stop(self) -> None:
        self.procs.stop_all()
        for step in reversed(self.undo):
            try:
                step()
            except Exception as error:  # noqa: BLE001 (every other step still runs)
                log(f"clean-up step failed: {error}")
        self.undo.clear()
        if self.ok:
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            log(f"logs kept in {self.tmp}")

    # Database ----------------------------------------------------------------------------------

    def sql(self, query: str) -> str:
        return psql(query, database=DB_NAME)


def _interrupt(signum, frame):
    raise KeyboardInterrupt
