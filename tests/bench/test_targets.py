"""The benchmark's verdict on the issue's targets (bench/targets.py) and its table (bench/report.py),
from the measurements of a run (no load is generated here)."""

from datetime import UTC, datetime

import pytest

from bench.report import RunReport
from bench.scenarios import Measurement
from bench.targets import page_weight, targets
from bench.wrk import WrkResult


def row(key, rps, p99, *, errors=0, connections=32, via="nginx", gzipped=0, plain=0):
    load = WrkResult(rps, p99 / 2, p99, int(rps * 10), errors, "")
    return Measurement(key, key, via, connections, load, gzipped_bytes=gzipped, plain_gzipped_bytes=plain)


def reader_row(rps=700, *, errors=0, gzipped=15_500, plain=13_500):
    """The logged-in reader's row, its page and the floor fetched with its cookies weighed."""
    return row("reader-gunicorn", rps, 100, errors=errors, via="gunicorn", gzipped=gzipped, plain=plain)


def verdict(**changes) -> list[bool]:
    rows = {
        "ceiling": row("ceiling", 16_000, 6),
        "ceiling-tls": row("ceiling-tls", 8_000, 8, via="nginx TLS"),
        "floor": row("floor", 120, 300, via="gunicorn", gzipped=13_000),
        "cache-page": row("cache-page", 2_900, 20, via="gunicorn"),
        "post-nginx": row("post-nginx", 12_000, 7),
        "post-nginx-tls": row("post-nginx-tls", 6_000, 9, via="nginx TLS"),
        "post-gunicorn": row("post-gunicorn", 3_100, 20, via="gunicorn", gzipped=14_000),
        "reader-gunicorn": reader_row(),
        "comment": row("comment", 95, 420, connections=20),
        "comment-paced": row("comment-paced", 19.5, 45, connections=20),
    }
    rows.update(changes)
    return [met for _label, _figure, met in targets(list(rows.values()))]


class TestTargets:
    def test_a_run_that_meets_every_target(self):
        assert verdict() == [True] * 7

    @pytest.mark.parametrize(
        ("changes", "missed"),
        [
            ({"post-nginx": row("post-nginx", 11_000, 7)}, 0),  # 69 % of the static file
            ({"post-nginx": row("post-nginx", 12_000, 11)}, 0),  # p99 over 10 ms
            ({"post-nginx-tls": row("post-nginx-tls", 5_500, 9, via="nginx TLS")}, 1),  # 69 % of the TLS file
            ({"ceiling-tls": row("ceiling-tls", 9_000, 8, via="nginx TLS")}, 1),  # judged against the TLS file
            ({"post-nginx-tls": row("post-nginx-tls", 6_000, 9, errors=2, via="nginx TLS")}, 1),
            ({"cache-page": row("cache-page", 3_200, 20, via="gunicorn")}, 2),  # 0.97× cache_page
            ({"floor": row("floor", 125, 300, via="gunicorn", gzipped=13_000)}, 3),  # 24.8× the floor
            ({"reader-gunicorn": reader_row(590)}, 4),  # 4.9×
            ({"reader-gunicorn": reader_row(errors=3)}, 4),
            ({"reader-gunicorn": reader_row(gzipped=16_400)}, 6),  # 1.21× the reader's plain page
            ({"post-gunicorn": row("post-gunicorn", 3_100, 20, via="gunicorn", gzipped=15_700)}, 6),  # 1.21×
            ({"floor": row("floor", 120, 300, via="gunicorn")}, 6),  # the anonymous plain page not sampled
            ({"reader-gunicorn": reader_row(plain=0)}, 6),  # nor the reader's
            ({"comment-paced": row("comment-paced", 19.5, 130, connections=20)}, 5),  # p99 over 100 ms
            ({"comment-paced": row("comment-paced", 12, 45, connections=20)}, 5),  # the pace was not delivered
            ({"comment-paced": row("comment-paced", 19.5, 45, errors=1, connections=20)}, 5),
        ],
    )
    def test_each_target_can_be_missed(self, changes, missed):
        results = verdict(**changes)
        assert results[missed] is False
        assert results.count(False) == 1

    def test_the_page_weight_is_given_in_bytes_and_times_the_plain_page_of_the_same_visitor(self):
        target = page_weight(
            anonymous=row("post-gunicorn", 1, 1, gzipped=14_000),
            reader=row("reader-gunicorn", 1, 1, gzipped=16_000, plain=13_500),
            floor=row("floor", 1, 1, gzipped=13_000),
        )
        assert target.measured == (
            "anonymous 14,000 bytes (1.08× its plain page, 13,000), logged-in 16,000 (1.19× its plain page, 13,500)"
        )
        assert target.met

    def test_each_page_is_judged_against_the_plain_page_of_its_own_visitor(self):
        # The reader's page is 1.23× the anonymous plain page but 1.19× its own: met.
        met = page_weight(
            anonymous=row("post-gunicorn", 1, 1, gzipped=13_000),
            reader=row("reader-gunicorn", 1, 1, gzipped=16_000, plain=13_500),
            floor=row("floor", 1, 1, gzipped=13_000),
        )
        # The anonymous page is 1.15× the reader's plain page but 1.23× its own: missed.
        missed = page_weight(
            anonymous=row("post-gunicorn", 1, 1, gzipped=15_500),
            reader=row("reader-gunicorn", 1, 1, gzipped=15_500, plain=13_500),
            floor=row("floor", 1, 1, gzipped=12_600),
        )
        assert met.met
        assert not missed.met

    def test_a_floor_that_completed_nothing_misses_its_targets(self):
        results = verdict(floor=row("floor", 0, 0, via="gunicorn", gzipped=13_000))
        assert results[3] is False and results[4] is False

    def test_the_flat_out_run_is_reported_with_its_queue_not_judged(self):
        figure = verdict_figures(comment=row("comment", 80, 700, connections=20))[5]
        assert "flat out (20 connections, no pause): p99 700.0 ms at 80.0 POST/s" in figure
        assert "the queue alone is 250 ms a request" in figure
        assert verdict(comment=row("comment", 80, 700, connections=20))[5] is True


