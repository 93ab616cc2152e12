"""caching.readers with accounts.middleware.AuthenticationMiddleware: a reader's row without a query, never another's,
never stale after a save, never for a write."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user, login
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.middleware import _reader_or_user
from accounts.services import user_ban
from caching.readers import (
    _SESSION_READERS,
    _reader_key,
    cached_reader,
    hinted_reader_key,
    keep_reader,
    remember_session_reader,
)
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reader_cache_on(settings):
    settings.ACCOUNTS_READER_CACHE_SECONDS = 300


def _user_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q["sql"] for q in queries if "accounts_user" in q["sql"] or "account_emailaddress" in q["sql"]]


def _page(post):
    return post.get_absolute_url()


class TestCachedRow:
    def test_the_second_page_reads_neither_the_user_nor_their_address(self, client, reader, post):
        client.force_login(reader)
        first, asked = _user_queries(client, _page(post))
        assert asked  # the row and the address, read once
        second, asked = _user_queries(client, _page(post))
        assert asked == []
        assert "Claire Lectrice" in second.text
        assert 'name="body"' in second.text  # verified: the form, from the cached flag

    def test_off_reads_the_database_every_time(self, client, reader, post, settings):
        settings.ACCOUNTS_READER_CACHE_SECONDS = 0
        client.force_login(reader)
        client.get(_page(post))
        _, asked = _user_queries(client, _page(post))
        assert asked
        assert cached_reader(reader.pk) is None

    def test_each_reader_gets_their_own_row(self, client, reader, post):
        other = UserFactory(display_name="Octave Autre")
        mine, theirs = client, client.__class__()
        mine.force_login(reader)
        theirs.force_login(other)
        for _ in range(2):
            assert "Claire Lectrice" in mine.get(_page(post)).text
            page = theirs.get(_page(post)).text
            assert "Octave Autre" in page and "Claire Lectrice" not in page

    def test_a_row_under_another_id_is_not_taken(self, client, reader, post):
        """An entry is only believed if the session's auth hash matches its password hash."""
        other = UserFactory(display_name="Octave Autre", password="un-autre-mot-de-passe-99")
        client.force_login(reader)
        cache.set(_reader_key(reader.pk), (other, True), 300)
        page = client.get(_page(post)).text
        assert "Octave Autre" not in page
        assert "Claire Lectrice" in page  # the row read again from the database, and kept
        assert cached_reader(reader.pk)[0].display_name == "Claire Lectrice"


class TestDroppedOnSave:
    def test_a_ban_shows_at_once(self, client, reader, post):
        client.force_login(reader)
        client.get(_page(post))
        assert cached_reader(reader.pk) is not None
        user_ban(user=reader, moderator=ModeratorFactory(is_superuser=True), reason="spam")
        assert cached_reader(reader.pk) is None
        page = client.get(_page(post)).text
        assert 'name="body"' not in page

    @pytest.mark.parametrize("service", ["comment_approve_and_trust", "comment_reject"])
    def test_trust_given_or_withdrawn_drops_the_row(self, client, reader, post, service):
        from comments import services
        from tests.factories import CommentFactory

        reader.trusted = service == "comment_reject"
        reader.save(update_fields=["trusted"])
        client.force_login(reader)
        client.get(_page(post))
        assert cached_reader(reader.pk) is not None
        getattr(services, service)(comment=CommentFactory(post=post, author=reader), moderator=ModeratorFactory())
        assert cached_reader(reader.pk) is None

    def test_a_new_password_logs_the_other_sessions_out(self, client, reader, post):
        client.force_login(reader)
        client.get(_page(post))
        reader.set_password("un-tout-nouveau-mot-de-passe-7")
        reader.save()
        assert "Se connecter" in client.get(_page(post)).text

    def test_a_deactivated_or_deleted_account_is_logged_out(self, client, reader, post):
        client.force_login(reader)
        client.get(_page(post))
        reader.is_active = False
        reader.save(update_fields=["is_active"])
        assert "Se connecter" in client.get(_page(post)).text
        other = UserFactory()
        client.force_login(other)
        client.get(_page(post))
        pk = other.pk
        other.delete()
        assert cached_reader(pk) is None
        assert "Se connecter" in client.get(_page(post)).text

    def test_an_address_verified_shows_the_form(self, client, unverified_reader, post):
        client.force_login(unverified_reader)
        assert 'name="body"' not in client.get(_page(post)).text
        assert cached_reader(unverified_reader.pk) == (unverified_reader, False)
        EmailAddress.objects.filter(user=unverified_reader).get().set_verified(commit=True)
        assert cached_reader(unverified_reader.pk) is None
        assert 'name="body"' in client.get(_page(post)).text

    def test_logout_takes_effect_at_once(self, client, reader, post):
        client.force_login(reader)
        client.get(_page(post))
        client.post(reverse("account_logout"))
        assert "Se connecter" in client.get(_page(post)).text


