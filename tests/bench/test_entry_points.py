"""The benchmark's and the proof's commands start (their --help): the script path `make bench` uses
and the modules `make proof` runs. Nothing is started: no port is bound, no service touched."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["bench/run.py"], "--queue-million"),  # as `make bench` runs it: a script, not a module
        (["-m", "bench.run"], "--queue-million"),
        (["-m", "bench.stall"], "--size"),
        (["-m", "proof.flood"], "--only"),
        (["-m", "proof.concurrency"], "--commenters"),
        (["-m", "proof.outage"], "--down"),
    ],
)
def test_the_command_starts(args, option):
    result = subprocess.run(  # noqa: S603
        [sys.executable, *args, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert option in result.stdout
