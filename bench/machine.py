"""What a benchmark run ran on and beside: how busy other processes kept the CPU, the git state, the versions."""

import os
import re
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from bench.client import HOST
from bench.stack import DB_ROLE, ROOT, log

BUSY = 0.15  # CPU share used by other processes above which a run is flagged

# The bench's own files: their changes are not what a run measures.
BENCH_FILES = ("bench/", "docs/performance.md", "tests/bench/")


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


def wait_until_quiet(wait_idle: int) -> float:
    """Figures on a busy machine are low and noisy: say how busy it was, wait up to `wait_idle` s if asked."""
    deadline = time.monotonic() + wait_idle
    busy = cpu_busy()
    while busy > BUSY and time.monotonic() < deadline:
        log(f"the machine is busy ({busy:.0%} CPU used by other processes): waiting for it to calm down")
        time.sleep(min(20, max(deadline - time.monotonic(), 0)))
        busy = cpu_busy()
    if busy > BUSY:
        log(f"WARNING: {busy:.0%} of the CPU is used by other processes: the figures will be low and noisy")
    return busy


def command_output(args: list[str]) -> str:
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=30)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (result.stdout + result.stderr).strip()


def environment() -> dict[str, str]:
    """The report's header lines: git (commit, uncommitted changes outside the bench), machine, versions."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        "?",
    )  # fmt: skip
    memory = command_output(["free", "-h"]).splitlines()
    total = memory[1].split()[1] if len(memory) > 1 else "?"
    return {
        "git": git_state(),
        "machine": f"{command_output(['nproc'])} cores (`nproc`), {total} memory (`free -h`), {cpu}, "
        f"Linux {os.uname().release}",
        "versions": versions(),
    }


def git_state() -> str:
    commit = command_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    status = subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=all"],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout
    changed = [line[3:] for line in status.splitlines() if line[3:] and not line[3:].startswith(BENCH_FILES)]
    return f"`{commit}`" + (
        f" with uncommitted changes in {', '.join(f'`{c}`' for c in changed)}" if changed else ", clean working tree"
    )


def versions() -> str:
    nginx = command_output([shutil.which("nginx") or "/usr/sbin/nginx", "-v"]).split("/")[-1]
    postgres = command_output(
        ["psql", "-h", HOST, "-U", DB_ROLE, "-d", "postgres", "-qtAc", "SHOW server_version"]
    ).split()[0]
    redis = command_output(["redis-cli", "-h", HOST, "INFO", "server"])
    redis_version = re.search(r"redis_version:(\S+)", redis)
    wrk_version = re.search(r"wrk (\S+)", command_output(["wrk", "--version"]))
    return ", ".join(
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
