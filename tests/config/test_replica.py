"""The replica router (config/replica.py) on the test database's mirror: which alias each request reads,
the read-your-writes window, and the fallback to the primary when the replica is down or behind.

The `replica` alias is tests/conftest.py's: built by settings.replica_database, mirroring the test
database (`TEST: {"MIRROR": "default"}`), so each alias's queries are counted on its own connection."""

import json
import logging
import os
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.models import Post
from comments.models import Comment
from config import replica
from config.replica import health

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def routed(settings):
    """The router and its middleware installed, as DATABASE_REPLICA_URL installs them."""
    settings.DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("config.middleware.DatabaseUnavailableMiddleware") + 1, "config.replica.ReplicaMiddleware"
    )
    settings.MIDDLEWARE = middleware
    health.usable, health.checked_at = True, float("-inf")
    yield
    health.usable, health.checked_at = True, float("-inf")


@contextmanager
def counted():
    """The queries each alias ran inside the block, as lists of SQL."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as copy,
    ):
        result = {}
        yield result
    result["default"] = [q["sql"] for q in primary.captured_queries]
    result["replica"] = [q["sql"] for q in copy.captured_queries]


def read(queries, table):
    return [sql for sql in queries if f'"{table}"' in sql and sql.lstrip().upper().startswith("SELECT")]


@contextmanager
def replica_down():
    """The replica's server gone: every query on its connection fails as psycopg's would, wrapped by Django."""
    connection = connections["replica"]

    def refused():
        with connection.wrap_database_errors:  # as Django meets a driver's error: wrapped, and noted
            raise connection.Database.OperationalError("connection to 127.0.0.1 port 5433 failed: refused")

    connection.close()
    connection.ensure_connection = refused
    try:
        yield
    finally:
        del connection.ensure_connection
        connection.errors_occurred = False  # a new connection starts clean (SQLite's in-memory one is never closed)


def replica_logs(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "config.replica"]


class TestWhichAliasReads:
    def test_an_anonymous_post_page_reads_the_replica(self, routed, client, post):
        with counted() as q:
            assert client.get(post.get_absolute_url()).status_code == 200
        assert read(q["replica"], "blog_post")
        assert not read(q["default"], "blog_post")

    def test_lists_and_feeds_read_the_replica(self, routed, client, post):
        for path in (reverse("blog:post_list"), reverse("blog:feed_rss"), reverse("comments:feed_atom")):
            with counted() as q:
                assert client.get(path).status_code == 200
            assert q["replica"], path
            assert not read(q["default"], "blog_post"), path

    def test_a_logged_in_reader_who_wrote_nothing_reads_the_replica(self, routed, client, post, reader):
        client.force_login(reader)
        with counted() as q:
            assert client.get(post.get_absolute_url()).status_code == 200
        assert read(q["replica"], "blog_post")

    def test_the_admin_reads_the_primary(self, routed, client, pending_comment, moderator):
        client.force_login(moderator)
        with counted() as q:
            assert client.get(reverse("admin:comments_comment_changelist")).status_code == 200
        assert read(q["default"], "comments_comment")
        assert q["replica"] == []

    def test_login_and_sign_up_read_the_primary(self, routed, client):
        for path in (reverse("account_login"), reverse("account_signup")):
            with counted() as q:
                assert client.get(path).status_code == 200
            assert q["replica"] == [], path

    def test_a_post_reads_and_writes_the_primary(self, routed, client, post, reader):
        client.force_login(reader)
        url = reverse("comments:create", kwargs={"post_id": post.pk})
        with counted() as q:
            assert client.post(url, {"body": "Lu sur le primaire."}).status_code == 302
        assert q["replica"] == []
        assert read(q["default"], "blog_post")

    def test_no_request_means_the_primary(self, routed):
        # The task worker, a management command, a shell: no request has allowed the replica.
        assert router.db_for_read(Post) == "default"
        assert router.db_for_write(Post) == "default"

    def test_inside_a_transaction_reads_stay_on_the_primary(self, routed):
        token = replica._route.set(replica.Route(replica_allowed=True))
        try:
            assert router.db_for_read(Post) == "replica"
            with transaction.atomic():
                assert router.db_for_read(Post) == "default"
        finally:
            replica._route.reset(token)

    def test_migrations_only_on_the_primary(self, routed):
        assert router.allow_migrate("default", "blog") is True
        assert router.allow_migrate("replica", "blog") is False


class TestReadYourWrites:
    def test_after_a_comment_its_author_reads_the_primary_for_the_window(self, routed, client, post, reader, settings):
        settings.DATABASE_READ_YOUR_WRITES_SECONDS = 7
        client.force_login(reader)
        url = reverse("comments:create", kwargs={"post_id": post.pk})
        response = client.post(url, {"body": "Mon commentaire, tout de suite."})
        cookie = response.cookies[settings.DATABASE_PRIMARY_COOKIE]
        assert cookie["max-age"] == 7
        assert cookie["httponly"]
        assert 6 < float(cookie.value) - time.time() <= 7.001  # written to the millisecond
        with counted() as q:
            html = client.get(post.get_absolute_url()).content.decode()
        assert "Mon commentaire, tout de suite." in html
        assert q["replica"] == []

    def test_once_the_window_is_past_the_replica_again(self, routed, client, post, reader, settings):
        client.force_login(reader)
        client.cookies[settings.DATABASE_PRIMARY_COOKIE] = f"{time.time() - 1:.3f}"
        with counted() as q:
            client.get(post.get_absolute_url())
        assert read(q["replica"], "blog_post")

    @pytest.mark.parametrize("value", ["", "demain", "nan-ish"])
    def test_a_mangled_cookie_is_no_error(self, routed, client, post, settings, value):
        client.cookies[settings.DATABASE_PRIMARY_COOKIE] = value
        assert client.get(post.get_absolute_url()).status_code == 200

    def test_anonymous_readers_never_see_a_pending_comment(self, routed, client, pending_comment):
        html = client.get(pending_comment.post.get_absolute_url()).content.decode()
        assert pending_comment.body not in html
        assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 1


class TestFallback:
    def test_a_down_replica_sends_reads_to_the_primary_logged_once(self, routed, client, post, caplog):
        caplog.set_level(logging.WARNING, logger="config.replica")
        with replica_down():
            with CaptureQueriesContext(connections["default"]) as primary:
                assert client.get(post.get_absolute_url()).status_code == 200
            assert read([q["sql"] for q in primary.captured_queries], "blog_post")
            for path in (reverse("blog:post_list"), reverse("blog:feed_atom")):
                health.checked_at = float("-inf")  # each request probes again
                assert client.get(path).status_code == 200
        logs = replica_logs(caplog)
        assert len(logs) == 1
        assert "unreachable" in logs[0]
        assert "reads go to the primary" in logs[0]

    def test_reads_go_back_when_it_returns_logged_once(self, routed, client, post, caplog):
        caplog.set_level(logging.WARNING, logger="config.replica")
        with replica_down():
            health.checked_at = float("-inf")
            client.get(post.get_absolute_url())
        health.checked_at = float("-inf")
        with counted() as q:
            client.get(post.get_absolute_url())
        assert read(q["replica"], "blog_post")
        assert [m.split(" (")[0] for m in replica_logs(caplog)] == [
            "Database replica unreachable",
            "Database replica usable again",
        ]

    def test_a_lagging_replica_is_left_aside(self, routed, client, post, settings, monkeypatch, caplog):
        settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 2
        monkeypatch.setattr(replica, "replica_lag", lambda: 30.0)
        with counted() as q:
            assert client.get(post.get_absolute_url()).status_code == 200
        assert not read(q["replica"], "blog_post")
        assert read(q["default"], "blog_post")
        assert "30.0 s behind (bound: 2 s)" in replica_logs(caplog)[0]

    def test_a_lag_gone_a_moment_later_is_no_lag(self, routed, client, post, monkeypatch, caplog):
        # A quiet primary, then a commit: the last one replayed is old until this one is replayed.
        answers = iter([30.0, 0.0])
        monkeypatch.setattr(replica, "replica_lag", lambda: next(answers))
        with counted() as q:
            client.get(post.get_absolute_url())
        assert read(q["replica"], "blog_post")
        assert replica_logs(caplog) == []

    def test_the_replica_is_asked_at_most_once_a_check_interval(self, routed, client, post, settings, monkeypatch):
        settings.DATABASE_REPLICA_CHECK_SECONDS = 60
        asked = []
        monkeypatch.setattr(replica, "replica_lag", lambda: asked.append(1) or 0.0)
        for _ in range(3):
            client.get(post.get_absolute_url())
        assert len(asked) == 1

    def test_a_replica_lost_mid_request_is_answered_from_the_primary(self, routed, client, post, caplog):
        health.checked_at = time.monotonic()  # just probed, fit: the request goes to the replica…
        with replica_down():  # …which is gone
            response = client.get(post.get_absolute_url())
        assert response.status_code == 200
        assert post.title in response.content.decode()
        assert "failed mid-request" in replica_logs(caplog)[0]
        assert health.usable is False

    def test_the_primary_failing_is_not_taken_for_the_replica(self, routed, client, post, monkeypatch):
        # The view fails on the primary (say, its session's user) while it read the replica too: no retry,
        # the replica stays in use, and config.middleware's 503 answers (its page in development: an error).
        from blog import views

        calls = []

        def broken(*args, **kwargs):
            calls.append(1)
            list(Post.objects.all())  # a read on the replica, which works
            raise OperationalError("the primary is gone")

        monkeypatch.setattr(views.PostDetailView, "get", broken)
        client.raise_request_exception = False
        assert client.get(post.get_absolute_url()).status_code >= 500
        assert calls == [1]
        assert health.usable is True


class TestSettings:
    """DATABASE_REPLICA_URL unset: no alias, no router, no middleware — the settings as they ever were."""

    SHOW = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([sorted(s.DATABASES), s.DATABASE_ROUTERS, "
        "[m for m in s.MIDDLEWARE if 'replica' in m], s.DATABASES.get('replica', {}).get('TEST')]))"
    )

    def settings_with(self, **env):
        base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_REPLICA_URL", "DATABASE_URL"}}
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-c", f"import django; django.setup(); {self.SHOW}"],
            env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1", **env},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return json.loads(result.stdout)

    def test_without_the_variable_nothing_changes(self):
        assert self.settings_with() == [["default"], [], [], None]

    def test_with_it_the_alias_router_and_middleware(self):
        aliases, routers, middleware, test = self.settings_with(
            DATABASE_REPLICA_URL="postgres://causerie@127.0.0.1:5433/causerie"
        )
        assert aliases == ["default", "replica"]
        assert routers == ["config.replica.ReplicaRouter"]
        assert middleware == ["config.replica.ReplicaMiddleware"]
        assert test["MIRROR"] == "default"
