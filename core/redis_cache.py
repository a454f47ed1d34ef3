"""Django's Redis cache backend, without two per-call costs the page cache pays on
every hit (measured in docs/performance.md, "Rendering once, caching by dependency").

* ``RedisCacheClient.get_client`` makes a new ``redis.Redis`` object for every
  cache call — about 0.3 ms each, most of it building the client's table of
  response callbacks — although the object is only a handle on the connection
  pool, which Django already keeps. Here one handle per pool is made once and
  reused (``redis.Redis`` is safe to share between threads: every command takes
  a connection from the pool).
* Django's serializer reads every value by trying ``int()`` first and catching
  the ``ValueError`` (with a message holding the value's first 200 bytes) for
  every pickle, a stored page included. ``RedisSerializer`` here looks at the
  first byte instead (the same bytes are stored).
* ``BaseCache.validate_key`` checks every key for memcached's limits (length,
  control characters) and warns; Redis has neither limit, and a page-cache hit
  reads one key per record the page shows. Keys are still made with the
  ``KEY_PREFIX``, ``VERSION`` and ``KEY_FUNCTION`` settings.

It adds two methods the page cache uses when they are there (core/cache.py),
so that a hit is one round trip instead of two: ``set_with_stamps`` stores a
value with the names of the stamps it depends on, and
``get_many_with_newest`` reads some keys and, in the same Lua script on the
server, the newest of those stamps (an integer each: Django's serializer stores
integers as they are, so the script can compare them).

Set ``BACKEND`` to ``core.redis_cache.RedisCache``; everything else (``LOCATION``,
``OPTIONS``, timeouts, serialisation) is Django's.
"""

import pickle

from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT

# One round trip for a page-cache hit: the values of ``KEYS`` and, for the last
# of them (an entry written by ``set_with_stamps``), the newest of the stamps its
# header names. An entry is "<length>\n<stamp keys, one per line><value>".
# A stamp that is not an integer (written by an older release), or an entry
# written without stamps, counts as changed now: out of date, never wrongly
# fresh. Returns the values with one more item: the newest stamp as written,
# "stale" in those two cases, or nil.
NEWEST_STAMP_SCRIPT = """
local values = redis.call('MGET', unpack(KEYS))
local entry = values[#KEYS]
local newest = false
if entry then
  local eol = string.find(entry, '\\n', 1, true)
  local length = eol and tonumber(string.sub(entry, 1, eol - 1))
  if not length then
    -- A value written without stamps (by ``set``): out of date, as it is.
    values[#values + 1] = 'stale'
    return values
  end
  local best = nil
  local batch = {}
  local function check()
    if #batch == 0 then return end
    for _, stamp in ipairs(redis.call('MGET', unpack(batch))) do
      if stamp then
        local number = tonumber(stamp)
        if not number then newest = 'stale'; return end
        if not best or number > best then best = number; newest = stamp end
      end
    end
    batch = {}
  end
  for key in string.gmatch(string.sub(entry, eol + 1, eol + length), '[^\\n]+') do
    batch[#batch + 1] = key
    if #batch == 200 then
      check()
      if newest == 'stale' then break end
    end
  end
  if newest ~= 'stale' then check() end
  values[#KEYS] = string.sub(entry, eol + length + 1)
end
values[#values + 1] = newest
return values
"""


class RedisSerializer(django_redis.RedisSerializer):
    """Django's serializer (the same bytes), reading a pickle without first trying
    ``int()`` on it and catching the ``ValueError``."""

    def loads(self, data):
        if data[:1] == b"\x80":  # every pickle since protocol 2 starts so
            return pickle.loads(data)  # noqa: S301 - the cache's own values, as Django's
        return super().loads(data)


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, serializer=None, **kwargs):
        super().__init__(*args, serializer=serializer or RedisSerializer, **kwargs)
        self._clients = {}
        self._scripts = {}

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

    def set_with_stamps(self, key, value, stamp_keys, timeout=DEFAULT_TIMEOUT):
        """Store ``value`` with the names of the stamps (integer values set with
        ``set``/``set_many``) that ``get_many_with_newest`` compares for it."""
        names = [self.make_key(name) for name in stamp_keys]
        if any("\n" in name for name in names):
            raise ValueError("a stamp key cannot hold a newline")
        header = "\n".join(names).encode()
        data = self._cache._serializer.dumps(value)
        if not isinstance(data, bytes):  # an int: stored as it is by Django
            data = str(data).encode()
        blob = b"%d\n%s%s" % (len(header), header, data)
        key = self.make_key(key)
        timeout = self.get_backend_timeout(timeout)
        client = self._cache.get_client(key, write=True)
        if timeout == 0:
            client.delete(key)
        else:
            client.set(key, blob, ex=timeout)

    def get_many_with_newest(self, keys, key):
        """``(values, newest)``: ``get_many(keys + [key])`` and the newest stamp named
        by ``key``'s entry (an int; ``None`` if it names none that is set, or there
        is no entry; ``float("inf")`` if one is not an integer) — one round trip."""
        names = [self.make_key(name) for name in (*keys, key)]
        client = self._cache.get_client(None)
        script = self._cache._scripts.get(id(client))
        if script is None:
            script = self._cache._scripts[id(client)] = client.register_script(NEWEST_STAMP_SCRIPT)
        *raw, newest = script(keys=names)
        loads = self._cache._serializer.loads
        values = {
            name: loads(value)
            for name, value in zip((*keys, key), raw, strict=True)
            if value is not None and value is not False
        }
        if newest is None or newest is False:
            return values, None
        if newest == b"stale":
            return values, float("inf")
        return values, int(newest)
