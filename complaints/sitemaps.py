from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class ComplaintSitemap(Sitemap):
    """The public complaint pages: the form and the tracking look-up."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "yearly"

    def items(self):
        return ["complaints:new", "complaints:track"]

    def location(self, item):
        return reverse(item)
