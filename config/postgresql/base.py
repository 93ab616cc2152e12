"""Django's PostgreSQL backend with a health check that costs no round trip while the server has said nothing.

With CONN_HEALTH_CHECKS (config/settings.py), Django sends `SELECT 1` before a persistent connection's first
query in each request: a round trip on every page that reads the database (about 0.1 ms of processor between
the two ends, and a wait). A server that shuts down, restarts or ends the session (an administrator, an idle
timeout) says so on the connection, an error then the end of the stream, and both make its socket readable:
`is_usable` looks at the socket without waiting, and only when something arrived, or the connection is in a
transaction, broken or closed, asks the server as Django does. A peer that vanishes without a word (a host
gone, a firewall dropping the flow) is caught by neither check before the query: both would wait on TCP.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


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
