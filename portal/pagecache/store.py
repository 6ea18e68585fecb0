"""Where the page cache keeps things, and the content version every stored page and fragment carries.

The version lives where every process sees it: in the cache when the cache is shared (Redis), in a small file
when each process has its own memory cache (the workers of one server without REDIS_URL). Horizons: the next
moment public pages change by time alone, so that nothing is kept past it."""

import hashlib
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from ..cache import UNREACHABLE

logger = logging.getLogger("portal.pagecache")

VERSION_KEY = "pagecache:version"
HORIZON_KEY = "pagecache:horizon"
_horizons: list[Callable[[], datetime | None]] = []


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


def cache():
    return caches["default"]


def _process_local() -> bool:
    """True when each process has its own cache, so the version must live outside it."""
    return isinstance(cache(), LocMemCache)


def version_file() -> Path:
    """Where the version lives without a shared cache: one file per deployment (project folder + database)."""
    configured = getattr(settings, "PORTAL_PAGE_CACHE_VERSION_FILE", "")
    if configured:
        return Path(configured)
    database = settings.DATABASES["default"]
    identity = f"{settings.BASE_DIR}|{database.get('HOST', '')}|{database.get('PORT', '')}|{database.get('NAME')}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"portal-pagecache-{digest}.version"


def _file_version() -> str:
    try:
        version = version_file().read_text()
    except FileNotFoundError:
        version = ""
    if not version:
        # A version is never used twice, not even after the file was removed (a cleaned /tmp): each process
        # keeps its own copies of fragments by version (fragments.py), and must not take old ones for new.
        _write_file_version()
        version = version_file().read_text()
    return version


def _write_file_version() -> None:
    path = version_file()
    # A fresh random token rather than a counter: two processes invalidating at once both change it, with no
    # read-modify-write race; os.replace makes the new version appear whole.
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    temporary.write_text(secrets.token_hex(8))
    os.replace(temporary, path)


def invalidate() -> None:
    """Make every cached page stale, in every process and on every server."""
    if _process_local():
        _write_file_version()
        return
    try:
        cache().incr(VERSION_KEY)
    except ValueError:
        cache().set(VERSION_KEY, _fresh_counter(), timeout=None)


def _fresh_counter() -> int:
    """Where a lost version (a flushed or restarted Redis) starts again: the time in microseconds, so that a
    version number is never used twice (see _file_version)."""
    return time.time_ns() // 1000


def current_version():
    if _process_local():
        return _file_version()
    version = cache().get(VERSION_KEY)
    if version is None:
        cache().add(VERSION_KEY, _fresh_counter(), timeout=None)
        version = cache().get(VERSION_KEY, 1)
    return version


def content_version(request=None):
    """The current content version (kept on the request, so a page's fragments read it once). Never raises."""
    if request is not None and hasattr(request, "_portal_content_version"):
        return request._portal_content_version
    try:
        version = current_version()
    except UNREACHABLE:
        logger.warning("page cache unavailable", exc_info=True)
        version = None
    if request is not None:
        request._portal_content_version = version
    return version


def read(key: str):
    """(current version, stored entry or None) in one round trip to the cache."""
    if _process_local():
        return _file_version(), cache().get(key)
    values = cache().get_many([VERSION_KEY, key])
    version = values.get(VERSION_KEY)
    if version is None:
        return current_version(), None
    return version, values.get(key)


def timeout_for(version, longest: int | None = None) -> int:
    """Seconds a page (or a fragment, or a value) may be kept: at most `longest` (the page cache's setting by
    default), and less when a scheduled change comes sooner."""
    if longest is None:
        longest = settings.PORTAL_PAGE_CACHE_SECONDS
    # Keyed by the version, so that a change (a newly scheduled notice) also makes the horizon be computed anew.
    horizon_key = f"{HORIZON_KEY}:{version}"
    horizon = cache().get(horizon_key)
    if horizon is None:
        try:
            moments = [moment for moment in (function() for function in _horizons) if moment is not None]
        except DatabaseError:
            # The horizons are read from the database; while it is down (the 503 page is being rendered) nothing
            # is kept, since nobody can say when it would go stale.
            return 0
        horizon = min(moments).timestamp() if moments else 0.0
        cache().set(horizon_key, horizon, timeout=max(longest, 1))
    if not horizon:
        return longest
    remaining = int(horizon - timezone.now().timestamp())
    return max(0, min(longest, remaining))
