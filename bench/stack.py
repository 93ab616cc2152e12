"""The production stack on loopback, for the benchmark (bench/run.py) and the proof scenarios (proof/).

gunicorn with production settings, a PostgreSQL database of the caller's (created, then dropped)
on the machine's server, a Redis database number of the caller's, and for the benchmark nginx in
front (bench/nginx.py). Every process started here is a child in its own session, stopped by its
id; every wait is bounded.

    ChildProcesses              the children a run started, stopped last first
    run_command, psql, manage   a command that must succeed
    create_database …           a database of one's own on the machine's PostgreSQL
    production_env              the environment gunicorn and manage.py run with
    start_gunicorn              gunicorn, waited for
    BenchStack                  the benchmark's stack: what it started, and taking it down
"""

import contextlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from bench import nginx
from bench.client import HOST, fetch

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DB_ROLE = "causerie"
PG_PORT = 5432
PG_VERSION_DIR = Path("/etc/postgresql")
BENCH_DB_NAME = "causerie_bench"
BENCH_REDIS_DB = 15


class BenchError(Exception):
    """A step of the stack or of a measure failed: the run stops, and cleans up what it started."""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def environment_without_settings() -> dict[str, str]:
    """This process's environment minus every variable the site's settings read: a stack starts clean."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "GUNICORN_", "COMMENTS_", "BLOG_", "ACCOUNTS_"))
        and k not in {"REDIS_URL", "EMAIL_URL"}
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


class ChildProcesses:
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


# Commands that must succeed -------------------------------------------------------------


def run_command(args: list[str], *, env=None, timeout: float, what: str, quiet=False) -> str:
    result = subprocess.run(  # noqa: S603
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise BenchError(f"{what} failed ({result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    if not quiet and result.stdout.strip():
        print(result.stdout.rstrip(), flush=True)
    return result.stdout


def psql(sql: str, *, database="postgres", timeout=120) -> str:
    return run_command(
        ["psql", "-h", HOST, "-p", str(PG_PORT), "-U", DB_ROLE, "-d", database, "-v", "ON_ERROR_STOP=1", "-qtAc", sql],
        timeout=timeout,
        what=f"psql {sql!r}",
        quiet=True,
    ).strip()


def manage(*args: str, env: dict, timeout: float, quiet=True) -> str:
    """`manage.py <args>` in the stack's environment; its output (printed too unless `quiet`)."""
    return run_command([PYTHON, "manage.py", *args], env=env, timeout=timeout, what=f"manage.py {args[0]}", quiet=quiet)


# PostgreSQL -----------------------------------------------------------------------------


def postgres_cluster() -> tuple[str, str]:
    """The machine's PostgreSQL cluster (its newest version, `main`), for pg_ctlcluster."""
    version = sorted(os.listdir(PG_VERSION_DIR), key=lambda v: [int(p) for p in v.split(".")])[-1]
    return version, "main"


def create_database(name: str) -> None:
    """A fresh, empty database `name` (an earlier one of that name is dropped first)."""
    drop_database(name)
    psql(f"CREATE DATABASE {name}")


def drop_database(name: str) -> None:
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def end_queries(name: str) -> None:
    """End the queries gunicorn left running in database `name` (a slow page whose client is gone)."""
    psql(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "  # noqa: S608 (a constant name)
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )


# gunicorn -------------------------------------------------------------------------------


