"""Fixed-window rate limits counted where every worker and every app server sees the same tries.

The counters live in the shared cache when there is one (REDIS_URL), else in PostgreSQL (one upsert per hit,
the table `portal_ratecount`): a per-process memory cache would count per worker, and with four workers a
limit of 10 would let 40 tries through. `PORTAL_RATE_LIMIT_STORE` (`cache` or `database`) overrides the choice.
`PORTAL_RATE_LIMITS=off` switches every limit off (load tests only; see docs/deploy.md).
"""

import hashlib
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .models import RateCount

_TABLE = RateCount._meta.db_table
# Past windows are swept now and then, from the hits themselves (no job to run): about once per this many hits.
_SWEEP_EVERY = 200


def client_ip(request) -> str:
    """The visitor's address. Behind PORTAL_PROXY_COUNT trusted proxies, the address they saw."""
    proxies = int(getattr(settings, "PORTAL_PROXY_COUNT", None) or 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def store() -> str:
    """`cache` (a shared cache: Redis) or `database`."""
    configured = getattr(settings, "PORTAL_RATE_LIMIT_STORE", "")
    if configured in ("cache", "database"):
        return configured
    return "cache" if getattr(settings, "REDIS_URL", "") else "database"


def _key(scope: str, identity: str, window: int) -> tuple[str, int]:
    digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    number = int(time.time()) // window
    return f"rl:{scope}:{digest}:{number}", (number + 1) * window


def count(scope: str, identity: str, *, window: int = 3600) -> int:
    """How many hits `identity` has in the current window for `scope`."""
    if not settings.PORTAL_RATE_LIMITS:
        return 0
    key, _ends = _key(scope, identity, window)
    if store() == "cache":
        return int(cache.get(key, 0))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count FROM {_TABLE} WHERE key = %s", [key])  # noqa: S608 - fixed table name
        row = cursor.fetchone()
    return row[0] if row else 0


def hit(scope: str, identity: str, *, window: int = 3600) -> int:
    """Record one hit and return the new count."""
    if not settings.PORTAL_RATE_LIMITS:
        return 0
    key, ends = _key(scope, identity, window)
    if store() == "database":
        return _database_hit(key, datetime.fromtimestamp(ends + 60, tz=UTC))
    if cache.add(key, 1, timeout=window + 60):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 60)
        return 1


def _database_hit(key: str, expires_at: datetime) -> int:
    """One atomic upsert: concurrent hits from any number of processes each get their own count."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (key, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608 - fixed table name
            f"ON CONFLICT (key) DO UPDATE SET count = {_TABLE}.count + 1 RETURNING count",
            [key, expires_at],
        )
        value = cursor.fetchone()[0]
        if value == 1 and int.from_bytes(hashlib.sha256(key.encode()).digest()[:2]) % _SWEEP_EVERY == 0:
            cursor.execute(f"DELETE FROM {_TABLE} WHERE expires_at < %s", [datetime.now(tz=UTC)])  # noqa: S608
    return value


def identity(*parts: str) -> str:
    """One identity made of several (a booking number tried from one address): counted together, never apart."""
    return "\x1f".join(parts)


def is_limited(scope: str, identities: list[str], *, limit: int, window: int = 3600) -> bool:
    return any(count(scope, identity, window=window) >= limit for identity in identities if identity)
