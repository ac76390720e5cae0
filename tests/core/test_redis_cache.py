"""The Redis cache backend, against a real Redis."""

import pytest


def test_the_redis_cache_keeps_one_client_and_works_like_djangos():
    from core.redis_cache import ReusedClientRedisCache

    redis = pytest.importorskip("redis")
    cache = ReusedClientRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "iccar-test"})
    try:
        cache.clear()
    except redis.exceptions.ConnectionError:
        from tests.browser.conftest import tool_missing

        tool_missing("needs Redis on 127.0.0.1:6379")
    cache.set("page", {"html": "<p>Roma &amp; Sinti</p>"}, 60)
    cache.set("generation", 10**18, None)
    cache.incr("generation")
    assert cache.get_many(["page", "generation"]) == {
        "page": {"html": "<p>Roma &amp; Sinti</p>"},
        "generation": 10**18 + 1,
    }
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    cache.clear()
