import functools

from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import get_language

from . import regulator
from .display import is_elderly
from .i18n import alternates, other_language, path_in_language, site_url
from .profile import current_profile
from .reversing import cached_reverse


@functools.lru_cache(maxsize=8)
def _static(path: str, static_url: str, backend: str) -> str:
    """The {% static %} address of a file, once per process (≈ 30 µs a page otherwise): the manifest's names
    change only with a deploy, which starts new processes; the settings it depends on are in the key."""
    return static(path)


def site(request):
    """What the shared shell needs on every page. No query once the profile is cached, and no per-visitor
    state apart from the display mode, which is part of the page-cache key."""
    language = get_language() or settings.LANGUAGE_CODE
    other = other_language(language)
    full_path = request.get_full_path() if request is not None else "/"
    base = site_url(request)
    urls = alternates(request, full_path, base=base)
    html_lang = "zh-Hans" if language.startswith("zh") else "en"
    return {
        "site_profile": current_profile(),
        "elderly_mode": is_elderly(request),
        "html_lang": html_lang,
        "alternate_urls": urls,
        "canonical_url": urls["en" if html_lang == "en" else "zh"],
        "site_url": base,
        "og_image_path": _static("img/og-image.png", settings.STATIC_URL, settings.STORAGES["staticfiles"]["BACKEND"]),
        "regulator": {"name": regulator.NAME, "hotline": regulator.HOTLINE, "website": regulator.WEBSITE},
        "other_language_code": other,
        "other_language_name": dict(settings.LANGUAGES)[other],
        "other_language_url": path_in_language(full_path, other),
        "current_path": full_path,
        "display_mode_url": cached_reverse("display_mode"),
    }
