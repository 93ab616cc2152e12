"""Django's Redis cache, made to degrade when Redis is down.

The site keeps pages, comment threads and sessions (cached_db) in Redis, all of which the
database can rebuild: when Redis cannot be reached, a read is a miss and a write is skipped
(logged), so readers still get their pages, from the database. Counting is different: the
comment rate limit (comments.services._bump, on the Redis client itself) must not let a
flood through when it cannot count, so it still raises, and the comment view refuses the
comment with a message (fail closed). `add`, `incr` and `decr` raise as well, for the same
reason.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
UNREACHABLE = (*REDIS_UNREACHABLE, OSError)
LOG_EVERY_SECONDS = 10


class DegradableRedisCache(RedisCache):
    """RedisCache whose reads miss and writes are skipped while Redis is unreachable."""

    _last_logged = 0.0

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


class ProcessMemoryCache(LocMemCache):
    """A process's own memory, like LocMemCache, but values are kept as they are instead of pickled.

    For values that never change once stored — a key that names one version of a thing — and that
    readers never modify: a comment thread is read on every page a logged-in reader opens, and
    unpickling its 200 comments and 600 hole positions took a millisecond each time. Whoever gets a
    value gets the stored object itself: treat it as read-only. `incr` and `decr` work on numbers.
    """

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            value = self._cache[key] + delta
            self._cache[key] = value
            self._cache.move_to_end(key, last=False)
        return value
