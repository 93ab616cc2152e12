"""A benchmark run's report: the table of measurements and the targets, on the terminal and in Markdown."""

from dataclasses import dataclass, field
from datetime import datetime

from bench.machine import BUSY, environment
from bench.scenarios import PACED, SCALE, TLS, Measurement
from bench.targets import targets

HEADER = ["scenario", "via", "conn.", "req/s", "p50", "p99", "queries/req", "nginx cache", "× static file",
          "× cache_page", "× floor", "notes"]  # fmt: skip


@dataclass
class RunReport:
    """What one run measured, how it was run, and how busy the machine was around it."""

    measurements: list[Measurement]
    duration: int
    warmup: int
    queue_million: bool = False
    rounds: int = 1
    notes: list[str] = field(default_factory=list)
    busy_before: float = 0.0
    busy_after: float | None = None
    load_before: tuple[float, float, float] | None = None  # os.getloadavg(): 1, 5, 15 minutes
    load_after: tuple[float, float, float] | None = None

    @property
    def machine_was_busy(self) -> bool:
        return max(self.busy_before, self.busy_after or 0) > BUSY

    def table(self) -> list[list[str]]:
        """One line a measurement, with its ratios to the anchors measured in the same run: the static
        file (over the same scheme as the line: plain HTTP or TLS), cache_page and the floor."""
        first = {m.key: m for m in reversed(self.measurements)}

        def rps(key: str) -> float:
            return first[key].load.requests_per_s if key in first else 0.0

        lines = []
        for m in self.measurements:
            static = rps("ceiling-tls" if m.via == TLS else "ceiling")
            anchors = [static, rps("cache-page"), rps("floor")]
            ratios = [_ratio(m, anchor) for anchor in anchors]
            ratios[0] = ratios[0] if m.via != "gunicorn" else "—"  # a page from gunicorn: no file to compare with
            lines.append(
                [
                    m.scenario,
                    m.via,
                    str(m.connections),
                    f"{m.load.requests_per_s:,.0f}"
                    if m.load.requests_per_s >= 100
                    else f"{m.load.requests_per_s:,.1f}",
                    f"{m.load.p50_ms:.2f} ms" if m.load.requests else "—",
                    f"{m.load.p99_ms:.2f} ms" if m.load.requests else "—",
                    m.queries,
                    m.cache_hits,
                    *ratios,
                    "; ".join(m.notes) or "",
                ]
            )
        return lines

    def print_report(self) -> None:
        rows = [HEADER, *self.table()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
        print()
        for n, row in enumerate(rows):
            print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                print("  ".join("-" * w for w in widths))
        if self.machine_was_busy:
            print(
                f"\nWARNING: other processes used {self.busy_before:.0%} of the CPU before the run and "
                f"{self.busy_after or 0:.0%} after it: the figures are low and noisy."
            )
        print(f"Load average: {self.load_average()}")
        print("\nTargets (issue 17; the comment target: « Production-ready and fast »):")
        for target, measured, met in targets(self.measurements):
            print(f"  [{'met' if met else 'MISSED'}] {target}: {measured}")
        print()

    def markdown(self, started: datetime, elapsed: float) -> str:
        return "\n".join(
            [
                f"# Benchmark run of {started:%Y-%m-%d %H:%M} ({started.astimezone().tzname()})",
                "",
                *self.markdown_circumstances(elapsed),
                "",
                "| " + " | ".join(HEADER) + " |",
                "|" + "|".join("---" for _ in HEADER) + "|",
                *("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in self.table()),
                "",
                "queries/req: median of the `X-Queries` header over a few plain requests straight to gunicorn "
                "(for the comment submissions: a few plain POSTs). nginx cache: how nginx's micro-cache answered "
                "the measured requests (`$upstream_cache_status`: HIT, MISS, BYPASS for a session cookie, "
                "EXPIRED, STALE, UPDATING). × static file: over nginx serving the page saved as a file, over the "
                "same scheme (plain HTTP or TLS); × cache_page and × floor: over the two anchors of bench/floor.py, "
                "in the same gunicorn.",
                "",
                "## Targets",
                "",
                "| target | measured | met |",
                "|---|---|---|",
                *(f"| {t} | {m} | {'yes' if ok else '**no**'} |" for t, m, ok in targets(self.measurements)),
                "",
            ]
        )

    def markdown_circumstances(self, elapsed: float) -> list[str]:
        """The list under the title: git, machine, versions, data, load, other processes, the run's notes."""
        info = environment()
        return [
            f"- git: {info['git']}",
            f"- machine: {info['machine']}",
            f"- versions: {info['versions']}",
            f"- data: {SCALE['posts']} posts × {SCALE['comments_per_post']} approved comments (threaded), "
            f"{SCALE['users']} readers, 200 pending comments"
            + (", then 1,000,000 pending in the queue" if self.queue_million else ""),
            f"- load: `wrk -t2 -c<conn.> -d{self.duration}s --latency` from the same machine, after a "
            f"{self.warmup} s warm-up (none before the comment submissions); the rows but the comments' and the "
            f"admin's in {self.rounds} interleaved round(s), each row's median kept; whole run {elapsed / 60:.1f} min",
            f"- other processes: {self.busy_before:.0%} of the CPU busy just before the run, "
            + (f"{self.busy_after:.0%} just after it" if self.busy_after is not None else "not measured after it")
            + (
                f" — **above {BUSY:.0%}: the machine was shared, figures are low and noisy**"
                if self.machine_was_busy
                else ""
            ),  # fmt: skip
            f"- load average (1, 5, 15 min; 2 cores): {self.load_average()}",
            *(f"- {note}" for note in self.notes),
        ]

    def load_average(self) -> str:
        def show(load):
            return ", ".join(f"{x:.2f}" for x in load) if load else "?"

        return f"{show(self.load_before)} before the run, {show(self.load_after)} at its end (its own load included)"


def _ratio(m: Measurement, anchor_rps: float) -> str:
    if m.key in PACED or not anchor_rps:
        return "—"
    ratio = m.load.requests_per_s / anchor_rps
    return f"{ratio:.3f}" if ratio < 1 else f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.1f}×"
