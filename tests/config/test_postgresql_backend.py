"""config.postgresql: Django's PostgreSQL backend whose health check asks the server only when it has said
something (config/postgresql/base.py)."""

import select
import time

import pytest
from django.db import connection, connections

from config.postgresql import base

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend"),
]


@pytest.fixture
def second():
    """A connection of its own to the test database, as a gunicorn worker keeps one between requests."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def round_trips(monkeypatch) -> list[str]:
    """Every time the health check falls back to Django's `SELECT 1`."""
    asked = []
    original = base.base.DatabaseWrapper.is_usable

    def counted(self):
        asked.append("SELECT 1")
        return original(self)

    monkeypatch.setattr(base.base.DatabaseWrapper, "is_usable", counted)
    return asked


def test_the_settings_choose_it():
    default = connections["default"]
    assert isinstance(default, base.DatabaseWrapper) and default.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_quiet_connection_is_reused_without_a_round_trip(second, monkeypatch):
    asked = round_trips(monkeypatch)
    raw = second.connection
    second.health_check_done = False
    second.close_if_health_check_failed()
    assert (second.connection, asked) == (raw, [])
    with second.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_connection_the_server_ended_is_replaced_before_the_query(second, monkeypatch):
    asked = round_trips(monkeypatch)
    raw = second.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [raw.info.backend_pid])
    poller = select.poll()
    poller.register(raw.fileno(), select.POLLIN)
    deadline = time.monotonic() + 5
    while not poller.poll(50) and time.monotonic() < deadline:
        pass  # the server's goodbye is on its way
    second.health_check_done = False
    second.close_if_health_check_failed()
    assert second.connection is None and asked == ["SELECT 1"]
    with second.cursor() as cursor:  # a new connection, and no error for the request
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_inside_a_transaction_the_server_is_asked(second, monkeypatch):
    asked = round_trips(monkeypatch)
    second.set_autocommit(False)
    with second.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert second.is_usable() and asked == ["SELECT 1"]
    second.rollback()
    second.set_autocommit(True)
