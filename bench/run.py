"""`make bench`: Causerie under load on loopback, measured against a static ceiling and a plain floor.

It builds the production stack on 127.0.0.1 — gunicorn with production settings,
PostgreSQL (a database of its own, `causerie_bench`, created then dropped), Redis
(database 15), nginx in front as a user's server runs it (Debian's stock nginx.conf with
deploy/nginx/causerie.conf, over plain HTTP and over TLS: bench/nginx.py) — fills it with
`bench_fill`, then drives it with wrk:

    ceiling      nginx serving the post page saved as a static file, plain HTTP and TLS
    cache_page   the straightforward view under Django's cache_page (bench/floor.py), same gunicorn
    floor        the straightforward view, no cache (bench/floor.py), same gunicorn
    home, post page       anonymous, through nginx (the post over plain HTTP and TLS) and straight to gunicorn
    post page             logged-in reader, through nginx and straight to gunicorn
    comment submission    20 verified readers posting the form, through nginx
    admin queue           the moderator's changelist of pending comments, through nginx

and prints (and writes as Markdown, --output) requests/s, p50, p99, SQL queries per
request (the X-Queries header of bench/middleware.py, sampled straight at gunicorn),
nginx cache hits, the ratios to the static file, cache_page and the floor, then the targets.

Every process it starts is stopped at the end, on error and on Ctrl-C; every load goes
to 127.0.0.1; every wait is bounded. Figures, not assertions: nothing here is a test.

    bench/stack.py       the stack: PostgreSQL, Redis, gunicorn, nginx (bench/nginx.py); shared with proof/
    bench/scenarios.py   the scenarios, each measured with wrk (bench/wrk.py)
    bench/targets.py     the issue's targets, judged from the measurements
    bench/report.py      the table and the targets, printed and written as Markdown
    bench/machine.py     how busy the machine was, the git state and the versions
"""

import argparse
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

if not __package__:  # `python bench/run.py` (make bench): the bench package is imported from the project root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.machine import BUSY, cpu_busy, wait_until_quiet  # noqa: E402
from bench.report import RunReport  # noqa: E402
from bench.scenarios import ROUNDS, SCALE, LoadScenarios  # noqa: E402
from bench.stack import BENCH_DB_NAME, ROOT, BenchError, BenchStack, end_queries, log, psql  # noqa: E402


def interrupted(signum, frame):
    """A polite stop (kill <pid>) goes through the same clean-up as Ctrl-C."""
    raise KeyboardInterrupt


def parse_options(argv) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per scenario (10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each measure (2; 0: none)")
    parser.add_argument(
        "--rounds", type=int, default=ROUNDS, help=f"interleaved rounds of the compared rows, median kept ({ROUNDS})"
    )
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
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DB_NAME} database (and the run's files)")
    options = parser.parse_args(argv)
    if not (1 <= options.duration <= 600 and 0 <= options.warmup <= 60 and 0 <= options.wait_idle <= 3600):
        parser.error("--duration is 1 to 600 seconds, --warmup 0 to 60, --wait-idle 0 to 3600.")
    if not 1 <= options.rounds <= 9:
        parser.error("--rounds is 1 to 9.")
    return options


def fill_database(stack: BenchStack, *, queue_million: bool) -> None:
    """migrate, collectstatic, bench_fill at the benchmark's scale, then ANALYZE."""
    log("migrate")
    stack.manage("migrate", "--noinput", timeout=600)
    log("collectstatic")
    stack.manage("collectstatic", "--noinput", timeout=600)
    scale = [f"--{k.replace('_', '-')}={v}" for k, v in SCALE.items()]
    extra = ["--queue-million"] if queue_million else []
    log("bench_fill " + " ".join(scale + extra))
    stack.manage("bench_fill", *scale, *extra, "--i-know", timeout=3600, quiet=False)
    # Planner statistics, as autovacuum would have them on a live site.
    psql("ANALYZE", database=BENCH_DB_NAME, timeout=600)


def run_benchmark(options: argparse.Namespace, stack: BenchStack, report: RunReport) -> None:
    """The run, from a quiet machine to the report written; the stack is left for the caller to take down."""
    started, clock = datetime.now().astimezone(), time.monotonic()
    report.busy_before = wait_until_quiet(options.wait_idle)
    report.load_before = os.getloadavg()
    stack.set_up()
    fill_database(stack, queue_million=options.queue_million)
    stack.serve()
    scenarios = LoadScenarios(stack, options.duration, options.warmup, options.queue_million, options.rounds)
    report.measurements = scenarios.measurements  # filled as it goes: a failed run's errors are still seen
    scenarios.run()
    stack.procs.stop_all()
    end_queries(BENCH_DB_NAME)
    report.load_after = os.getloadavg()  # the last minute includes our own load
    report.busy_after = cpu_busy()  # with our processes stopped: what else was running
    report.notes = [*stack.notes, *scenarios.notes]
    report.print_report()
    options.output.write_text(report.markdown(started, time.monotonic() - clock))
    log(f"report written to {options.output}")


def main(argv=None) -> int:
    options = parse_options(argv)
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)  # even when started in the background, where it is ignored
    tmp = Path(tempfile.mkdtemp(prefix="causerie-bench-"))
    stack = BenchStack(tmp)
    report = RunReport([], options.duration, options.warmup, options.queue_million, options.rounds)
    failed = True
    try:
        run_benchmark(options, stack, report)
        failed = False
    except KeyboardInterrupt:
        log("interrupted: stopping everything this run started")
    except (BenchError, subprocess.TimeoutExpired, OSError, http.client.HTTPException) as error:
        log(f"failed: {error!r}")
    finally:
        stack.tear_down(keep_database=options.keep)
        errors = any(m.load.errors for m in report.measurements)
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
