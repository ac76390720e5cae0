"""The Redis cache backend, against a real Redis.

The Redis on the machine may serve others (a developer's site, another test run): the test uses
keys of its own, under a prefix no one else has, deletes only those, and checks that a
neighbour's key in the same database is left alone.
"""

import uuid

import pytest

REDIS = "redis://127.0.0.1:6379/15"


def test_the_redis_cache_keeps_one_client_and_works_like_djangos():
    from core.redis_cache import ReusedClientRedisCache

    redis = pytest.importorskip("redis")
    run = uuid.uuid4().hex
    cache = ReusedClientRedisCache(REDIS, {"KEY_PREFIX": f"iccar-test-{run}"})
    client = cache._cache.get_client(write=True)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        from tests.browser.conftest import tool_missing

        tool_missing("needs Redis on 127.0.0.1:6379")
    neighbour = f"someone-else-{run}"
    client.set(neighbour, "theirs", ex=60)
    try:
        cache.set("page", {"html": "<p>Roma &amp; Sinti</p>"}, 60)
        cache.set("generation", 10**18, None)
        cache.incr("generation")
        assert cache.get_many(["page", "generation"]) == {
            "page": {"html": "<p>Roma &amp; Sinti</p>"},
            "generation": 10**18 + 1,
        }
        assert cache._cache.get_client() is cache._cache.get_client(write=True)
        ours = {key.decode() for key in client.scan_iter(match=f"iccar-test-{run}:*")}
        assert ours == {cache.make_key("page"), cache.make_key("generation")}
    finally:
        cache.delete_many(["page", "generation"])
    assert list(client.scan_iter(match=f"iccar-test-{run}:*")) == []
    assert client.get(neighbour) == b"theirs"
    client.delete(neighbour)