def verdict_figures(**changes) -> list[str]:
    rows = {m.key: m for m in (row(k, 1, 1) for k in ("ceiling", "ceiling-tls", "floor", "cache-page", "post-nginx",
                                                        "post-nginx-tls", "post-gunicorn", "reader-gunicorn",
                                                        "comment", "comment-paced"))}  # fmt: skip
    rows.update(changes)
    return [figure for _label, figure, _met in targets(list(rows.values()))]


class TestTable:
    def test_ratios_to_the_static_file_of_the_same_scheme_to_cache_page_and_to_the_floor(self):
        report = RunReport(
            [row("ceiling", 16_000, 6), row("ceiling-tls", 8_000, 8, via="nginx TLS"),
             row("floor", 100, 300, via="gunicorn"), row("cache-page", 2_000, 20, via="gunicorn"),
             row("post-nginx", 8_000, 7), row("post-nginx-tls", 6_000, 9, via="nginx TLS"),
             row("post-gunicorn", 2_500, 20, via="gunicorn"),
             row("comment-paced", 19.5, 45, connections=20)],
            duration=10,
            warmup=2,
        )  # fmt: skip
        lines = {line[0]: line for line in report.table()}
        assert lines["post-nginx"][:4] == ["post-nginx", "nginx", "32", "8,000"]
        assert lines["post-nginx"][8] == "0.500"  # over the plain static file
        assert lines["post-nginx-tls"][8] == "0.750"  # over the static file over TLS
        assert lines["post-gunicorn"][8:11] == ["—", "1.25×", "25.0×"]
        assert lines["comment-paced"][3] == "19.5"
        assert lines["comment-paced"][8:11] == ["—", "—", "—"]

    def test_the_report_says_how_loaded_the_machine_was(self):
        keys = ("ceiling", "ceiling-tls", "floor", "cache-page", "post-nginx", "post-nginx-tls", "post-gunicorn",
                "reader-gunicorn", "comment", "comment-paced")  # fmt: skip
        report = RunReport([row(k, 100, 5) for k in keys], duration=5, warmup=2)
        report.load_before, report.load_after = (3.5, 2.25, 1.0), (6.0, 4.0, 2.0)

        markdown = report.markdown(datetime(2026, 12, 3, 6, 0, tzinfo=UTC), 240)

        assert "load average (1, 5, 15 min; 2 cores): 3.50, 2.25, 1.00 before the run, 6.00, 4.00, 2.00" in markdown
