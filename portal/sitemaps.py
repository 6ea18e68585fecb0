from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class PortalSitemap(Sitemap):
    """The shell's own pages; apps add theirs through portal.registry.register_sitemap."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"

    def items(self):
        return ["portal:home", "portal:rights", "portal:contact"]

    def location(self, item):
        return reverse(item)
