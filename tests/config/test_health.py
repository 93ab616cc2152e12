from unittest import mock

import pytest
from django.core.cache import caches
from django.db import OperationalError, connections
from django.urls import reverse

pytestmark = pytest.mark.django_db


class TestHealthz:
    def test_all_well(self, client):
        response = client.get(reverse("healthz"))
        assert response.status_code == 200
        assert response.json() == {"database": "ok", "cache": "ok"}
        assert "no-store" in response["Cache-Control"]

    def test_database_down(self, client):
        with mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("connection refused")):
            response = client.get(reverse("healthz"))
        assert response.status_code == 503
        assert response.json() == {"database": "error", "cache": "ok"}
        assert "no-store" in response["Cache-Control"]

    def test_cache_down(self, client):
        with mock.patch.object(caches["default"], "set", side_effect=ConnectionError("redis refused")):
            response = client.get(reverse("healthz"))
        assert response.status_code == 503
        assert response.json() == {"database": "ok", "cache": "error"}

    def test_cache_that_forgets(self, client):
        with mock.patch.object(caches["default"], "get", return_value=None):
            response = client.get(reverse("healthz"))
        assert response.status_code == 503
        assert response.json() == {"database": "ok", "cache": "error"}

    def test_exempt_from_the_https_redirect_for_plain_http_probes(self, client, settings):
        settings.SECURE_SSL_REDIRECT = True
        assert client.get(reverse("healthz")).status_code == 200
        assert client.get(reverse("blog:post_list")).status_code == 301

    def test_read_only(self, client):
        assert client.post(reverse("healthz")).status_code == 405
