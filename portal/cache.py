"""The shared cache (REDIS_URL): Django's Redis cache, except that a Redis that cannot be reached is a miss.

Everything the portal keeps in the cache can be recomputed (pages, the site profile, rate-limit counters), so
losing Redis must cost speed, not pages: reads answer the default, writes are dropped, each failure is logged.
Short socket timeouts (settings) keep a dead Redis from holding requests.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    def _failed(self, operation: str, default):
        logger.warning("Redis cache unreachable during %s", operation, exc_info=True)
        return default

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE:
            return self._failed("get", default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE:
            return self._failed("get_many", {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE:
            return self._failed("has_key", False)

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE:
            return self._failed("add", False)

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE:
            self._failed("set", None)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE:
            return self._failed("set_many", list(data))

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE:
            return self._failed("touch", False)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE:
            return self._failed("delete", False)

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except UNREACHABLE:
            self._failed("delete_many", None)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE:
            # As for a key that is not there: callers (rate limits, the page-cache version) handle ValueError.
            self._failed("incr", None)
            raise ValueError(f"Key {key!r} not found (cache unreachable).") from None

    def clear(self):
        try:
            return super().clear()
        except UNREACHABLE:
            return self._failed("clear", False)
