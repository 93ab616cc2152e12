"""The benchmark: `make bench` (bench/run.py), its fill (bench/fill.py), its floor view and query counter."""
