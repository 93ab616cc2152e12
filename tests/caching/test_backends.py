"""caching.backends: ProcessMemoryCache, a process's own memory for values that never change once stored, and the
Redis client DegradableRedisCache reuses."""

import os
import uuid

import pytest
from django.core.cache import caches

from caching.backends import DegradableRedisCache, ProcessMemoryCache


@pytest.fixture
def memory():
    cache = ProcessMemoryCache("tests-process-memory", {"OPTIONS": {"MAX_ENTRIES": 3}})
    cache.clear()
    yield cache
    cache.clear()


class TestProcessMemoryCache:
    def test_gives_back_the_stored_object_itself_unpickled(self, memory):
        thread = {"html": "<li>…</li>", "holes": {("actions", 1): (4, 0)}}
        memory.set("post:1:thread:3:fr", thread)
        assert memory.get("post:1:thread:3:fr") is thread
        assert memory.get("post:1:thread:4:fr", "absent") == "absent"

    def test_keeps_what_cannot_be_pickled(self, memory):
        value = (lambda: "a function", object())
        memory.set("k", value)
        assert memory.get("k") is value

    def test_expiry_add_incr_delete(self, memory):
        memory.set("gone", 1, timeout=-1)
        assert memory.get("gone") is None
        assert memory.add("n", 1) is True and memory.add("n", 5) is False
        assert memory.incr("n", 2) == 3 and memory.get("n") == 3
        with pytest.raises(ValueError):
            memory.incr("missing")
        memory.delete("n")
        assert not memory.has_key("n")

    def test_culls_the_least_recently_used_past_its_size(self, memory):
        for n in range(3):
            memory.set(f"k{n}", n)
        memory.get("k0")  # used: k1 is now the oldest
        memory.set("k3", 3)
        assert memory.get("k0") == 0 and memory.get("k3") == 3
        assert memory.get("k1") is None

    def test_the_site_keeps_threads_and_frames_in_it(self, settings):
        local = caches[settings.COMMENTS_THREAD_LOCAL_CACHE]
        assert isinstance(local, ProcessMemoryCache)
        assert settings.BLOG_PAGE_FRAME_CACHE == settings.COMMENTS_THREAD_LOCAL_CACHE


class TestProcessMemoryCacheShared:
    def test_the_threads_of_a_process_share_a_location(self, memory):
        other = ProcessMemoryCache("tests-process-memory", {"OPTIONS": {"MAX_ENTRIES": 3}})  # another thread's
        value = object()
        memory.set("k", value)
        assert other.get("k") is value
        other.delete("k")
        assert memory.get("k") is None

    def test_touch_and_items_follow_expiry(self, memory):
        memory.set("short", 1, timeout=-1)
        memory.set("long", 2)
        assert memory.touch("long", timeout=None) and not memory.touch("short")
        assert not memory.has_key("short")
        assert [value for _key, value in memory.items()] == [2]


class TestDegradableRedisCacheClients:
    """One `redis.Redis` per connection pool, not one per operation (caching.backends._ReusedClients)."""

    @pytest.fixture
    def redis_cache(self):
        cache = DegradableRedisCache(
            os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12"),
            {"KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}"},
        )
        try:
            cache.set("ping", 1)
        except Exception:  # noqa: BLE001 — DegradableRedisCache skips writes without a server; `add` raises
            pytest.skip("no Redis server")
        if cache.get("ping") != 1:
            pytest.skip("no Redis server")
        yield cache
        cache.clear()

    def test_operations_share_one_client_and_still_work(self, redis_cache):
        client = redis_cache._cache.get_client(write=True)
        redis_cache.set("session", {"user": 7}, 30)
        assert redis_cache.get("session") == {"user": 7}
        assert redis_cache.add("n", 1) is True and redis_cache.incr("n") == 2
        assert redis_cache._cache.get_client() is client and redis_cache._cache.get_client(write=True) is client

    def test_a_dead_server_still_reads_as_a_miss(self):
        dead = DegradableRedisCache("redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
        assert dead.get("clé", "défaut") == "défaut" and dead.get("clé", "défaut") == "défaut"
