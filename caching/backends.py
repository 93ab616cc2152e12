"""The site's cache backends: Redis that degrades when it is down, and a process's own memory.

`DegradableRedisCache`: the site keeps pages, comment threads and sessions (cached_db) in Redis,
all of which the database can rebuild: when Redis cannot be reached, a read is a miss and a write
is skipped (logged), so readers still get their pages, from the database. Counting is different:
the comment rate limit (caching/counters.py, on a Redis client of its own) must not let a flood
through when it cannot count, so it still raises `REDIS_UNREACHABLE`, and the comment view refuses
the comment with a message (fail closed). `add`, `incr` and `decr` raise as well, for the same
reason.

`ProcessMemoryCache`: values kept as they are, not pickled, in the memory of each process (see
its docstring).
"""

import logging
import secrets
import threading
import time
from collections import OrderedDict

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
UNREACHABLE = (*REDIS_UNREACHABLE, OSError)
LOG_EVERY_SECONDS = 10


def shared_cache_round_trip() -> bool:
    """Whether the shared cache gives back what was just stored in it (for /healthz), under a throwaway key."""
    key, token = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, token, timeout=10)
        found = cache.get(key)
        cache.delete(key)
    except Exception:
        logger.exception("Health check: cache unreachable")
        return False
    if found != token:
        logger.error("Health check: the cache did not return what was just stored")
        return False
    return True


class _ReusedClients(RedisCacheClient):
    """Django's Redis client, keeping one `redis.Redis` per connection pool instead of making one per operation.

    Django builds a `redis.Redis` for every get and set: about 0.1 ms each time (its table of some 170
    response callbacks), twice on every page a logged-in reader opens (the session, the reader's row).
    A `redis.Redis` is safe to share between threads: each command takes a connection from the pool.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class DegradableRedisCache(RedisCache):
    """RedisCache whose reads miss and writes are skipped while Redis is unreachable."""

    _last_logged = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClients

    def _unreachable(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - DegradableRedisCache._last_logged > LOG_EVERY_SECONDS:
            DegradableRedisCache._last_logged = now
            logger.warning("Redis unreachable (%s): %r; serving without the cache", operation, error)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            self._unreachable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            self._unreachable("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            self._unreachable("has_key", error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            self._unreachable("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as error:
            self._unreachable("set_many", error)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as error:
            self._unreachable("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE as error:
            self._unreachable("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except UNREACHABLE as error:
            self._unreachable("delete_many", error)


class _Store:
    """The entries of one LOCATION (key -> (expiry or None, value)), least recently used first."""

    def __init__(self):
        self.entries: OrderedDict[str, tuple[float | None, object]] = OrderedDict()
        self.lock = threading.Lock()


# Django makes a backend instance per thread: the threads of a process share its LOCATION's store.
_stores: dict[str, _Store] = {}
_stores_lock = threading.Lock()


class ProcessMemoryCache(BaseCache):
    """A process's own memory, like LocMemCache, but values are kept as they are instead of pickled.

    For values that never change once stored — a key that names one version of a thing — and that
    readers never modify: a comment thread is read on every page a logged-in reader opens, and
    unpickling its 200 comments and 600 hole positions took a millisecond each time. Whoever gets a
    value gets the stored object itself: treat it as read-only. `incr` and `decr` work on numbers.
    Past OPTIONS["MAX_ENTRIES"] (300), the least recently used entry makes room.
    """

    def __init__(self, name, params):
        super().__init__(params)
        self.max_entries = max(1, int(params.get("OPTIONS", {}).get("MAX_ENTRIES", 300)))
        with _stores_lock:
            self.store = _stores.setdefault(name, _Store())

    def _live(self, key):
        """The entry under `key` if it has not expired (dropping it if it has); call with the lock held."""
        entry = self.store.entries.get(key)
        if entry is not None and entry[0] is not None and entry[0] <= time.time():
            del self.store.entries[key]
            return None
        return entry

    def _put(self, key, value, timeout) -> None:
        """Store `value` as the most recently used entry; call with the lock held."""
        entries = self.store.entries
        if key not in entries:
            while len(entries) >= self.max_entries:
                entries.popitem(last=False)
        entries[key] = (self.get_backend_timeout(timeout), value)
        entries.move_to_end(key)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self.store.lock:
            if self._live(key) is not None:
                return False
            self._put(key, value, timeout)
            return True

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self.store.lock:
            entry = self._live(key)
            if entry is None:
                return default
            self.store.entries.move_to_end(key)
            return entry[1]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self.store.lock:
            self._put(key, value, timeout)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self.store.lock:
            entry = self._live(key)
            if entry is None:
                return False
            self.store.entries[key] = (self.get_backend_timeout(timeout), entry[1])
            return True

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self.store.lock:
            entry = self._live(key)
            if entry is None:
                raise ValueError(f"Key '{key}' not found")
            value = entry[1] + delta
            self.store.entries[key] = (entry[0], value)
            self.store.entries.move_to_end(key)
            return value

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self.store.lock:
            return self._live(key) is not None

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self.store.lock:
            return self.store.entries.pop(key, None) is not None

    def clear(self):
        with self.store.lock:
            self.store.entries.clear()

    def items(self) -> list[tuple[str, object]]:
        """The live entries (each key as stored, with its prefix and version), least recently used first.

        For looking inside: tests, a shell.
        """
        now = time.time()
        with self.store.lock:
            entries = self.store.entries.items()
            return [(key, value) for key, (expiry, value) in entries if expiry is None or expiry > now]
