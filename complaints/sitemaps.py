from django.urls import reverse

from portal.sitemaps import PublicSitemap


class ComplaintSitemap(PublicSitemap):
    """The public complaint pages: the form, the tracking look-up and the call-back request."""

    changefreq = "yearly"

    def items(self):
        return ["complaints:new", "complaints:track", "callback:request"]

    def location(self, item):
        return reverse(item)
