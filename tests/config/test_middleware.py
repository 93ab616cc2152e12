import logging
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.urls import path

from config import middleware


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


def interface_gone(request):
    raise InterfaceError("connection already closed")


def queries(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok")


def broken(request):
    raise ValueError("a bug, not an outage")


def fine(request):
    return HttpResponse("ok")


def own_policy(request):
    response = HttpResponse("ok")
    response["Permissions-Policy"] = "camera=(self)"
    return response


urlpatterns = [
    path("panne/", database_gone),
    path("interface/", interface_gone),
    path("requete/", queries),
    path("bogue/", broken),
    path("ok/", fine),
    path("politique/", own_policy),
]


@pytest.fixture
def db_connections(monkeypatch):
    """Stand-ins for the connections, so that the test's own database connection stays open."""
    connection = mock.Mock()
    monkeypatch.setattr(middleware, "connections", mock.Mock(all=mock.Mock(return_value=[connection])))
    return connection


@pytest.mark.urls(__name__)
class TestDatabaseUnavailable:
    @pytest.mark.parametrize("url", ["/panne/", "/interface/"])
    def test_503_page_with_retry_after(self, client, db_connections, url, caplog):
        with caplog.at_level(logging.ERROR, logger="config.middleware"):
            response = client.get(url, REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert response["Cache-Control"] == "no-store"
        assert "Le site est momentanément indisponible…" in response.content.decode()
        assert "Traceback" not in response.content.decode()
        assert "Content-Security-Policy" in response  # the outer middleware still add their headers
        db_connections.close_if_unusable_or_obsolete.assert_called_once_with()
        [record] = [record for record in caplog.records if record.name == "config.middleware"]
        assert record.getMessage() == f"Database unavailable: GET {url} from 203.0.113.9 answered 503"
        assert record.exc_info

    @pytest.mark.django_db
    def test_the_drivers_own_error_arrives_wrapped(self, client, db_connections):
        # What psycopg (or sqlite3) raises when the server is gone reaches the view as Django's OperationalError.
        def cursor_of_a_dead_server(*args, **kwargs):
            raise connection.Database.OperationalError("server closed the connection unexpectedly")

        with mock.patch.object(connection, "create_cursor", cursor_of_a_dead_server):
            response = client.get("/requete/")
        assert response.status_code == 503
        assert response["Retry-After"] == "5"

    def test_other_errors_are_left_alone(self, client, db_connections):
        with pytest.raises(ValueError, match="a bug"):
            client.get("/bogue/")
        db_connections.close_if_unusable_or_obsolete.assert_not_called()

    def test_development_shows_the_error(self, client, db_connections, settings):
        settings.DEBUG = True
        with pytest.raises(OperationalError):
            client.get("/panne/")

    def test_the_page_needs_no_database(self, django_assert_num_queries, db):
        with django_assert_num_queries(0):
            response = middleware.database_unavailable_response()
        assert response.status_code == 503
        assert '<html lang="fr">' in response.content.decode()


@pytest.mark.urls(__name__)
class TestPermissionsPolicy:
    def test_header(self, client):
        response = client.get("/ok/")
        assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    def test_a_view_may_set_its_own(self, client):
        assert client.get("/politique/")["Permissions-Policy"] == "camera=(self)"


def session_write(request):
    request.session["seen"] = True  # saved by SessionMiddleware on the way out, after the view
    return HttpResponse("ok")


urlpatterns.append(path("session/", session_write))


@pytest.mark.urls(__name__)
class TestDatabaseLostOutsideTheView:
    """Regression (proof, issue 6): the session saved after the view met the outage and gave a 500."""

    def test_a_session_save_that_fails_answers_503(self, db_connections, db):
        from django.contrib.sessions.backends.db import SessionStore
        from django.test import Client

        def save_fails(self, must_create=False):
            raise OperationalError("server closed the connection unexpectedly")

        with mock.patch.object(SessionStore, "save", save_fails):
            response = Client(raise_request_exception=False).get("/session/")
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert "Traceback" not in response.content.decode()

    def test_another_error_outside_the_view_stays_a_500(self, db_connections, db):
        from django.contrib.sessions.backends.db import SessionStore
        from django.test import Client

        def save_fails(self, must_create=False):
            raise ValueError("a bug")

        with mock.patch.object(SessionStore, "save", save_fails):
            response = Client(raise_request_exception=False).get("/session/")
        assert response.status_code == 500
