"""A Redis cache backend for tests that share one Redis server."""

from core.redis_cache import RedisCache


class IsolatedRedisCache(RedisCache):
    """Clears only its own keys (its ``KEY_PREFIX``), not the whole Redis database:
    the SQLite and PostgreSQL suites run side by side on one Redis."""

    def clear(self):
        client = self._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        return True
