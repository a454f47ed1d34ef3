"""The page cache's tests run on both kinds of backend it supports: a plain Django
cache (two round trips per hit) and ``core.redis_cache.RedisCache`` (one: a Lua
script compares the page's stamps on the server)."""

import uuid

import pytest
import redis

REDIS_LOCATION = "redis://127.0.0.1:6379/13"


@pytest.fixture(params=["locmem", "redis"])
def page_cache_backend(request, settings):
    """The default cache for one test: Django's local-memory cache, or Redis."""
    if request.param == "redis":
        try:
            redis.Redis.from_url(REDIS_LOCATION, socket_connect_timeout=1).ping()
        except redis.exceptions.ConnectionError:
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "tests.core.isolated_redis.IsolatedRedisCache",
                "LOCATION": REDIS_LOCATION,
                "KEY_PREFIX": f"test-page-cache-{uuid.uuid4().hex}",
            }
        }
    from django.core.cache import cache

    cache.clear()
    yield request.param
    cache.clear()
