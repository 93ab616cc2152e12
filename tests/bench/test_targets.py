"""The benchmark's verdict on the issue's targets (bench/targets.py) and its table (bench/report.py),
from the measurements of a run (no load is generated here)."""

import pytest

from bench.report import RunReport
from bench.scenarios import Measurement
from bench.targets import targets
from bench.wrk import WrkResult


def row(key, rps, p99, *, errors=0, connections=32):
    return Measurement(key, key, "nginx", connections, WrkResult(rps, p99 / 2, p99, int(rps * 10), errors, ""))


def verdict(**changes) -> list[bool]:
    rows = {
        "ceiling": row("ceiling", 16_000, 6),
        "floor": row("floor", 25, 2_000),
        "post-nginx": row("post-nginx", 11_000, 7),
        "post-gunicorn": row("post-gunicorn", 1_000, 60),
        "reader-gunicorn": row("reader-gunicorn", 140, 400),
        "comment": row("comment", 95, 420, connections=20),
        "comment-paced": row("comment-paced", 19.5, 45, connections=20),
    }
    rows.update(changes)
    return [met for _label, _figure, met in targets(list(rows.values()))]


class TestTargets:
    def test_a_run_that_meets_every_target(self):
        assert verdict() == [True, True, True, True]

    @pytest.mark.parametrize(
        ("changes", "missed"),
        [
            ({"post-nginx": row("post-nginx", 7_000, 7)}, 0),  # 44 % of the ceiling
            ({"post-nginx": row("post-nginx", 11_000, 25)}, 0),  # p99 over 20 ms
            ({"post-gunicorn": row("post-gunicorn", 450, 60)}, 1),  # 18× the floor
            ({"reader-gunicorn": row("reader-gunicorn", 120, 400)}, 2),  # 4.8× the floor
            ({"reader-gunicorn": row("reader-gunicorn", 140, 400, errors=3)}, 2),  # errors
            ({"comment-paced": row("comment-paced", 19.5, 130, connections=20)}, 3),  # p99 over 100 ms
            ({"comment-paced": row("comment-paced", 12, 45, connections=20)}, 3),  # the pace was not delivered
            ({"comment-paced": row("comment-paced", 19.5, 45, errors=1, connections=20)}, 3),
        ],
    )
    def test_each_target_can_be_missed(self, changes, missed):
        results = verdict(**changes)
        assert results[missed] is False
        assert results.count(False) == 1

    def test_the_flat_out_run_is_reported_with_its_queue_not_judged(self):
        measurements = [
            row(key, 1, 1)
            for key in ("ceiling", "floor", "post-nginx", "post-gunicorn", "reader-gunicorn", "comment-paced")
        ]
        measurements.append(row("comment", 80, 700, connections=20))
        figure = targets(measurements)[3].measured
        assert "flat out (20 connections, no pause): p99 700.0 ms at 80.0 POST/s" in figure
        assert "the queue alone is 250 ms a request" in figure
        assert verdict(comment=row("comment", 80, 700, connections=20))[3] is True


class TestTable:
    def test_ratios_to_ceiling_and_floor_except_for_the_paced_run(self):
        report = RunReport(
            [row("ceiling", 16_000, 6), row("floor", 25, 2_000), row("post-nginx", 8_000, 7),
             row("comment-paced", 19.5, 45, connections=20)],
            duration=10,
            warmup=2,
        )  # fmt: skip
        post, paced = report.table()[2], report.table()[3]
        assert post[:4] == ["post-nginx", "nginx", "32", "8,000"]
        assert post[8:10] == ["0.500", "320.0×"]
        assert paced[3] == "19.5"
        assert paced[8:10] == ["—", "—"]
