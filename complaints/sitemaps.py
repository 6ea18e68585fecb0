from django.urls import reverse

from portal.sitemaps import PublicSitemap


class ComplaintSitemap(PublicSitemap):
    """The public complaint pages: the form and the tracking look-up."""

    changefreq = "yearly"

    def items(self):
        return ["complaints:new", "complaints:track"]

    def location(self, item):
        return reverse(item)
