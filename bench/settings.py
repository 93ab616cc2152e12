"""Production settings, plus what the benchmark needs: its floor view, a query counter, `bench_fill`.

`bench/run.py` serves the site with these (DJANGO_SETTINGS_MODULE=bench.settings) so that
the floor and the real pages run in the same gunicorn. Never used to serve the site itself.
Only these settings install `bench` as an app (for its `bench_fill` command): the site's
apps never import the benchmark.
"""

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, INSTALLED_APPS, MIDDLEWARE, TEMPLATES

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
TEMPLATES = [{**TEMPLATES[0], "DIRS": [BASE_DIR / "bench" / "templates", *TEMPLATES[0]["DIRS"]]}]
# Outermost, so that the session and authentication queries are counted too.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
