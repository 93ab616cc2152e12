"""Production settings, plus what the benchmark needs: its anchors (the floor view and its `cache_page`),
a query counter, `bench_fill`.

`bench/run.py` serves the site with these (DJANGO_SETTINGS_MODULE=bench.settings) so that
the floor and the real pages run in the same gunicorn. Never used to serve the site itself.
Only these settings install `bench` as an app (for its `bench_fill` command): the site's
apps never import the benchmark.
"""

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, CACHES, INSTALLED_APPS, MIDDLEWARE, TEMPLATES

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
TEMPLATES = [{**TEMPLATES[0], "DIRS": [BASE_DIR / "bench" / "templates", *TEMPLATES[0]["DIRS"]]}]
# Outermost, so that the session and authentication queries are counted too.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
# The `cache_page` anchor (bench/floor.py) keeps its pages in each process's own memory.
CACHES = {
    **CACHES,
    "bench-floor": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench-floor"},
}
