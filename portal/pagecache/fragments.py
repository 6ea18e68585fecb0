"""Fragments: values derived from public content (a rendered card, a count) kept under the same rules as
whole pages — renewed with every change to public content and at the next scheduled change — or, for markup
that depends on nothing but the rows it shows, kept by those rows' content (`remember_content`)."""

import hashlib
from collections.abc import Callable
from datetime import date, time, timedelta
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.db.models import Model

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
    return _kept("remember:", raw, compute, lambda: timeout_for(version, longest))


def remember_content(key_parts: tuple, compute: Callable):
    """Markup that depends on nothing but `key_parts` (model instances among them are named by their content:
    `content_digest`), the release and the time-free rules of the code: kept by that content instead of the
    content version, so that a change to other public content does not render it again (the first visitor after
    a publish renders one new card, not twenty). Nothing in it may depend on the time, another row or the
    visitor. Off, like `remember`, when PORTAL_FRAGMENT_CACHE_SECONDS is 0."""
    longest = getattr(settings, "PORTAL_FRAGMENT_CACHE_SECONDS", 0)
    if longest <= 0:
        return compute()
    raw = "\x1f".join(content_digest(part) for part in key_parts)
    return _kept("content:", raw, compute, lambda: longest)


def _kept(prefix: str, raw: str, compute: Callable, timeout: Callable[[], int]):
    """The value under this key from this process's copies, else the cache, else computed and stored for
    `timeout()` seconds (nothing is stored when it is 0)."""
    key = prefix + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:40]
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
        seconds = timeout()
        if seconds > 0:
            if computed:
                cache().set(key, value, timeout=seconds)
            _local.put(key, value, seconds)
    except UNREACHABLE:
        logger.warning("page cache unavailable", exc_info=True)
    return value


def content_digest(value) -> str:
    """A value as a key part. A model instance is named by its model, its primary key and every field it was
    loaded with, and so are the related rows loaded with it (select_related): any change to what the markup
    could read from it gives another key, however the row was changed (a save, an update(), an import, SQL)."""
    if isinstance(value, Model):
        return _instance_digest(value, depth=0)
    if value is None or isinstance(value, _PLAIN):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "(" + ",".join(content_digest(item) for item in value) + ")"
    # Anything else (a lazy object, a wrapper) might print as its address: a key that never matches twice,
    # or one that does not change with the content. Refused, so that the template is fixed instead.
    raise TypeError(f"{type(value).__name__} cannot name a fragment's content")


_PLAIN = (str, int, float, Decimal, date, time, timedelta, UUID)


def _instance_digest(instance: Model, depth: int) -> str:
    loaded = instance.__dict__
    fields = [
        f"{field.attname}={loaded[field.attname]!r}"
        for field in instance._meta.concrete_fields
        if field.attname in loaded
    ]
    if depth < 2:
        for name, related in sorted(instance._state.fields_cache.items()):
            fields.append(f"{name}:" + (_instance_digest(related, depth + 1) if related is not None else "None"))
    return f"{instance._meta.label}({'|'.join(fields)})"


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
