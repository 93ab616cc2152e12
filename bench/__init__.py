"""The benchmark: `make bench` (bench/run.py), its fill (bench/fill.py and the `bench_fill` command),
its floor view and query counter. A Django app only under bench/settings.py, for that command."""
