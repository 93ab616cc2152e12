"""Counters in the shared cache: how often someone did something in the current minute, hour…

A rate limit counts in fixed windows: one counter a window, keyed on what is counted and on the
window's number since the epoch (`rate:{what}:{seconds}:{window}`), living a little longer than its
window, so nothing has to reset it. The counters are in the default cache, shared by every process.

Counting fails closed: where Redis cannot be reached, `count_in_windows` raises one of
`caching.backends.REDIS_UNREACHABLE` instead of counting zero, so a flood cannot pass while Redis is
down; the caller refuses the action with a message.
"""

import functools
import time

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

# A counter outlives its window by this much, so a late increment still finds it.
GRACE_SECONDS = 5


def count_in_windows(what: str, windows: tuple[int, ...], *, now: float | None = None) -> list[int]:
    """Count one more `what` in the current window of each length (in seconds); the new counts, in order."""
    now = int(time.time() if now is None else now)
    counters = {f"rate:{what}:{seconds}:{now // seconds}": seconds + GRACE_SECONDS for seconds in windows}
    return increment(counters)


def increment(counters: dict[str, int]) -> list[int]:
    """Add one to each counter (key -> lifetime in seconds), creating it; the new values, in order.

    On Redis, in one round trip (SET NX EX then INCR, pipelined), where Django's cache API
    would take three a counter (add, then incr's EXISTS and INCR).
    """
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _increment_on_redis(backend, counters)
    counts = []
    for key, timeout in counters.items():
        backend.add(key, 0, timeout=timeout)
        try:
            counts.append(backend.incr(key))
        except ValueError:  # evicted between add and incr
            backend.set(key, 1, timeout=timeout)
            counts.append(1)
    return counts


def _increment_on_redis(backend: RedisCache, counters: dict[str, int]) -> list[int]:
    keys = [backend.make_and_validate_key(key) for key in counters]
    pipe = _redis_client(_primary(settings.CACHES["default"]["LOCATION"])).pipeline(transaction=False)
    for key, timeout in zip(keys, counters.values(), strict=True):
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
    return [int(value) for value in pipe.execute()[1::2]]


def _primary(location) -> str:
    """The server Django's Redis cache writes to: the first of its LOCATION (a list, or comma-separated)."""
    servers = location.split(",") if isinstance(location, str) else list(location)
    return servers[0].strip()


@functools.cache
def _redis_client(url: str) -> redis.Redis:
    """One client (and connection pool) a process for the counters' server, made by redis-py's public API."""
    return redis.Redis.from_url(url)