def production_env(*, settings: str, database: str, redis_url: str, port: int, static_root: Path, **extra) -> dict:
    """The environment of the site under production settings (DJANGO_DEBUG unset), on loopback."""
    return {
        **environment_without_settings(),
        "DJANGO_SETTINGS_MODULE": settings,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://{DB_ROLE}@{HOST}:{PG_PORT}/{database}",
        "REDIS_URL": redis_url,
        # Plain HTTP on loopback: no TLS in front, so no redirect to https.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # Staff log in with a password alone: the admin would otherwise send them to set up an
        # authenticator first (accounts/middleware.py, on by default in production).
        "DJANGO_STAFF_REQUIRE_MFA": "0",
        # collectstatic writes into the run's directory, not into the working tree.
        "DJANGO_STATIC_ROOT": str(static_root),
        "GUNICORN_BIND": f"{HOST}:{port}",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def start_gunicorn(procs: ChildProcesses, *, env: dict, port: int, log_path: Path, ready_path="/") -> str:
    """Start gunicorn (config/gunicorn.conf.py) and wait until `ready_path` answers 200; say how it runs."""
    conf = ROOT / "config" / "gunicorn.conf.py"
    if conf.exists():
        args = [PYTHON, "-m", "gunicorn", "-c", str(conf)]
        how = f"gunicorn: config/gunicorn.conf.py, bound to {HOST}:{port}"
    else:
        workers = (os.cpu_count() or 1) * 2 + 1
        args = [
            PYTHON, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"{HOST}:{port}",
            "--workers", str(workers), "--worker-class", "gthread", "--threads", "4", "--keep-alive", "5",
        ]  # fmt: skip
        how = f"gunicorn: no config/gunicorn.conf.py; {workers} gthread workers × 4 threads"
    procs.start("gunicorn", args, log_path=log_path, cwd=ROOT, env=env)
    wait_for(lambda: procs.check_alive() or fetch(port, ready_path, timeout=5).status == 200, "gunicorn", 60)
    return how


# The benchmark's stack ------------------------------------------------------------------


@dataclass
class BenchStack:
    """The benchmark's stack in the run's directory `tmp`: PostgreSQL (its own database), Redis
    (database 15, or a server of its own when the machine's does not answer), gunicorn under
    bench.settings, nginx in front: Debian's stock nginx.conf with deploy/nginx/causerie.conf."""

    tmp: Path
    procs: ChildProcesses = field(default_factory=ChildProcesses)
    notes: list[str] = field(default_factory=list)  # how it ran, for the report
    env: dict = field(default_factory=dict)
    redis_url: str = ""
    gunicorn_port: int = 0
    nginx_port: int = 0
    nginx_tls_port: int = 0
    started_postgres: bool = False
    db_created: bool = False

    def set_up(self) -> None:
        """Tools, PostgreSQL and its database, Redis, the settings' environment: all but the servers."""
        self.check_tools()
        self.start_postgres()
        self.start_redis()
        self.gunicorn_port = free_port()
        self.env = production_env(
            settings="bench.settings",
            database=BENCH_DB_NAME,
            redis_url=self.redis_url,
            port=self.gunicorn_port,
            static_root=self.tmp / "static",
            # nginx is the one proxy of ours in front (X-Forwarded-For).
            DJANGO_TRUSTED_PROXY_COUNT="1",
            # 20 readers post as fast as they can: the per-author limits would refuse them (HTTP 429).
            COMMENTS_RATE_PER_MINUTE="1000000",
            COMMENTS_RATE_PER_HOUR="1000000",
        )

    def check_tools(self) -> None:
        nginx_found = shutil.which("nginx") or Path("/usr/sbin/nginx").exists()
        if not (nginx_found and nginx.STOCK_CONF.exists() and shutil.which("wrk") and shutil.which("openssl")):
            log("nginx, its nginx.conf, wrk or openssl is missing: installing them (bench/install-tools)")
            run_command([str(ROOT / "bench" / "install-tools")], timeout=900, what="bench/install-tools")
        for tool in ("psql", "pg_isready"):
            if not shutil.which(tool):
                raise BenchError(f"{tool} is missing: install PostgreSQL's client (apt-get install postgresql-client).")

    def start_postgres(self) -> None:
        """PostgreSQL with the causerie role (scripts/postgres-role when missing), and a fresh database."""
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
            run_command([str(ROOT / "scripts" / "postgres-role")], timeout=120, what="scripts/postgres-role")
            self.started_postgres = not ready
        create_database(BENCH_DB_NAME)
        self.db_created = True

    def stop_postgres(self) -> None:
        """Stop the cluster scripts/postgres-role started for this run (it was not running before)."""
        version, cluster = postgres_cluster()
        log(f"stopping the PostgreSQL {version} cluster this run started")
        subprocess.run(["pg_ctlcluster", version, cluster, "stop"], timeout=120)  # noqa: S603, S607

    def start_redis(self) -> None:
        url = f"redis://{HOST}:6379/{BENCH_REDIS_DB}"
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
            url = f"redis://{HOST}:{port}/{BENCH_REDIS_DB}"
            wait_for(lambda: redis.Redis.from_url(url, socket_timeout=1).ping(), "redis-server", 15)
        redis.Redis.from_url(url).flushdb()  # the bench's own database: cached pages, rate counters
        self.redis_url = url

    def manage(self, *args: str, timeout: float, quiet=True) -> str:
        return manage(*args, env=self.env, timeout=timeout, quiet=quiet)

    def serve(self) -> None:
        """gunicorn, then nginx in front of it (plain HTTP and TLS); all answering."""
        log(f"gunicorn on {HOST}:{self.gunicorn_port}")
        self.notes.append(
            start_gunicorn(self.procs, env=self.env, port=self.gunicorn_port, log_path=self.tmp / "gunicorn.log")
        )
        ports = nginx.Ports(http=free_port(), tls=free_port(), redirect=free_port(), app=self.gunicorn_port)
        try:
            args = nginx.configure(self.tmp, ports=ports)
        except (nginx.NginxConfigError, subprocess.CalledProcessError) as error:
            raise BenchError(f"nginx's configuration: {error}") from None
        self.nginx_port, self.nginx_tls_port = ports.http, ports.tls
        run_command([args[0], "-t", "-q", *args[1:]], timeout=30, what="nginx -t")
        log(f"nginx on {HOST}:{ports.http} and, over TLS, {HOST}:{ports.tls} ({nginx.describe()})")
        self.notes.append(f"nginx: {nginx.describe()}; plain HTTP and TLS (a self-signed certificate made for the run)")
        self.procs.start("nginx", args, log_path=self.tmp / "nginx" / "stdout.log")
        wait_for(lambda: self.procs.check_alive() or fetch(self.nginx_port, "/", timeout=5).status == 200, "nginx", 30)
        wait_for(lambda: fetch(self.nginx_tls_port, "/", timeout=5, tls=True).status == 200, "nginx over TLS", 30)

    def tear_down(self, *, keep_database: bool) -> None:
        """Stop what this run started; drop its database (unless kept) and empty its Redis database."""
        self.procs.stop_all()
        if self.db_created:
            with contextlib.suppress(BenchError, subprocess.TimeoutExpired):
                end_queries(BENCH_DB_NAME)
        if self.db_created and not keep_database:
            try:
                drop_database(BENCH_DB_NAME)
            except (BenchError, subprocess.TimeoutExpired) as error:
                log(f"could not drop {BENCH_DB_NAME}: {error}")
        if self.redis_url:
            try:
                redis.Redis.from_url(self.redis_url, socket_timeout=2).flushdb()
            except Exception as error:  # noqa: BLE001 (best effort: the run is over)
                log(f"could not empty Redis database {BENCH_REDIS_DB}: {error}")
        if self.started_postgres:
            self.stop_postgres()
