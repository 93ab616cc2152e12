"""Django's cached_db sessions (settings.SESSION_ENGINE with REDIS_URL), reading the logged-in reader's cached row
in the same round trip to the cache as the session itself (caching/readers.py says what that entry is).

On a GET of a logged-in reader the session and the reader's row were two round trips to Redis, one after the
other, each a wake-up of Redis and of the process; this process remembers which reader each session held
(`remember_session_reader`) and asks for both keys at once. Everything else is Django's: writes, expiry, the
database behind the cache.
"""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from caching.readers import hinted_reader_key


class SessionStore(CachedDBStore):
    prefetched_reader = None  # (the reader's cache key, their entry or None), read with the session

    def load(self):
        reader_key = hinted_reader_key(self.session_key)
        if reader_key is None:
            return super().load()
        try:
            found = self._cache.get_many([self.cache_key, reader_key])
        except Exception:  # noqa: BLE001 — as Django's load: a cache that refuses the key is a miss
            found = {}
        data = found.get(self.cache_key)
        if data is None:
            return super().load()
        self.prefetched_reader = (reader_key, found.get(reader_key))
        return data
