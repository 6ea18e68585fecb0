from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from portal import pagecache


@pytest.fixture
def content(demo):
    """The demo's profile and branches, with notices and reception days to come (generate_volume, up to today)."""
    call_command(
        "generate_volume", "--notices=30", "--complaints=0", "--reception-days=40", "--seed=3", stdout=StringIO()
    )
    return demo


@pytest.fixture
def parts_cached_pages_not(settings):
    """Every request renders its page (as for a page not yet asked for since the last change); parts are kept."""
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 600
    cache.clear()
    pagecache.forget_local()
    translation.activate("zh-hans")
