"""A logged-in reader's identity without a database round trip: their user row and whether their address is verified.

What is cached, for whom, keyed on what
    reader  The user row of a logged-in reader (the model instance, pickled) with whether their
            primary address is verified, in the shared cache (``default``: Redis in production —
            the cache every process shares, as the sessions' ``cached_db`` does) for
            ACCOUNTS_READER_CACHE_SECONDS (0: off, the default without REDIS_URL). Key: the user's id.
            Read in the same round trip as the session when this process already saw that session
            (accounts/sessions.py asks for both keys at once; the hint is the session's reader last time).

Who may use an entry
    The entry is only a faster read of the row: accounts.middleware.AuthenticationMiddleware still
    checks, on every request, that the session names this user through the backend it logged in
    with, that the account may log in (`is_active`) and that the session's auth hash matches the
    row's password hash — or it asks Django's own `get_user`, which logs out a session that fails.
    One reader's entry is never served to another: the id comes from their signed session.

Dropped when
    Explicitly, at once and again when the transaction commits (a request between the two would
    otherwise store the old row back): on every save or deletion of the user row and of one of
    their allauth e-mail addresses (accounts/apps.py connects the model signals: allauth, the admin
    and the services all write through them) — a ban, a suspension, a new password, a logout of
    every session, a verified address take effect on the next request. A bulk ``QuerySet.update()``
    of users or addresses bypasses those signals: it must call `forget_reader` (none does today),
    and the timeout bounds the lag otherwise.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

# Which reader each session held, for the sessions this process saw last: a hint, so that the session and the
# reader's entry come from the cache in one round trip (accounts/sessions.py). A session key names one user for
# its whole life (Django makes a new key at login and logout); the hint is checked anyway — `cached_reader` gives a
# prefetched entry only for the user the session names.
_SESSION_READERS: OrderedDict[str, int] = OrderedDict()
SESSION_READERS_KEPT = 10_000
_SESSION_READERS_LOCK = threading.Lock()


def _reader_key(user_pk) -> str:
    return f"reader:{int(user_pk)}"


def _timeout() -> int:
    return getattr(settings, "ACCOUNTS_READER_CACHE_SECONDS", 0)


def cached_reader(user_pk, session=None):
    """The reader's entry, ``(user, verified)``, or None (not cached, or the cache is off): as `session` read it
    along with itself when it was for this reader (accounts/sessions.py), else from the cache."""
    if not _timeout():
        return None
    key = _reader_key(user_pk)
    prefetched = getattr(session, "prefetched_reader", None)
    if prefetched is not None and prefetched[0] == key:
        return prefetched[1]
    return cache.get(key)


def remember_session_reader(session_key: str | None, user_pk) -> None:
    """Note that `session_key` holds `user_pk`, for the next request of that session in this process."""
    if session_key is None or not _timeout():
        return
    with _SESSION_READERS_LOCK:  # threads of one process (GUNICORN_THREADS above 1) share the hints
        _SESSION_READERS[session_key] = int(user_pk)
        _SESSION_READERS.move_to_end(session_key)
        while len(_SESSION_READERS) > SESSION_READERS_KEPT:
            _SESSION_READERS.popitem(last=False)


def hinted_reader_key(session_key: str | None) -> str | None:
    """The cache key of the reader `session_key` held when this process last saw it, or None."""
    user_pk = _SESSION_READERS.get(session_key) if session_key and _timeout() else None
    return None if user_pk is None else _reader_key(user_pk)


def keep_reader(user, *, verified: Callable[[], bool]) -> None:
    """Keep a reader's row, as loaded by the authentication backend, and whether their address is verified
    (`verified()`, asked only when the cache is on)."""
    if _timeout():
        cache.set(_reader_key(user.pk), (user, verified()), _timeout())


def forget_reader(user_pk) -> None:
    """Drop a reader's entry now and when the current transaction commits."""
    if user_pk is None:
        return
    key = _reader_key(user_pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
