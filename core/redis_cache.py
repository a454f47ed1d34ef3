"""Django's Redis cache backend, without two per-call costs the page cache pays on
every hit (measured in docs/performance.md, "Rendering once, caching by dependency").

* ``RedisCacheClient.get_client`` makes a new ``redis.Redis`` object for every
  cache call — about 0.3 ms each, most of it building the client's table of
  response callbacks — although the object is only a handle on the connection
  pool, which Django already keeps. Here one handle per pool is made once and
  reused (``redis.Redis`` is safe to share between threads: every command takes
  a connection from the pool).
* ``BaseCache.validate_key`` checks every key for memcached's limits (length,
  control characters) and warns; Redis has neither limit, and a page-cache hit
  reads one key per record the page shows. Keys are still made with the
  ``KEY_PREFIX``, ``VERSION`` and ``KEY_FUNCTION`` settings.

Set ``BACKEND`` to ``core.redis_cache.RedisCache``; everything else (``LOCATION``,
``OPTIONS``, timeouts, serialisation) is Django's.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def validate_key(self, key):
        """Redis accepts any key: no memcached warnings (see the module docstring)."""
