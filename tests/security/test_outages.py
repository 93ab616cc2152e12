"""Redis down: pages are read from the database, and posting a comment fails closed with a message.

caching/backends.DegradableRedisCache turns a lost Redis into cache misses and skipped writes;
the comment rate limit, which cannot count without it, makes the comment view refuse the
comment (503, text kept). Regression tests for what `python -m proof.outage` found: with
Redis shut down, every page answered 500.
"""

from unittest import mock

import pytest
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from caching.backends import DegradableRedisCache
from comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_redis():
    """A DegradableRedisCache pointed at a port where nothing listens."""
    return DegradableRedisCache("redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})


class TestDegradableRedisCache:
    def test_reads_miss(self, dead_redis):
        assert dead_redis.get("clé", "défaut") == "défaut"
        assert dead_redis.get_many(["a", "b"]) == {}
        assert dead_redis.has_key("clé") is False

    def test_writes_are_skipped(self, dead_redis):
        dead_redis.set("clé", 1)
        dead_redis.set_many({"a": 1})
        dead_redis.delete("clé")
        dead_redis.delete_many(["a"])
        assert dead_redis.touch("clé") is False

    @pytest.mark.parametrize("operation", ["add", "incr"])
    def test_counting_still_fails(self, dead_redis, operation):
        with pytest.raises(RedisConnectionError):
            getattr(dead_redis, operation)("compteur", 1) if operation == "add" else dead_redis.incr("compteur")


class TestCommentWhileRedisIsDown:
    def test_the_comment_is_refused_with_a_message_and_the_text_kept(self, client, reader, post):
        client.force_login(reader)
        with mock.patch("caching.counters.increment", side_effect=RedisConnectionError("Connection refused")):
            response = client.post(reverse("comments:create", args=[post.pk]), {"body": "Mon avis, gardé."})
        assert response.status_code == 503
        page = response.content.decode()
        assert "momentanément indisponibles" in page
        assert "Mon avis, gardé." in page
        assert not Comment.objects.exists()
