from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Category, Notice


class NoticeListSitemap(Sitemap):
    """The list of all notices and each category's list, in both languages."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "daily"

    def items(self):
        return [None, *Category.values]

    def location(self, item):
        return reverse("notices:category", args=[item]) if item else reverse("notices:index")


class NoticeSitemap(Sitemap):
    """Every public notice (drafts and scheduled ones appear only once their time has come)."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"

    def items(self):
        return Notice.objects.published().order_by("-publish_at", "-id").only("category", "slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at
