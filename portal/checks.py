"""`manage.py check --deploy`: what must be shared by every worker and server of a production deployment."""

import multiprocessing
import os

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.checks import Tags, Warning, register


def _workers() -> int:
    try:
        return int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
    except ValueError:
        return 2


def _servers() -> int:
    """How many app servers the deployment runs (PORTAL_APP_SERVERS, default 1)."""
    try:
        return int(os.environ.get("PORTAL_APP_SERVERS", "1"))
    except ValueError:
        return 1


@register(Tags.caches, deploy=True)
def shared_state(app_configs, **kwargs):
    """Several workers need one place for rate-limit counters and the page cache's content version; a
    per-process store lets a limit of 10 through 10 times per worker and leaves other workers' pages stale."""
    from . import ratelimit

    if getattr(settings, "REDIS_URL", ""):
        return []
    workers = _workers()
    problems = []
    per_process_counters = ratelimit.store() == "cache" and isinstance(caches["default"], LocMemCache)
    if workers > 1 and (per_process_counters or not settings.USING_POSTGRESQL):
        problems.append(
            Warning(
                f"{workers} workers count rate limits each in its own memory: a limit of 10 lets {10 * workers} "
                "tries through.",
                hint="Set REDIS_URL, or keep the counters in PostgreSQL (PORTAL_RATE_LIMIT_STORE=database, the "
                "default without Redis, with DATABASE_URL on PostgreSQL).",
                id="portal.W001",
            )
        )
    if _servers() > 1:
        problems.append(
            Warning(
                "Several app servers (PORTAL_APP_SERVERS) without REDIS_URL: the page cache's content version is a "
                "file on each machine, so a change ends the cached pages of one server only.",
                hint="For more than one app server set REDIS_URL (docs/scaling.md).",
                id="portal.W002",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def trusted_proxies(app_configs, **kwargs):
    """Behind a proxy, every request comes from the proxy's address: without the number of trusted proxies the
    per-address rate limits and sign-in lock-outs count all visitors as one, and one visitor locks out the site."""
    behind_proxy = bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None)) or getattr(
        settings, "USE_X_FORWARDED_HOST", False
    )
    if behind_proxy and getattr(settings, "PORTAL_PROXY_COUNT", None) is None:
        return [
            Warning(
                "The app trusts a proxy's headers (SECURE_PROXY_SSL_HEADER or USE_X_FORWARDED_HOST) but "
                "PORTAL_PROXY_COUNT is not set: rate limits and sign-in lock-outs would see the proxy's address for "
                "every visitor and become site-wide.",
                hint="Set PORTAL_PROXY_COUNT to the number of proxies in front of gunicorn (1 behind one nginx), or "
                "0 when visitors reach gunicorn directly (docs/deploy.md).",
                id="portal.W003",
            )
        ]
    return []
