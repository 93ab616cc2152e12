"""The PostgreSQL side of the scale proof: the machine's cluster as the primary, and a streaming replica of
it made by `pg_basebackup -R` into the run's directory, on a port of its own, started and stopped here.

The primary's cluster stays as it is but for one line the run adds to its pg_hba.conf (replication for
the run's own role, from 127.0.0.1 only) and takes out again at the end, reloading the configuration
both times. Its `wal_level` (replica) and `max_wal_senders` already allow a standby; they are checked,
never changed. PostgreSQL refuses to run as root: the replica's commands run as `postgres`.
"""

import contextlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench.client import HOST
from bench.stack import PG_PORT, BenchError, run_command, wait_for

BIN = Path("/usr/lib/postgresql/15/bin")
ROLE = "causerie_scale"  # the run's replication role: made, then dropped
LAG_SQL = (
    "SELECT coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::bigint, "  # noqa: S608 (constants)
    f"coalesce(extract(epoch FROM replay_lag), 0) FROM pg_stat_replication WHERE usename = '{ROLE}'"
)
HBA_MARK = "# causerie proof-scale: removed at the end of the run"


def as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def admin_sql(sql: str, *, port: int = PG_PORT) -> str:
    """A statement as the `postgres` superuser (local trust authentication, as CI sets it up)."""
    args = ["psql", "-h", HOST, "-p", str(port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1"]
    return run_command([*args, "-qtAc", sql], timeout=60, what=f"psql {sql!r}", quiet=True).strip()


def hba_path() -> Path:
    return Path(admin_sql("SHOW hba_file"))


def check_primary() -> str:
    """The primary's settings a standby needs; raises when one is missing (this run changes none of them)."""
    level, senders = admin_sql("SHOW wal_level"), int(admin_sql("SHOW max_wal_senders"))
    if level not in {"replica", "logical"} or senders < 1:
        raise BenchError(f"The primary needs wal_level=replica and max_wal_senders>0 (has {level}, {senders}).")
    return f"wal_level={level}, max_wal_senders={senders}"


def allow_replication() -> None:
    """Let ROLE stream from 127.0.0.1 (a line first in pg_hba.conf, marked), and reload."""
    path = hba_path()
    lines = path.read_text().splitlines(keepends=True)
    if not any(HBA_MARK in line for line in lines):
        path.write_text(f"host replication {ROLE} 127.0.0.1/32 trust {HBA_MARK}\n" + "".join(lines))
    admin_sql("SELECT pg_reload_conf()")
    admin_sql(f"DROP ROLE IF EXISTS {ROLE}")
    admin_sql(f"CREATE ROLE {ROLE} LOGIN REPLICATION")


def disallow_replication() -> None:
    """Take the run's line out of pg_hba.conf, reload, drop the role: the primary as it was."""
    path = hba_path()
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in lines if HBA_MARK not in line))
    admin_sql("SELECT pg_reload_conf()")
    with contextlib.suppress(BenchError):
        admin_sql(f"DROP ROLE IF EXISTS {ROLE}")


@dataclass
class Replica:
    """A hot standby of the machine's cluster under `home` (owned by postgres: its data, its log),
    listening on 127.0.0.1:`port`."""

    home: Path
    port: int
    made: bool = False

    @property
    def path(self) -> Path:
        return self.home / "data"

    @property
    def log_path(self) -> Path:
        return self.home / "replica.log"

    def make(self) -> float:
        """pg_basebackup -R from the running primary; the seconds it took."""
        started = time.monotonic()
        self.home.parent.chmod(0o755)
        for path in (self.home, self.path):
            path.mkdir(mode=0o700)
            shutil.chown(path, user="postgres", group="postgres")
        self.made = True
        run_command(
            as_postgres([str(BIN / "pg_basebackup"), "-h", HOST, "-p", str(PG_PORT), "-U", ROLE, "-D",
                         str(self.path), "-R", "-X", "stream", "-c", "fast"]),
            timeout=600, what="pg_basebackup",
        )  # fmt: skip
        # Debian keeps the configuration in /etc: the copy gets a minimal one of its own.
        for name, text in {
            "postgresql.conf": "",
            "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
            "pg_ident.conf": "",
        }.items():
            (self.path / name).write_text(text)
            shutil.chown(self.path / name, user="postgres", group="postgres")
        return time.monotonic() - started

    def start(self) -> None:
        options = (
            f"-c port={self.port} -c listen_addresses={HOST} -c unix_socket_directories={self.path} "
            "-c hot_standby=on -c fsync=off -c logging_collector=off"
        )
        run_command(
            as_postgres([str(BIN / "pg_ctl"), "-D", str(self.path), "-o", options, "-l", str(self.log_path),
                         "-w", "-t", "60", "start"]),
            timeout=90, what="pg_ctl start (replica)", quiet=True,
        )  # fmt: skip
        wait_for(lambda: self.sql("SELECT pg_is_in_recovery()") == "t", "the replica", 60)

    def stop(self) -> None:
        if (self.path / "postmaster.pid").exists():
            subprocess.run(  # noqa: S603
                as_postgres([str(BIN / "pg_ctl"), "-D", str(self.path), "-m", "fast", "-w", "-t", "60", "stop"]),
                timeout=90,
                capture_output=True,
            )

    def remove(self) -> None:
        self.stop()
        if self.made:
            with contextlib.suppress(OSError):
                shutil.copy(self.log_path, self.home.parent / "replica.log")
            shutil.rmtree(self.home, ignore_errors=True)

    def sql(self, query: str, database: str = "postgres") -> str:
        args = ["psql", "-h", HOST, "-p", str(self.port), "-U", "causerie", "-d", database, "-qtAc", query]
        return run_command(args, timeout=30, what=f"replica psql {query!r}", quiet=True).strip()


def replication_lag() -> tuple[int, float]:
    """The standby's lag seen from the primary: (bytes not yet replayed, seconds of replay lag)."""
    row = admin_sql(LAG_SQL)
    if not row:
        return -1, -1.0
    size, seconds = row.split("|")
    return int(size), float(seconds)


def database_transactions(database: str, *, port: int = PG_PORT) -> int:
    """Transactions committed in `database` on the server at `port` (each autocommit query is one)."""
    sql = f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{database}'"  # noqa: S608 (a constant)
    return int(admin_sql(sql, port=port) or 0)
