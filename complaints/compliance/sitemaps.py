from django.urls import reverse

from portal.sitemaps import PublicSitemap

from .statistics import latest_versions, slug


class StatisticsSitemap(PublicSitemap):
    """The public statistics: the index and each published period."""

    changefreq = "monthly"

    def items(self):
        return ["", *(slug(row) for row in latest_versions())]

    def location(self, item):
        return reverse("statistics:period", args=[item]) if item else reverse("statistics:index")
