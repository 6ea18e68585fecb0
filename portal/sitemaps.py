from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class PublicSitemap(Sitemap):
    """Both languages with their alternates and x-default, at the site's configured address (PORTAL_SITE_URL)
    when there is one, so the sitemap names the same URLs as the pages' canonical links."""

    i18n = True
    alternates = True
    x_default = True

    def get_domain(self, site=None):
        if settings.PORTAL_SITE_URL:
            return urlsplit(settings.PORTAL_SITE_URL).netloc
        return super().get_domain(site)

    def get_protocol(self, protocol=None):
        if settings.PORTAL_SITE_URL:
            return urlsplit(settings.PORTAL_SITE_URL).scheme
        return super().get_protocol(protocol)


class PortalSitemap(PublicSitemap):
    """The shell's own pages; apps add theirs through portal.registry.register_sitemap."""

    changefreq = "monthly"

    def items(self):
        return ["portal:home", "portal:rights", "portal:contact"]

    def location(self, item):
        return reverse(item)
