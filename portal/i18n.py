"""Language helpers: the same page in the other language, and notes where a translation is missing."""

import re
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.translation import get_language

PREFIXED = "en"  # the only language with a URL prefix; Chinese (the default) has none


def other_language(language: str | None) -> str:
    return "zh-hans" if (language or "").startswith("en") else "en"


def path_in_language(url: str, language: str) -> str:
    """The same path in another language, query kept: /notices/?page=2 ↔ /en/notices/?page=2.

    Works for every page, including 404s, because it only moves the prefix of i18n_patterns.
    """
    # A path taken as typed ("/en//evil.example/"), never as an address with a host.
    path, _, query = (url or "/").partition("?")
    path = path.split("#", 1)[0] or "/"
    if path == f"/{PREFIXED}" or path.startswith(f"/{PREFIXED}/"):
        bare = path[len(PREFIXED) + 1 :] or "/"
    else:
        bare = path
    # "//evil.example/" would be a link to another site: the result always starts with exactly one slash.
    bare = "/" + bare.lstrip("/")
    target = f"/{PREFIXED}{bare}" if language == PREFIXED else bare
    return f"{target}?{query}" if query else target


def site_url(request=None) -> str:
    """The site's public address without a trailing slash: PORTAL_SITE_URL, else the request's own."""
    if settings.PORTAL_SITE_URL:
        return settings.PORTAL_SITE_URL
    if request is None:
        return ""
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:  # the 400 page of a request for a host that is not ours links nowhere else
        return ""


def canonical_path(full_path: str) -> str:
    """The path a page is indexed under: its path with only the page number kept of its query."""
    parts = urlsplit(full_path)
    path = "/" + (parts.path or "/").lstrip("/")
    page = [item for item in parts.query.split("&") if item.startswith("page=") and item != "page=1"]
    return urlunsplit(("", "", path, page[0] if page else "", ""))


def alternates(request, full_path: str, base: str | None = None) -> dict:
    """Absolute addresses of the page in each language and for x-default (Chinese, the default language);
    `base` is site_url(request) when the caller has it already."""
    if base is None:
        base = site_url(request)
    path = canonical_path(full_path)
    chinese = base + path_in_language(path, "zh-hans")
    return {"zh": chinese, "en": base + path_in_language(path, PREFIXED), "x_default": chinese}


def is_english() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).startswith("en")


def missing_english(obj, *fields: str) -> bool:
    """True on an English page when any of `fields` shows Chinese there: it has Chinese text and no English
    (the page then falls back to Chinese and says so). A field empty in both languages shows nothing, so it
    calls for no note."""
    if not is_english():
        return False
    return any(
        (getattr(obj, f"{name}_zh_hans", "") or "").strip() and not (getattr(obj, f"{name}_en", "") or "").strip()
        for name in fields
    )


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def written_in_chinese(text: str | None) -> bool:
    """Whether a text someone wrote (a decision, a reply) holds Chinese characters: on an English page it is
    then marked `lang="zh-Hans"` and the page says it is shown in its original language."""
    return bool(text and _HAN.search(text))
