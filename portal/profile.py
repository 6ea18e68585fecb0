"""The site profile as every page needs it: cached, and safe to read while the database is down."""

from django.core.cache import cache
from django.db import DatabaseError

from .models import SiteProfile

_CACHE_KEY = "portal:site-profile:v2"


def current_profile() -> SiteProfile:
    profile = cache.get(_CACHE_KEY)
    if profile is None:
        try:
            profile = SiteProfile.load()
        except DatabaseError:
            # Error pages (the 503 of a database outage among them) still render, with neutral defaults.
            return SiteProfile.defaults()
        cache.set(_CACHE_KEY, profile, timeout=3600)
    return profile


def forget_profile() -> None:
    cache.delete(_CACHE_KEY)
