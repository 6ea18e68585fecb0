"""Fragments: values derived from public content (a rendered card, a count) kept under the same rules as
whole pages — renewed with every change to public content and at the next scheduled change."""

import hashlib
from collections.abc import Callable

from django.conf import settings

from .store import UNREACHABLE, LocalCopies, cache, content_version, logger, timeout_for

# This process's own copies of the fragments it used last: a page's five to ten fragments then cost no cache
# round trip and no unpickling (the key carries the content version; store.LocalCopies says why that is safe).
_local = LocalCopies(1000)


def remember(key_parts: tuple, compute: Callable, request=None):
    """A value derived from public content (a rendered fragment, a count), computed once and kept until that
    content changes or its next scheduled change comes: the same rules as whole pages. Off when
    PORTAL_FRAGMENT_CACHE_SECONDS is 0; a cache that cannot be reached only means computing it every time.
    Values are shared by requests: only immutable ones (strings, numbers)."""
    longest = getattr(settings, "PORTAL_FRAGMENT_CACHE_SECONDS", 0)
    version = content_version(request) if longest > 0 else None
    if version is None:
        return compute()
    raw = "\x1f".join(str(part) for part in (version, *key_parts))
    key = "remember:" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    local = _local.get(key)
    if local is not None:
        return local
    try:
        value = cache().get(key)
    except UNREACHABLE:
        logger.warning("page cache unavailable", exc_info=True)
        value = None
    computed = value is None
    if computed:
        value = compute()  # once, outside the cache's error handling: its own errors are the page's
    try:
        timeout = timeout_for(version, longest)
        if timeout > 0:
            if computed:
                cache().set(key, value, timeout=timeout)
            _local.put(key, value, timeout)
    except UNREACHABLE:
        logger.warning("page cache unavailable", exc_info=True)
    return value


class later:  # used like a function: later(compute)
    """A value the view leaves to the template: computed the first time the template asks for it (Django
    templates call callables), then kept. A page's content inside a cached {% fragment %} then costs no query
    and no Python work when the fragment is in the cache."""

    __slots__ = ("_compute", "_value")
    _UNSET = object()

    def __init__(self, compute: Callable):
        self._compute = compute
        self._value = later._UNSET

    def __call__(self):
        if self._value is later._UNSET:
            self._value = self._compute()
        return self._value
