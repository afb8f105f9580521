"""A Redis cache the site survives losing: settings.CACHES uses it when REDIS_URL is set.

The cache is an accelerator. When Redis cannot be reached, a read is a miss and a write is
skipped, so pages render from the database; one warning is logged when it goes down and one
line when it is back. After a failure Redis is not tried again for `retry_seconds` (short
socket timeouts bound the failure itself), so a dead Redis costs a page nothing.

Counting cannot be faked: `incr` (and so `decr`) raises CacheUnavailable, and the rate
limiter (core.ratelimit.hit) refuses the attempt: the limits fail closed.

A write lost while Redis was away may leave an older value there (a session saved or
deleted meanwhile, say): the keys of lost writes are remembered, per process and up to
MAX_LOST_KEYS, and deleted first thing when Redis answers again."""

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Redis on the local network answers in well under a millisecond; a quarter of a second is a
# dead or overloaded server, and what one failure costs before the breaker opens.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
DEFAULT_RETRY_SECONDS = 5.0
MAX_LOST_KEYS = 10_000


class CacheUnavailable(Exception):
    """The cache cannot be reached for an operation that has no honest fallback (a count)."""


class _Health:
    """Whether one Redis (one server list) is down, shared by every thread's client of it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.skipped = 0
        self.lost: set[str] = set()
        self.lost_overflow = False
        self.removed = 0

    def is_resting(self) -> bool:
        """Down, and not to be tried again yet."""
        return self.down_since is not None and time.monotonic() < self.retry_at

    def failed(self, error: Exception, *, location, retry_seconds: float) -> None:
        now = time.monotonic()
        with self.lock:
            first = self.down_since is None
            if first:
                self.down_since = now
                self.skipped = 0
            self.retry_at = now + retry_seconds
        if first:
            logger.warning(
                "cache %s unreachable (%s: %s): serving without it, trying again every %g s",
                location,
                type(error).__name__,
                error,
                retry_seconds,
            )
        else:
            logger.debug("cache %s still unreachable (%s)", location, error)

    def remember_lost(self, keys) -> None:
        with self.lock:
            self.skipped += 1
            for key in keys:
                if len(self.lost) >= MAX_LOST_KEYS:
                    self.lost_overflow = True
                    break
                self.lost.add(key)

    def take_lost(self) -> set[str]:
        with self.lock:
            lost, self.lost = self.lost, set()
            return lost

    def give_back_lost(self, keys: set[str]) -> None:
        with self.lock:
            self.lost |= keys

    def count_removed(self, count: int) -> None:
        with self.lock:
            self.removed += count

    def recovered(self, *, location) -> None:
        with self.lock:
            if self.down_since is None:
                return
            seconds = time.monotonic() - self.down_since
            skipped, removed, overflow = self.skipped, self.removed, self.lost_overflow
            self.down_since, self.skipped, self.removed, self.lost_overflow = None, 0, 0, False
        logger.warning(
            "cache %s reachable again after %.1f s: %s operations went without it, "
            "%s entries written meanwhile removed%s",
            location,
            seconds,
            skipped,
            removed,
            f" (more than {MAX_LOST_KEYS} writes were lost: older entries may be stale until "
            "they expire)"
            if overflow
            else "",
        )


_healths: dict[tuple[str, ...], _Health] = {}
_healths_lock = threading.Lock()


def health_of(servers) -> _Health:
    with _healths_lock:
        return _healths.setdefault(tuple(servers), _Health())


class TolerantRedisCacheClient(RedisCacheClient):
    """Django's Redis client, each operation guarded (see the module's docstring)."""

    def __init__(self, servers, *, retry_seconds: float, **options):
        super().__init__(servers, **options)
        self._health = health_of(servers)
        self._retry_seconds = retry_seconds
        self._location = ",".join(_redact(server) for server in servers)

    def _guarded(self, operation, *args, fallback, writes=()):
        """Run `operation`; on a Redis error (or while Redis rests) return `fallback` and
        remember the keys in `writes` as lost."""
        health = self._health
        if health.is_resting():
            health.remember_lost(writes)
            return fallback
        try:
            self._forget_lost()
            result = operation(*args)
        except RedisError as error:
            health.failed(error, location=self._location, retry_seconds=self._retry_seconds)
            health.remember_lost(writes)
            return fallback
        if health.down_since is not None:
            health.recovered(location=self._location)
        return result

    def _forget_lost(self) -> None:
        """Before the first operation after a failure: delete the keys of the writes that were
        lost (their older values must not come back)."""
        health = self._health
        if not health.lost:
            return
        lost = health.take_lost()
        try:
            super().delete_many(list(lost))
        except RedisError:
            health.give_back_lost(lost)
            raise
        health.count_removed(len(lost))

    def add(self, key, value, timeout):
        return self._guarded(super().add, key, value, timeout, fallback=False)

    def get(self, key, default):
        return self._guarded(super().get, key, default, fallback=default)

    def set(self, key, value, timeout):
        self._guarded(super().set, key, value, timeout, fallback=None, writes=[key])

    def touch(self, key, timeout):
        return self._guarded(super().touch, key, timeout, fallback=False)

    def delete(self, key):
        return self._guarded(super().delete, key, fallback=False, writes=[key])

    def get_many(self, keys):
        return self._guarded(super().get_many, keys, fallback={})

    def has_key(self, key):
        return self._guarded(super().has_key, key, fallback=False)

    def set_many(self, data, timeout):
        return self._guarded(super().set_many, data, timeout, fallback=None, writes=list(data))

    def delete_many(self, keys):
        return self._guarded(super().delete_many, keys, fallback=None, writes=list(keys))

    def clear(self):
        return self._guarded(super().clear, fallback=False)

    def incr(self, key, delta):
        health = self._health
        if health.is_resting():
            raise CacheUnavailable(f"cache {self._location} is down")
        try:
            self._forget_lost()
            result = super().incr(key, delta)
        except RedisError as error:
            health.failed(error, location=self._location, retry_seconds=self._retry_seconds)
            raise CacheUnavailable(f"cache {self._location}: {error}") from error
        if health.down_since is not None:
            health.recovered(location=self._location)
        return result


def _redact(url: str) -> str:
    """A Redis URL without its password, for the log."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]
    return f"{scheme}{sep}{rest}"


class TolerantRedisCache(RedisCache):
    """settings.CACHES backend: Django's RedisCache with short socket timeouts (OPTIONS may
    change them) and the guarded client above. OPTIONS["retry_seconds"] is how long Redis
    rests after a failure before it is tried again."""

    def __init__(self, server, params):
        options = {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}
        retry_seconds = float(options.pop("retry_seconds", DEFAULT_RETRY_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = functools.partial(TolerantRedisCacheClient, retry_seconds=retry_seconds)
