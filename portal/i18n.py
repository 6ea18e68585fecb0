"""Language helpers: the same page in the other language, and notes where a translation is missing."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.utils.translation import get_language

PREFIXED = "en"  # the only language with a URL prefix; Chinese (the default) has none


def other_language(language: str | None) -> str:
    return "zh-hans" if (language or "").startswith("en") else "en"


def path_in_language(url: str, language: str) -> str:
    """The same path in another language, query kept: /notices/?page=2 ↔ /en/notices/?page=2.

    Works for every page, including 404s, because it only moves the prefix of i18n_patterns.
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    if path == f"/{PREFIXED}" or path.startswith(f"/{PREFIXED}/"):
        bare = path[len(PREFIXED) + 1 :] or "/"
    else:
        bare = path
    target = f"/{PREFIXED}{bare}" if language == PREFIXED else bare
    return urlunsplit(("", "", target, parts.query, ""))


def is_english() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).startswith("en")


def missing_english(obj, *fields: str) -> bool:
    """True on an English page when any of `fields` has no English text (the page then falls back to
    Chinese and says so)."""
    if not is_english():
        return False
    return any(not (getattr(obj, f"{name}_en", "") or "").strip() for name in fields)
