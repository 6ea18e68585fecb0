"""Whole-page cache for public pages (DESIGN.md §11), shared by every app server through the cache backend.

How it works:
- A view opts in with `@public_page`: its 200 responses to anonymous GETs are stored, keyed by the full path
  (which carries the language prefix and the query), the display mode and a content version.
- `PageCacheMiddleware`, placed right after the security and static-file middleware, answers a hit before
  sessions, locale, CSRF or the URL resolver run, so a hit costs two cache look-ups.
- Any change to public content calls `invalidate()` (apps connect their models through `watch_models`), which
  bumps the content version: every cached page is stale at once, on every server.
- Content that changes with time alone (a notice scheduled for 10:00, a reception day that has passed) is
  handled by horizons: each app registers a function returning the next moment its public pages change, and
  no page is kept past the earliest of them.
Requests with a session cookie (staff) are never served from, nor stored into, the cache.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .display import COOKIE as DISPLAY_COOKIE
from .display import ELDERLY

VERSION_KEY = "pagecache:version"
HORIZON_KEY = "pagecache:horizon"
_horizons: list[Callable[[], datetime | None]] = []


def enabled() -> bool:
    return getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 0) > 0


def register_horizon(function: Callable[[], datetime | None]) -> None:
    """`function()` returns the next moment the app's public pages change by time alone, or None."""
    if function not in _horizons:
        _horizons.append(function)


def watch_models(*models) -> None:
    """Invalidate every cached page whenever one of these models is saved or deleted."""
    for model in models:
        post_save.connect(_changed, sender=model, dispatch_uid=f"pagecache-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pagecache-delete-{model._meta.label}")


def _changed(**kwargs) -> None:
    invalidate()
    # Again once the change is committed: a request served between the signal and the commit (on this or any
    # server) still read the old rows and may have stored them under the new version; that page must not live.
    transaction.on_commit(invalidate)


def invalidate() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)
    cache.delete(HORIZON_KEY)


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def _page_key(request, version: int) -> str:
    mode = "e" if request.COOKIES.get(DISPLAY_COOKIE) == ELDERLY else "s"
    digest = hashlib.sha256(request.get_full_path().encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"pagecache:{version}:{mode}:{digest}"


def _cacheable_request(request) -> bool:
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _timeout() -> int:
    """Seconds a page may be kept: the configured maximum, or less when a scheduled change comes sooner."""
    longest = settings.PORTAL_PAGE_CACHE_SECONDS
    horizon = cache.get(HORIZON_KEY)
    if horizon is None:
        moments = [moment for moment in (function() for function in _horizons) if moment is not None]
        horizon = min(moments).timestamp() if moments else 0.0
        cache.set(HORIZON_KEY, horizon, timeout=longest)
    if not horizon:
        return longest
    remaining = int(horizon - timezone.now().timestamp())
    return max(0, min(longest, remaining))


def public_page(view):
    """Mark a view's responses as the same for every anonymous visitor with the same path and display mode."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response._portal_public_page = True
        return response

    return wrapper


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or not _cacheable_request(request):
            return self.get_response(request)
        key = _page_key(request, _version())
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if (
            getattr(response, "_portal_public_page", False)
            and response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
        ):
            timeout = _timeout()
            if timeout > 0:
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
                cache.set(key, response, timeout=timeout)
        return response