class TestWritesReadTheDatabase:
    def test_a_post_never_uses_the_cached_row(self, rf, reader):
        request = rf.get("/")
        request.session = SessionStore()
        request.user = reader
        login(request, reader, backend="django.contrib.auth.backends.ModelBackend")
        stale = type(reader).objects.get(pk=reader.pk)
        stale.display_name = "Nom périmé"
        keep_reader(stale, verified=lambda: True)

        read = rf.get("/")
        read.session = request.session
        assert _reader_or_user(read).display_name == "Nom périmé"  # a page: the cached row

        write = rf.post("/")
        write.session = request.session
        user = _reader_or_user(write)
        assert user.display_name == "Claire Lectrice" == get_user(write).display_name
        assert getattr(user, "verified_email", None) is None  # asked of the database when needed


class TestReadWithTheSession:
    """accounts/sessions.py: with cached_db sessions, the reader's entry comes in the session's own round trip."""

    @pytest.fixture(autouse=True)
    def _cached_sessions(self, settings):
        settings.SESSION_ENGINE = "accounts.sessions"
        _SESSION_READERS.clear()
        yield
        _SESSION_READERS.clear()

    def _cache_reads(self, client, url, monkeypatch):
        """The cache reads a request makes, as round trips: a `get_many` is one (on Redis, an MGET), whatever
        the local-memory backend of the tests does inside it."""
        reads, inside = [], []
        real_get, real_get_many = cache.get, cache.get_many

        def get(key, *args, **kwargs):
            if not inside:
                reads.append(("get", key))
            return real_get(key, *args, **kwargs)

        def get_many(keys, *args, **kwargs):
            reads.append(("get_many", tuple(keys)))
            inside.append(True)
            try:
                return real_get_many(keys, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(cache, "get", get)
        monkeypatch.setattr(cache, "get_many", get_many)
        response = client.get(url)
        monkeypatch.undo()
        return response, reads

    def test_one_round_trip_for_the_session_and_the_reader(self, client, reader, post, monkeypatch):
        client.force_login(reader)
        client.get(_page(post))  # the process learns which reader the session holds
        response, reads = self._cache_reads(client, _page(post), monkeypatch)
        assert "Claire Lectrice" in response.text
        session_reads = [r for r in reads if "sessions" in str(r[1])]
        assert len(session_reads) == 1 and session_reads[0][0] == "get_many"
        assert _reader_key(reader.pk) in session_reads[0][1]
        assert ("get", _reader_key(reader.pk)) not in reads

    def test_a_wrong_hint_is_never_served(self, client, reader, post):
        other = UserFactory(display_name="Octave Autre")
        keep_reader(other, verified=lambda: True)
        client.force_login(reader)
        client.get(_page(post))
        _SESSION_READERS[client.session.session_key] = other.pk  # as if the session had held someone else
        page = client.get(_page(post)).text
        assert "Claire Lectrice" in page and "Octave Autre" not in page

    def test_a_saved_reader_is_read_afresh(self, client, reader, post):
        client.force_login(reader)
        client.get(_page(post))
        reader.display_name = "Claire Renommée"
        reader.save()
        assert "Claire Renommée" in client.get(_page(post)).text

    def test_the_hints_are_bounded(self, monkeypatch):
        monkeypatch.setattr("caching.readers.SESSION_READERS_KEPT", 3)
        for n in range(5):
            remember_session_reader(f"cle-{n}", n)
        assert list(_SESSION_READERS) == ["cle-2", "cle-3", "cle-4"]
        assert hinted_reader_key("cle-0") is None and hinted_reader_key("cle-4") == _reader_key(4)
