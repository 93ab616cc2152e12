"""Reads from a PostgreSQL replica, when DATABASE_REPLICA_URL names one (docs/deploy.md, section 8).

Only the reading side goes there: a safe request (GET, HEAD) to a reading view (`READING_VIEWS`: the
blog's pages, lists, feeds, search and the sitemap, the comment feeds). Everything else reads the
primary, where it also writes: the admin and moderation, sign-up and login, a reader's own pages,
every POST, the task worker and management commands (no request: the primary), and any read inside
a transaction (a service's checks before it writes).

Read your own writes: a non-safe request leaves a cookie (`DATABASE_PRIMARY_COOKIE`) saying until
when its sender reads the primary (`DATABASE_READ_YOUR_WRITES_SECONDS`), so that a commenter sees
their pending comment at once on whichever app server answers. The cookie is not signed: forging it
only sends one's own reads to the primary.

Fallback: each process asks the replica how far behind it is, at most once every
`DATABASE_REPLICA_CHECK_SECONDS`; down, or lagging beyond `DATABASE_REPLICA_MAX_LAG_SECONDS`, reads
go to the primary until it is back, and the log says so once each way. A reading request that meets
a replica gone mid-way is answered again from the primary (GET and HEAD change nothing).
"""

import contextlib
import contextvars
import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The reading side, by view name (a prefix ending in ":" stands for a whole namespace).
READING_VIEWS = (
    "blog:",
    "comments:feed_rss",
    "comments:feed_atom",
    "comments:post_feed_rss",
    "comments:post_feed_atom",
    "sitemap",
    "robots_txt",
)
# How far behind the replica is, in seconds: 0 when it has replayed all it received (an idle primary
# sends nothing), 0 on a server that is no replica (the test database's mirror).
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


@dataclass
class Route:
    """What the current request may do: read the replica, and whether it did."""

    replica_allowed: bool = False
    replica_used: bool = False


# No request (the task worker, a command, a shell): the default, the primary.
_route: contextvars.ContextVar[Route | None] = contextvars.ContextVar("causerie_db_route", default=None)


def replica_lag() -> float:
    """Seconds the replica is behind the primary; raises DatabaseError when it cannot be reached."""
    connection = connections[REPLICA]
    with connection.cursor() as cursor:
        cursor.execute(LAG_SQL if connection.vendor == "postgresql" else "SELECT 0")
        return float(cursor.fetchone()[0])


def close_replica() -> None:
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()


class ReplicaHealth:
    """Is the replica fit for reads? Asked at most once every DATABASE_REPLICA_CHECK_SECONDS a process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.usable = True
        self.checked_at = float("-inf")

    def is_usable(self) -> bool:
        if time.monotonic() - self.checked_at < settings.DATABASE_REPLICA_CHECK_SECONDS:
            return self.usable
        with self.lock:
            if time.monotonic() - self.checked_at >= settings.DATABASE_REPLICA_CHECK_SECONDS:
                self.checked_at = time.monotonic()
                self.set(*self.probe())
        return self.usable

    def probe(self) -> tuple[bool, str]:
        try:
            lag = replica_lag()
            if lag > settings.DATABASE_REPLICA_MAX_LAG_SECONDS:
                # After a quiet spell the last replayed commit is old while the next one is still being
                # replayed: a few milliseconds tell that from a replica really behind.
                time.sleep(0.05)
                lag = replica_lag()
        except DatabaseError as error:
            close_replica()  # the next probe opens a new connection
            return False, f"unreachable ({str(error).strip() or type(error).__name__})"
        if lag > settings.DATABASE_REPLICA_MAX_LAG_SECONDS:
            return False, f"{lag:.1f} s behind (bound: {settings.DATABASE_REPLICA_MAX_LAG_SECONDS} s)"
        return True, f"{lag:.1f} s behind"

    def set(self, usable: bool, why: str) -> None:
        """Record the replica's state; the log says when it changes, once."""
        if usable != self.usable:
            if usable:
                logger.warning("Database replica usable again (%s): reads go back to it.", why)
            else:
                logger.warning("Database replica %s: reads go to the primary.", why)
        self.usable = usable

    def failed(self, error: Exception) -> None:
        """A query on the replica failed mid-request: the primary until the next probe."""
        with self.lock:
            self.checked_at = time.monotonic()
            self.set(False, f"failed mid-request ({str(error).strip() or type(error).__name__})")


health = ReplicaHealth()


class ReplicaRouter:
    """Reads to the replica when the current request may and the replica is fit; everything else the primary."""

    def db_for_read(self, model, **hints) -> str:
        route = _route.get()
        if route is None or not route.replica_allowed or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        if not health.is_usable():
            return DEFAULT_DB_ALIAS
        route.replica_used = True
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema by itself


def is_reading_view(view_name: str) -> bool:
    return any(view_name.startswith(p) if p.endswith(":") else view_name == p for p in READING_VIEWS)


def wrote_recently(request: HttpRequest) -> bool:
    try:
        until = float(request.COOKIES.get(settings.DATABASE_PRIMARY_COOKIE, "0"))
    except ValueError:
        return False
    return until > time.time()


class ReplicaMiddleware:
    """Decide each request's reads (see the module's docstring), and mark the senders of writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        route = Route()
        token = _route.set(route)
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        if request.method not in SAFE_METHODS:
            window = settings.DATABASE_READ_YOUR_WRITES_SECONDS
            response.set_cookie(
                settings.DATABASE_PRIMARY_COOKIE,
                f"{time.time() + window:.3f}",
                max_age=window,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        route = _route.get()
        if route is not None:
            route.replica_allowed = (
                request.method in SAFE_METHODS
                and is_reading_view(request.resolver_match.view_name)
                and not wrote_recently(request)
            )

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """The replica went away mid-request: answer again from the primary (a safe request changes nothing)."""
        route = _route.get()
        if route is None or not route.replica_used or not isinstance(exception, OperationalError | InterfaceError):
            return None
        if not connections[REPLICA].errors_occurred:
            return None  # the primary's own failure: config.middleware answers it (503)
        health.failed(exception)
        close_replica()
        route.replica_allowed = route.replica_used = False
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()
        return response
