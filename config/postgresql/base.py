"""Django's PostgreSQL backend with a health check that costs no round trip while the server has said nothing,
and a cursor that prepares the queries every page repeats.

With CONN_HEALTH_CHECKS (config/settings.py), Django sends `SELECT 1` before a persistent connection's first
query in each request: a round trip on every page that reads the database (about 0.1 ms of processor between
the two ends, and a wait). A server that shuts down, restarts or ends the session (an administrator, an idle
timeout) says so on the connection, an error then the end of the stream, and both make its socket readable:
`is_usable` looks at the socket without waiting, and only when something arrived, or the connection is in a
transaction, broken or closed, asks the server as Django does. A peer that vanishes without a word (a host
gone, a firewall dropping the flow) is caught by neither check before the query: both would wait on TCP.

Django binds parameters on the client and turns psycopg's preparing off (connection poolers); `preparing_cursor`
binds them on the server and lets psycopg prepare its query from the PREPARE_AFTER-th run on a connection, so
that PostgreSQL plans the post page's lookup once per connection, not on every page (planning the logged-in
reader's lookup took 0.39-0.59 ms, running it 0.06). Every other cursor stays Django's.
"""

import contextlib
import select

from django.conf import settings
from django.db.backends.postgresql import base
from django.utils.asyncio import async_unsafe
from psycopg import pq

PREPARE_AFTER = 5  # runs of the same query on a connection before it is prepared: psycopg's default threshold


def _quiet(connection) -> bool:
    """Whether nothing has arrived on `connection` since its last answer, and it sits idle outside a transaction."""
    if connection.closed or connection.broken or connection.info.transaction_status != pq.TransactionStatus.IDLE:
        return False
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
    return not poller.poll(0)  # POLLHUP and POLLERR come back whatever is asked


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is not None and _quiet(self.connection):
            return True
        return super().is_usable()

    @contextlib.contextmanager
    @async_unsafe
    def preparing_cursor(self):
        """A cursor for a query every page runs (blog.models.PostQuerySet.published_at_slug), through Django's
        checks and wrappers (health check, query logging, errors), prepared from its PREPARE_AFTER-th run;
        a plain cursor when DATABASE_PREPARED_STATEMENTS is off (a pooler that cannot keep them)."""
        if not settings.DATABASE_PREPARED_STATEMENTS:
            with self.cursor() as cursor:
                yield cursor
            return
        self.close_if_health_check_failed()
        self.ensure_connection()
        connection = self.connection
        with self.wrap_database_errors:
            cursor = self._prepare_cursor(base.ServerBindingCursor(connection))
        previous, connection.prepare_threshold = connection.prepare_threshold, PREPARE_AFTER  # Django's is None
        try:
            with cursor:
                yield cursor
        finally:
            connection.prepare_threshold = previous  # for this cursor's query only
