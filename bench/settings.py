"""Production settings, plus what the benchmark needs: its floor view and a query counter.

`bench/run.py` serves the site with these (DJANGO_SETTINGS_MODULE=bench.settings) so that
the floor and the real pages run in the same gunicorn. Never used to serve the site itself.
"""

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, MIDDLEWARE, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES = [{**TEMPLATES[0], "DIRS": [BASE_DIR / "bench" / "templates", *TEMPLATES[0]["DIRS"]]}]
# Outermost, so that the session and authentication queries are counted too.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
