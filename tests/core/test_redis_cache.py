"""core.redis_cache: Django's Redis backend with one client handle per pool."""

import pytest
import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from core.redis_cache import RedisCache

LOCATION = "redis://127.0.0.1:6379/14"


@pytest.fixture
def backend():
    try:
        redis.Redis.from_url(LOCATION, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    cache = RedisCache(LOCATION, {"KEY_PREFIX": "test-redis-cache"})
    cache.clear()
    yield cache
    cache.clear()


def test_it_behaves_as_djangos_backend(backend):
    django_cache = DjangoRedisCache(LOCATION, {"KEY_PREFIX": "test-redis-cache"})
    backend.set("page", {"body": b"\x1f\x8b", "deps": ["rev:role:1"]}, 60)
    backend.set_many({"a": 1, "b": 2})
    # Same keys and serialisation: what one writes, the other reads.
    assert django_cache.get("page") == {"body": b"\x1f\x8b", "deps": ["rev:role:1"]}
    assert django_cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": 2}
    assert backend.add("a", 5) is False and backend.incr("a") == 2
    backend.delete("page")
    assert backend.get("page", "gone") == "gone"


def test_one_client_handle_is_made_and_reused(backend, monkeypatch):
    backend._cache._clients.clear()  # the fixture's clear() made one already
    made = []
    real = backend._cache._client
    monkeypatch.setattr(backend._cache, "_client", lambda **kw: made.append(kw) or real(**kw))
    for number in range(5):
        backend.set(f"key-{number}", number)
        backend.get_many([f"key-{number}", "other"])
    assert len(made) == 1  # Django's client makes one per call: ten here


def test_keys_memcached_would_refuse_are_used_without_warnings(backend, recwarn):
    key = "stamp:" + "x" * 300  # longer than memcached's 250 characters
    backend.set(key, 1)
    assert backend.get(key) == 1
    assert not [w for w in recwarn if "memcached" in str(w.message).lower()]
