"""Run the scale proof's checks on one stack; print a PASS / FAIL line for each; exit 0 when all hold."""

import argparse
import os
import platform
import sys
import time

from proof.scale import faults, figures, journey
from proof.scale.stack import SETTINGS, ScaleStack, log

CHECKS = ("journey", "limits", "invalidation", "faults", "figures")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="make proof-scale: Causerie on two app servers and a replica.")
    parser.add_argument("--only", default=",".join(CHECKS))
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--commenters", type=int, default=50)
    options = parser.parse_args(argv)
    only = [name for name in options.only.split(",") if name]
    results: dict[str, bool] = {}
    started = time.time()
    with ScaleStack(readers=options.commenters + 20) as stack:
        for number, group in enumerate(CHECKS, 1):
            for name, run in checks(stack, options)[group] if group in only else []:
                ok, said = run()
                results[name] = ok
                print(f"{'PASS' if ok else 'FAIL'} {number} {name}: {said}", flush=True)
        stack.ok = bool(results) and all(results.values())
    summary = ", ".join(f"{name} {'PASS' if ok else 'FAIL'}" for name, ok in results.items())
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
    log(
        f"proof-scale on {platform.node()} ({platform.machine()}, {os.cpu_count()} CPUs), {when}, "
        f"in {time.time() - started:.0f} s: {summary}; settings {SETTINGS}"
    )
    return 0 if results and all(results.values()) else 1


def checks(stack: ScaleStack, options) -> dict:
    """Each group of checks, in order: its (name, run) pairs."""
    commenters, seconds = options.commenters, options.seconds
    return {
        "journey": [("journey", lambda: journey.check_journey(stack))],
        "limits": [("limits", lambda: journey.check_limits(stack))],
        "invalidation": [("invalidation", lambda: journey.check_invalidation(stack))],
        "faults": [
            ("faults: app server killed", lambda: faults.check_kill(stack, commenters=commenters, seconds=seconds)),
            ("faults: replica stopped", lambda: faults.check_replica_stop(stack, commenters=commenters)),
            ("faults: Redis stopped", lambda: faults.check_redis_stop(stack)),
        ],
        "figures": [("figures", lambda: figures.check_figures(stack))],
    }


if __name__ == "__main__":
    sys.exit(main())
