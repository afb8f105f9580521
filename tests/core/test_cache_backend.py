"""The Redis cache the site survives losing (core.cache_backend): a dead Redis is a miss, a
skipped write and one warning; counting refuses; a Redis that hangs costs one short timeout,
then rests; writes lost meanwhile do not bring old values back."""

import logging
import socket
import time

import pytest
import redis
from django.core.cache.backends.redis import RedisCacheClient

from apothecary.core import cache_backend
from apothecary.core.cache_backend import CacheUnavailable, TolerantRedisCache

LOGGER = "apothecary.core.cache_backend"


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def _fresh_health():
    cache_backend._healths.clear()
    yield
    cache_backend._healths.clear()


def tolerant(location, **options) -> TolerantRedisCache:
    return TolerantRedisCache(location, {"OPTIONS": options})


@pytest.fixture
def dead():
    return tolerant(f"redis://127.0.0.1:{closed_port()}/0", retry_seconds=60)


def test_reads_of_a_dead_redis_are_misses(dead):
    assert dead.get("page") is None
    assert dead.get("page", "default") == "default"
    assert dead.get_many(["a", "b"]) == {}
    assert dead.has_key("page") is False
    assert "page" not in dead
    assert dead.get_or_set("page", "rendered") == "rendered"


def test_writes_to_a_dead_redis_are_skipped(dead):
    assert dead.set("page", "html") is None
    assert dead.add("page", "html") is False
    assert dead.delete("page") is False
    assert dead.touch("page") is False
    assert sorted(dead.set_many({"a": 1, "b": 2})) == []  # Django's RedisCache reports none
    assert dead.delete_many(["a", "b"]) is None
    assert dead.clear() is False


def test_counting_on_a_dead_redis_raises_cache_unavailable(dead):
    with pytest.raises(CacheUnavailable):
        dead.incr("attempts")
    with pytest.raises(CacheUnavailable):
        dead.decr("attempts")


def test_a_burst_of_failures_logs_one_warning_and_no_traceback(dead, caplog):
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        for n in range(50):
            dead.get(f"page-{n}")
            dead.set(f"page-{n}", "html")

    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    assert "serving without it" in warnings[0].getMessage()
    assert all(record.exc_info is None for record in caplog.records)


def test_the_password_of_the_redis_url_is_not_logged(caplog):
    cache = tolerant(f"redis://:s3cret-pass@127.0.0.1:{closed_port()}/0")

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        cache.get("page")

    assert caplog.records
    assert "s3cret-pass" not in caplog.text
    assert "***@127.0.0.1" in caplog.text


def test_a_redis_that_hangs_costs_one_short_timeout_then_rests():
    # A server that takes connections and never answers (the kernel accepts them).
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        cache = tolerant(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")  # default timeouts

        started = time.perf_counter()
        assert cache.get("page") is None
        first = time.perf_counter() - started

        started = time.perf_counter()
        for n in range(100):
            assert cache.get(f"page-{n}") is None
        hundred_more = time.perf_counter() - started

    assert 0.2 <= first < 2  # the 0.25 s socket timeout, not redis-py's 5 s default
    assert hundred_more < 0.2  # resting: not one of them waited for Redis


class FakeRedis:
    """Stands in for the Redis behind RedisCacheClient: a dict, and a switch to kill it."""

    def __init__(self):
        self.data = {}
        self.down = False
        self.calls = 0

    def _check(self):
        self.calls += 1
        if self.down:
            raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Refused.")

    def install(self, monkeypatch):
        fake = self

        def get(client, key, default):
            fake._check()
            return fake.data.get(key, default)

        def set_(client, key, value, timeout):
            fake._check()
            fake.data[key] = value

        def delete(client, key):
            fake._check()
            return fake.data.pop(key, None) is not None

        def delete_many(client, keys):
            fake._check()
            for key in keys:
                fake.data.pop(key, None)

        def incr(client, key, delta):
            fake._check()
            if key not in fake.data:
                raise ValueError(f"Key {key!r} not found.")
            fake.data[key] += delta
            return fake.data[key]

        for name, function in [
            ("get", get),
            ("set", set_),
            ("delete", delete),
            ("delete_many", delete_many),
            ("incr", incr),
        ]:
            monkeypatch.setattr(RedisCacheClient, name, function)
        return self


@pytest.fixture
def fake(monkeypatch):
    return FakeRedis().install(monkeypatch)


def test_after_a_failure_redis_is_not_asked_again_until_it_has_rested(fake):
    cache = tolerant("redis://127.0.0.1:6379/0", retry_seconds=0.2)
    fake.down = True

    cache.get("page")
    for _ in range(20):
        cache.get("page")
    calls_while_resting = fake.calls
    time.sleep(0.25)
    cache.get("page")

    assert calls_while_resting == 1
    assert fake.calls == 2  # tried again once the rest was over


def test_a_write_lost_while_redis_was_away_does_not_bring_the_old_value_back(fake, caplog):
    """A session saved (or deleted, at log out) while Redis was away: the database has the new
    state; Redis still has the old one, which must not be read when it is back."""
    cache = tolerant("redis://127.0.0.1:6379/0", retry_seconds=0.05)
    cache.set("session", "signed in")
    cache.set("other", "kept")
    fake.down = True

    cache.delete("session")  # log out: lost
    cache.set("cart", "2 packs")  # lost as well
    time.sleep(0.1)
    fake.down = False
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=LOGGER):
        session = cache.get("session")

    assert session is None
    assert cache.get("other") == "kept"
    (back,) = caplog.records
    assert "reachable again" in back.getMessage()
    assert "2 operations went without it, 2 entries written meanwhile removed" in (
        back.getMessage()
    )


def test_lost_writes_are_kept_when_redis_fails_again_before_they_are_removed(fake):
    cache = tolerant("redis://127.0.0.1:6379/0", retry_seconds=0.05)
    cache.set("session", "signed in")
    fake.down = True
    cache.delete("session")
    time.sleep(0.1)

    assert cache.get("session") is None  # tried, still down
    time.sleep(0.1)
    fake.down = False

    assert cache.get("session") is None  # and then removed
    assert "session" not in {key.rpartition(":")[2] for key in fake.data}


def test_counting_works_again_once_redis_is_back(fake):
    cache = tolerant("redis://127.0.0.1:6379/0", retry_seconds=0.05)
    fake.down = True
    with pytest.raises(CacheUnavailable):
        cache.incr("attempts")
    time.sleep(0.1)
    fake.down = False

    cache.set("attempts", 1)

    assert cache.incr("attempts") == 2
