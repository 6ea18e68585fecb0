from django.urls import reverse

from portal.sitemaps import PublicSitemap

from .models import Category, Notice


class NoticeListSitemap(PublicSitemap):
    """The list of all notices and each category's list, in both languages."""

    changefreq = "daily"

    def items(self):
        return [None, *Category.values]

    def location(self, item):
        return reverse("notices:category", args=[item]) if item else reverse("notices:index")


class NoticeSitemap(PublicSitemap):
    """Every public notice (drafts and scheduled ones appear only once their time has come)."""

    changefreq = "monthly"

    def items(self):
        return Notice.objects.published().order_by("-publish_at", "-id").only("category", "slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at
