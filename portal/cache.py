"""The shared cache (REDIS_URL): Django's Redis cache, except that a Redis that cannot be reached is a miss.

Everything the portal keeps in the cache can be recomputed (pages, the site profile, rate-limit counters), so
losing Redis must cost speed, not pages: reads answer the default, writes are dropped, each failure is logged.
Short socket timeouts (settings) keep a dead Redis from holding requests.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _on_outage(answer):
    """Run the backend's method; if Redis cannot be reached, log it and return answer(*args) instead."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE:
                logger.warning("Redis cache unreachable during %s", method.__name__, exc_info=True)
                return answer(*args, **kwargs)

        return wrapper

    return decorate


def _not_found(key, *args, **kwargs):
    # As for a key that is not there: callers (rate limits, the page-cache version) handle ValueError.
    raise ValueError(f"Key {key!r} not found (cache unreachable).")


class ResilientRedisCache(RedisCache):
    get = _on_outage(lambda key, default=None, *args, **kwargs: default)(RedisCache.get)
    get_many = _on_outage(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _on_outage(lambda *args, **kwargs: False)(RedisCache.has_key)
    add = _on_outage(lambda *args, **kwargs: False)(RedisCache.add)
    set = _on_outage(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _on_outage(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _on_outage(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _on_outage(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _on_outage(lambda *args, **kwargs: None)(RedisCache.delete_many)
    incr = _on_outage(_not_found)(RedisCache.incr)
    clear = _on_outage(lambda *args, **kwargs: False)(RedisCache.clear)
