"""Where the page cache keeps things, and the content version every stored page and fragment carries.

The version lives where every process sees it: in the cache when the cache is shared (Redis), in a small file
when each process has its own memory cache (the workers of one server without REDIS_URL). Horizons: the next
moment public pages change by time alone, so that nothing is kept past it."""

import functools
import hashlib
import logging
import os
import secrets
import tempfile
import threading
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
    database = settings.DATABASES["default"]
    return _version_path(
        configured, str(settings.BASE_DIR), database.get("HOST", ""), database.get("PORT", ""), database.get("NAME")
    )


@functools.lru_cache(maxsize=8)
def _version_path(configured: str, base_dir: str, host, port, name) -> Path:
    if configured:
        return Path(configured)
    identity = f"{base_dir}|{host}|{port}|{name}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"portal-pagecache-{digest}.version"


# The file's identity (path, inode, change and modification times) when this process last read it, and what it
# read: a request then costs one stat() instead of opening and reading the file. invalidate() writes a new file
# and renames it over the old one, which gives it a new inode and new times.
_file_seen: tuple | None = None


def _file_version() -> str:
    global _file_seen  # this process's memory of the file
    path = version_file()
    try:
        status = os.stat(path)
    except FileNotFoundError:
        status = None
    if status is not None:
        identity = (path, status.st_ino, status.st_ctime_ns, status.st_mtime_ns, status.st_size)
        seen = _file_seen
        if seen is not None and seen[0] == identity:
            return seen[1]
        try:
            version = path.read_text()
        except FileNotFoundError:
            version = ""
        if version:
            _file_seen = (identity, version)
            return version
    # A version is never used twice, not even after the file was removed (a cleaned /tmp): each process keeps
    # its own copies of pages and fragments by version (LocalCopies), and must not take old ones for new.
    _write_file_version()
    return path.read_text()


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


class LocalCopies:
    """This process's own copies of what it last read from the cache (key → (deadline, value)), at most `size`,
    the oldest dropped first. Safe to keep because every key or value carries the content version, which each
    request reads from the shared place and which is never used twice, and because a copy lives no longer than
    the horizon allows (the caller's timeout). Values are shared between requests: immutable ones only."""

    registry: list["LocalCopies"] = []

    def __init__(self, size: int):
        self.size = size
        self._items: dict = {}
        self._lock = threading.Lock()
        LocalCopies.registry.append(self)

    def get(self, key):
        item = self._items.get(key)
        return item[1] if item is not None and item[0] > time.time() else None

    def put(self, key, value, timeout: int) -> None:
        if timeout <= 0:
            return
        with self._lock:
            while len(self._items) >= self.size:
                del self._items[next(iter(self._items))]
            self._items[key] = (time.time() + timeout, value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def forget_local() -> None:
    """Drop this process's copies of pages and fragments (with cache.clear(): the next look-ups go to the cache)."""
    for copies in LocalCopies.registry:
        copies.clear()


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
