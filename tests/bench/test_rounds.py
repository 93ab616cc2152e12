"""bench/scenarios.py `in_rounds`: the rows judged against each other, measured in interleaved rounds, each keeping its
median round (no load is generated here: `measure` is replaced by a recorder)."""

from bench.scenarios import LoadScenarios, Measurement, gunicorn_plan, nginx_plan
from bench.wrk import WrkResult


class Recorder(LoadScenarios):
    """`measure` gives each call the next figure of its key, and notes the order of the calls."""

    def __init__(self, figures: dict[str, list[float]], rounds: int):
        super().__init__(stack=None, duration=10, warmup=2, rounds=rounds)
        self.figures = {key: iter(values) for key, values in figures.items()}
        self.calls = []

    def measure(self, key, scenario, **options):
        self.calls.append(key)
        rps = next(self.figures[key])
        measurement = Measurement(key, scenario, options["via"], 32, WrkResult(rps, 1, 2, int(rps * 10), 0, ""))
        self.measurements.append(measurement)
        return measurement


def test_rounds_interleave_and_each_row_keeps_its_median():
    plan = [("floor", "floor", {"via": "gunicorn"}), ("post-gunicorn", "post", {"via": "gunicorn"})]
    run = Recorder({"floor": [90, 130, 100], "post-gunicorn": [2_000, 3_400, 2_900]}, rounds=3)
    run.measurements.append(Measurement("before", "before", "nginx", 32, WrkResult(1, 1, 1, 1, 0, "")))
    run.in_rounds(plan)
    assert run.calls == ["floor", "post-gunicorn"] * 3  # side by side, not one row's three measures in a row
    assert [(m.key, m.load.requests_per_s) for m in run.measurements] == [
        ("before", 1),
        ("floor", 100),
        ("post-gunicorn", 2_900),
    ]
    assert run.measurements[1].notes == ["median of 3 rounds (90–130 req/s)"]


def test_one_round_is_the_row_as_measured():
    run = Recorder({"floor": [95]}, rounds=1)
    run.in_rounds([("floor", "floor", {"via": "gunicorn"})])
    assert [(m.key, m.load.requests_per_s, m.notes) for m in run.measurements] == [("floor", 95, [])]


def test_the_plans_hold_every_row_the_targets_compare():
    keys = {key for key, _, _ in nginx_plan("/billets/x/") + gunicorn_plan("/billets/x/", {"sessionid": "s"})}
    assert {"ceiling", "ceiling-tls", "post-nginx", "post-nginx-tls"} <= keys
    assert {"floor", "cache-page", "post-gunicorn", "reader-gunicorn"} <= keys
    assert gunicorn_plan("/billets/x/", {})[0][0] == "floor"  # its leftovers fall in the next row's warm-up
