"""Run the scale proof's checks on one stack; print a PASS / FAIL line for each; exit 0 when all hold."""

import argparse
import os
import platform
import sys
import time

from proof.scale import journey
from proof.scale.stack import SETTINGS, ScaleStack, log

CHECKS = ("journey", "limits", "invalidation", "figures", "faults")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=(__package__ and sys.modules[__package__].__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--only", default=",".join(CHECKS))
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--commenters", type=int, default=50)
    options = parser.parse_args(argv)
    only = [name for name in options.only.split(",") if name]
    results: dict[str, bool] = {}
    started = time.time()
    with ScaleStack(readers=max(options.commenters, 10) + 10) as stack:
        runs = {
            "journey": lambda: journey.check_journey(stack),
            "limits": lambda: journey.check_limits(stack),
            "invalidation": lambda: journey.check_invalidation(stack),
        }
        for number, name in enumerate(CHECKS, 1):
            if name in only and name in runs:
                ok, figures = runs[name]()
                results[name] = ok
                print(f"{'PASS' if ok else 'FAIL'} {number} {name}: {figures}", flush=True)
        stack.ok = all(results.values())
    summary = ", ".join(f"{name} {'PASS' if ok else 'FAIL'}" for name, ok in results.items())
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
    log(
        f"proof-scale on {platform.node()} ({platform.machine()}, {os.cpu_count()} CPUs), {when}, "
        f"in {time.time() - started:.0f} s: {summary}; settings {SETTINGS}"
    )
    return 0 if results and all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
