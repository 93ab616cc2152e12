"""The targets of issue 17 (« Speed measured against what a Django developer would write… ») and the
comment target of « Production-ready and fast », judged from a run's measurements.

A reference that completed nothing (a swamped machine) is no basis: a ratio to it is NaN, and a
target compared with NaN is missed. A scenario with errors misses its target.
"""

from typing import NamedTuple

from bench.scenarios import COMMENTERS, Measurement

TARGET_STATIC_SHARE = 0.7  # of the static file of the same bytes, served by the same nginx
TARGET_ANON_P99_MS = 10
TARGET_DIRECT_X_CACHE_PAGE = 1.0
TARGET_DIRECT_X_FLOOR = 25
TARGET_LOGGED_IN_X_FLOOR = 5
TARGET_COMMENT_P99_MS = 100
TARGET_WEIGHT_X_FLOOR = 1.2  # the post page's gzipped bytes over the plain page's (the floor's) for the same visitor
PACED_DELIVERED = 0.75  # the paced run counts only if it delivered this share of its 1 POST/s per commenter


class Target(NamedTuple):
    label: str
    measured: str
    met: bool


def targets(measurements: list[Measurement]) -> list[Target]:
    """The targets, in the issue's order, each with its figure and whether this run met it."""
    found = {m.key: m for m in reversed(measurements)}  # the first of a key, as a lookup would find it
    floor, direct = found["floor"], found["post-gunicorn"]
    return [
        anonymous_through_nginx(found["post-nginx"], static=found["ceiling"], what="plain HTTP"),
        anonymous_through_nginx(found["post-nginx-tls"], static=found["ceiling-tls"], what="TLS"),
        times(
            direct,
            found["cache-page"],
            TARGET_DIRECT_X_CACHE_PAGE,
            "anonymous post page straight to gunicorn",
            "the cache_page anchor",
        ),  # fmt: skip
        times(direct, floor, TARGET_DIRECT_X_FLOOR, "anonymous post page straight to gunicorn", "the floor"),
        times(
            found["reader-gunicorn"],
            floor,
            TARGET_LOGGED_IN_X_FLOOR,
            "logged-in reader (straight to gunicorn)",
            "the floor",
        ),  # fmt: skip
        comment_submission(paced=found["comment-paced"], flat=found["comment"]),
        page_weight(anonymous=direct, reader=found["reader-gunicorn"], floor=floor),
    ]


def _clean(measurement: Measurement) -> bool:
    return measurement.load.errors == 0


def _over(a: float, b: float) -> float:
    return a / b if b else float("nan")


def anonymous_through_nginx(post: Measurement, *, static: Measurement, what: str) -> Target:
    share = _over(post.load.requests_per_s, static.load.requests_per_s)
    return Target(
        f"anonymous post page through nginx over {what} ≥ {TARGET_STATIC_SHARE:.0%} of the static file of the "
        f"same bytes, p99 < {TARGET_ANON_P99_MS} ms at {post.connections} connections",
        f"{share:.1%} of the static file, p99 {post.load.p99_ms:.1f} ms",
        _clean(post) and share >= TARGET_STATIC_SHARE and post.load.p99_ms < TARGET_ANON_P99_MS,  # NaN: False
    )


def times(page: Measurement, anchor: Measurement, factor: float, what: str, anchor_name: str) -> Target:
    anchor_rps = anchor.load.requests_per_s
    return Target(
        f"{what} ≥ {factor:g}× {anchor_name}",
        f"{_over(page.load.requests_per_s, anchor_rps):.2f}×",
        _clean(page) and bool(anchor_rps) and page.load.requests_per_s >= factor * anchor_rps,
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


def page_weight(*, anonymous: Measurement, reader: Measurement, floor: Measurement) -> Target:
    """The post page, gzipped, against the plain page of the same content for the same visitor: the anonymous
    page against the floor fetched anonymously (the floor row's), the logged-in reader's against the floor
    fetched with the reader's cookies (its reader header and comment form: `reader.plain_gzipped_bytes`)."""
    anon, anon_plain = anonymous.gzipped_bytes, floor.gzipped_bytes
    logged, logged_plain = reader.gzipped_bytes, reader.plain_gzipped_bytes
    return Target(
        f"post page gzipped ≤ {TARGET_WEIGHT_X_FLOOR:g}× the plain page of the same content for the same visitor "
        "(the floor's, anonymous and with the reader's cookies)",
        f"anonymous {anon:,} bytes ({_over(anon, anon_plain):.2f}× its plain page, {anon_plain:,}), "
        f"logged-in {logged:,} ({_over(logged, logged_plain):.2f}× its plain page, {logged_plain:,})",
        all(
            page and plain and page <= TARGET_WEIGHT_X_FLOOR * plain
            for page, plain in ((anon, anon_plain), (logged, logged_plain))
        ),
    )
