"""Fixed-window rate limits in the shared cache, so that every app server counts the same tries.

`PORTAL_RATE_LIMITS=off` switches every limit off (load tests only; see docs/deploy.md).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The visitor's address. Behind PORTAL_PROXY_COUNT trusted proxies, the address they saw."""
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, identity: str, window: int) -> str:
    digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{int(time.time()) // window}"


def count(scope: str, identity: str, *, window: int = 3600) -> int:
    """How many hits `identity` has in the current window for `scope`."""
    if not settings.PORTAL_RATE_LIMITS:
        return 0
    return int(cache.get(_key(scope, identity, window), 0))


def hit(scope: str, identity: str, *, window: int = 3600) -> int:
    """Record one hit and return the new count."""
    if not settings.PORTAL_RATE_LIMITS:
        return 0
    key = _key(scope, identity, window)
    if cache.add(key, 1, timeout=window + 60):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 60)
        return 1


def is_limited(scope: str, identities: list[str], *, limit: int, window: int = 3600) -> bool:
    return any(count(scope, identity, window=window) >= limit for identity in identities if identity)
