"""Remembered addresses (portal.reversing.cached_reverse) are the addresses reverse() gives, in each language and
URL configuration."""

from django.urls import reverse
from django.utils import translation

from portal.reversing import cached_reverse


def test_a_remembered_address_is_the_one_of_the_active_language():
    with translation.override("en"):
        assert cached_reverse("notices:index") == reverse("notices:index") == "/en/notices/"
        assert cached_reverse("notices:category_feed", "fraud-warnings") == reverse(
            "notices:category_feed", args=["fraud-warnings"]
        )
    with translation.override("zh-hans"):
        assert cached_reverse("notices:index") == "/notices/"
        assert cached_reverse("display_mode") == reverse("display_mode")


def test_a_changed_url_configuration_is_not_answered_from_the_old_one(settings):
    with translation.override("zh-hans"):
        assert cached_reverse("display_mode") == "/display-mode/"
        settings.ROOT_URLCONF = "tests.portal.urls_elsewhere"
        assert cached_reverse("display_mode") == "/elsewhere/display-mode/"
