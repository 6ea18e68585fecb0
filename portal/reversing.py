"""`reverse()` remembered: the address of a named page with fixed arguments, computed once per language, script
prefix and URL configuration in each process. Django's reverse() walks its patterns, quotes and checks the
result on every call (≈ 30–40 µs); the shell and the notices lists ask for the same few addresses (home, the
display-mode switch, a list's feed) on every request."""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


def cached_reverse(name: str, *args) -> str:
    """reverse(name, args=args) for arguments that are few and fixed (a category's slug), never visitor input."""
    return _reverse(name, args, get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=512)
def _reverse(name: str, args: tuple, language, prefix: str, urlconf: str) -> str:
    # The language and script prefix are those active now (reverse() reads them itself); they are in the key.
    return reverse(name, args=args, urlconf=urlconf)


def _forget(**kwargs) -> None:
    if kwargs.get("setting") == "ROOT_URLCONF":
        _reverse.cache_clear()


setting_changed.connect(_forget, dispatch_uid="portal-reversing-forget")
