"""core.redis_cache: Django's Redis backend with one client handle per pool."""

import uuid

import pytest
import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from tests.core.isolated_redis import IsolatedRedisCache

LOCATION = "redis://127.0.0.1:6379/14"


@pytest.fixture
def backend():
    try:
        redis.Redis.from_url(LOCATION, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    # Its own key prefix, cleared alone: the two suites share one Redis.
    cache = IsolatedRedisCache(LOCATION, {"KEY_PREFIX": f"test-redis-cache-{uuid.uuid4().hex}"})
    cache.clear()
    yield cache
    cache.clear()


def test_it_behaves_as_djangos_backend(backend):
    django_cache = DjangoRedisCache(LOCATION, {"KEY_PREFIX": backend.key_prefix})
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


# -- a value with the stamps it depends on: one round trip for a page-cache hit


def test_the_newest_stamp_comes_with_the_values(backend):
    backend.set_many({"stamp:a": 1_000, "stamp:b": 3_000, "version": 7})
    backend.set_with_stamps("page", {"body": b"x"}, ["stamp:a", "stamp:b", "stamp:unset"], 60)
    values, newest = backend.get_many_with_newest(["version", "missing"], "page")
    assert values == {"version": 7, "page": {"body": b"x"}}
    assert newest == 3_000
    backend.set("stamp:a", 5_000)
    assert backend.get_many_with_newest([], "page") == ({"page": {"body": b"x"}}, 5_000)


def test_no_stamp_set_and_no_entry_give_none(backend):
    backend.set_with_stamps("page", "value", ["stamp:never"], 60)
    assert backend.get_many_with_newest([], "page") == ({"page": "value"}, None)
    assert backend.get_many_with_newest(["other"], "absent") == ({}, None)


def test_many_stamps_are_compared_in_batches(backend):
    names = [f"stamp:{number}" for number in range(450)]
    backend.set_many({name: number for number, name in enumerate(names)})
    backend.set_with_stamps("page", [1, 2], names, 60)
    assert backend.get_many_with_newest([], "page") == ({"page": [1, 2]}, 449)


def test_what_cannot_be_compared_counts_as_changed(backend):
    # A stamp that is not an integer (a float, pickled, from an older release)…
    backend.set_many({"stamp:int": 10, "stamp:float": 12.5})
    backend.set_with_stamps("page", "value", ["stamp:int", "stamp:float"], 60)
    assert backend.get_many_with_newest([], "page") == ({"page": "value"}, float("inf"))
    # …and a value stored without stamps: both are out of date, never fresh.
    backend.set("plain", {"body": b"old"})
    assert backend.get_many_with_newest([], "plain") == ({"plain": {"body": b"old"}}, float("inf"))


def test_a_timeout_of_zero_deletes_and_a_newline_is_refused(backend):
    backend.set_with_stamps("page", "value", [], 60)
    backend.set_with_stamps("page", "value", [], 0)
    assert backend.get("page") is None
    with pytest.raises(ValueError):
        backend.set_with_stamps("page", "value", ["two\nlines"], 60)


def test_the_read_is_one_command(backend, monkeypatch):
    backend.set_with_stamps("page", "value", [f"stamp:{n}" for n in range(60)], 60)
    backend.get_many_with_newest(["version"], "page")  # loads the script once
    commands = []
    real = redis.Redis.execute_command
    monkeypatch.setattr(
        redis.Redis,
        "execute_command",
        lambda self, *args, **kw: commands.append(args[0]) or real(self, *args, **kw),
    )
    backend.get_many_with_newest(["version", "state"], "page")
    assert commands == ["EVALSHA"]


def test_values_read_back_as_djangos_serializer_reads_them():
    from django.core.cache.backends.redis import RedisSerializer as DjangoSerializer

    from core.redis_cache import RedisSerializer

    ours, django = RedisSerializer(), DjangoSerializer()
    for value in (0, -12, 2**40, True, None, 1.5, "12", b"\x80", {"body": b"x" * 5000}, [1]):
        stored = django.dumps(value)
        assert ours.dumps(value) == stored
        raw = stored if isinstance(stored, bytes) else str(stored).encode()
        assert ours.loads(raw) == django.loads(raw) == value
