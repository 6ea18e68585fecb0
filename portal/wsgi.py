"""WSGI entry point: Django's handler with the page cache in front (portal/pagecache/)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup(set_prefix=False)

from portal.pagecache import PageCacheWSGIHandler  # noqa: E402 - needs the settings configured above

application = PageCacheWSGIHandler()
