from django.urls import reverse
from django.utils import timezone

from portal.sitemaps import PublicSitemap

from .models import ReceptionDay


class ReceptionSitemap(PublicSitemap):
    """The schedule, each year of the archive and the cancellation form, in both languages. The per-day booking
    forms are reached from the schedule and kept out of search engines (robots.txt)."""

    changefreq = "weekly"

    def items(self):
        today = timezone.localdate()
        items = [("reception:index", ())]
        items += [
            ("reception:archive", (day.year,))
            for day in ReceptionDay.objects.past(today).dates("date", "year", order="DESC")
        ]
        items.append(("reception:cancel", ()))
        return items

    def location(self, item):
        name, args = item
        return reverse(name, args=args)
