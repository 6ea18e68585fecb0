from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .statistics import latest_versions, slug


class StatisticsSitemap(Sitemap):
    """The public statistics: the index and each published period."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"

    def items(self):
        return ["", *(slug(row) for row in latest_versions())]

    def location(self, item):
        return reverse("statistics:period", args=[item]) if item else reverse("statistics:index")
