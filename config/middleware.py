"""Project middleware: the Permissions-Policy header, and a 503 page when the database is down."""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template import loader

from config.proxies import client_ip

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class PermissionsPolicyMiddleware:
    """Add settings.PERMISSIONS_POLICY as the Permissions-Policy header, unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with a short French page when the database cannot be reached.

    A view (or the template it renders) that meets a lost or refused database
    connection raises Django's OperationalError or InterfaceError — psycopg's own
    errors arrive wrapped in them. Instead of a 500 and a traceback the reader gets
    templates/503.html and Retry-After; the broken connection is closed so that the
    next request opens a new one (CONN_HEALTH_CHECKS would also catch it).
    SQLite's other OperationalErrors (a missing table) get the same answer; the log,
    with the traceback, tells them apart. In development (DEBUG) the error goes on to
    Django's debug page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # An outage met outside the view (saving the session, a middleware's query) was already
        # turned into a 500 by the middleware below: the receiver at the end of this module marked it.
        if response.status_code == 500 and getattr(request, "_database_unavailable", None) and not settings.DEBUG:
            return self.process_exception(request, request._database_unavailable)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG or not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "Database unavailable: %s %s from %s answered 503",
            request.method,
            request.path,
            client_ip(request),
            exc_info=exception,
        )
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        return database_unavailable_response()


def database_unavailable_response() -> HttpResponse:
    """The 503 page: a standalone template, no context processor, no query."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _mark_database_unavailable(sender, request=None, **kwargs):
    """Note on the request that the exception being handled is a lost database (read by the middleware)."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, OperationalError | InterfaceError):
        request._database_unavailable = error


got_request_exception.connect(_mark_database_unavailable, dispatch_uid="config.middleware.database_unavailable")
