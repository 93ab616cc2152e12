"""/healthz: can this app server reach its database and its cache?

For load balancers and monitoring. 200 with {"database": "ok", "cache": "ok"}, or 503
saying which failed (the details go to the log, not to the caller). Never cached.
"""

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from caching.backends import shared_cache_round_trip

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: database unreachable")
        return False


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_ok(), "cache": shared_cache_round_trip()}
    body = {name: "ok" if ok else "error" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if all(checks.values()) else 503)
