"""The issue's targets (« Production-ready and fast »), judged from a run's measurements.

A reference that completed nothing (a swamped machine) is no basis: a ratio to it is NaN, and a
target compared with NaN is missed. A scenario with errors misses its target.
"""

from typing import NamedTuple

from bench.scenarios import COMMENTERS, Measurement

TARGET_CEILING_SHARE = 0.5
TARGET_ANON_P99_MS = 20
TARGET_DIRECT_X_FLOOR = 20
TARGET_LOGGED_IN_X_FLOOR = 5
TARGET_COMMENT_P99_MS = 100
PACED_DELIVERED = 0.75  # the paced run counts only if it delivered this share of its 1 POST/s per commenter


class Target(NamedTuple):
    label: str
    measured: str
    met: bool


def targets(measurements: list[Measurement]) -> list[Target]:
    """The four targets, in the issue's order, each with its figure and whether this run met it."""
    found = {m.key: m for m in reversed(measurements)}  # the first of a key, as a lookup would find it
    floor = found["floor"]
    return [
        anonymous_through_nginx(found["post-nginx"], ceiling=found["ceiling"]),
        times_the_floor(
            found["post-gunicorn"], floor, TARGET_DIRECT_X_FLOOR, "anonymous post page straight to gunicorn"
        ),
        times_the_floor(
            found["reader-gunicorn"], floor, TARGET_LOGGED_IN_X_FLOOR, "logged-in reader (straight to gunicorn)"
        ),
        comment_submission(paced=found["comment-paced"], flat=found["comment"]),
    ]


def _clean(measurement: Measurement) -> bool:
    return measurement.load.errors == 0


def _over(a: float, b: float) -> float:
    return a / b if b else float("nan")


def anonymous_through_nginx(post: Measurement, *, ceiling: Measurement) -> Target:
    share = _over(post.load.requests_per_s, ceiling.load.requests_per_s)
    return Target(
        f"anonymous post page through nginx ≥ {TARGET_CEILING_SHARE:.0%} of the static ceiling, "
        f"p99 < {TARGET_ANON_P99_MS} ms at 32 connections",
        f"{share:.1%} of the ceiling, p99 {post.load.p99_ms:.1f} ms",
        _clean(post) and share >= TARGET_CEILING_SHARE and post.load.p99_ms < TARGET_ANON_P99_MS,  # NaN: False
    )


def times_the_floor(page: Measurement, floor: Measurement, times: int, what: str) -> Target:
    floor_rps = floor.load.requests_per_s
    return Target(
        f"{what} ≥ {times}× the floor",
        f"{_over(page.load.requests_per_s, floor_rps):.1f}×",
        _clean(page) and bool(floor_rps) and page.load.requests_per_s >= times * floor_rps,
    )


def comment_submission(*, paced: Measurement, flat: Measurement) -> Target:
    """Judged on the paced run; the flat-out run is reported with the queue it builds, not judged."""
    return Target(
        f"comment submission p99 < {TARGET_COMMENT_P99_MS} ms at {COMMENTERS} concurrent commenters "
        f"(each posting about once a second, {COMMENTERS} times the site's limit of 3 a minute)",
        f"p99 {paced.load.p99_ms:.1f} ms at {paced.load.requests_per_s:.1f} POST/s; "
        f"flat out ({COMMENTERS} connections, no pause): p99 {flat.load.p99_ms:.1f} ms at "
        f"{flat.load.requests_per_s:.1f} POST/s, where the queue alone is "
        f"{_over(COMMENTERS * 1000, flat.load.requests_per_s):.0f} ms a request",
        # The commenters must really have posted at that pace: a stalled run is no evidence.
        _clean(paced)
        and paced.load.requests_per_s >= PACED_DELIVERED * COMMENTERS
        and paced.load.p99_ms < TARGET_COMMENT_P99_MS,
    )
