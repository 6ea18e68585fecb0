from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from .models import ReceptionDay


class ReceptionSitemap(Sitemap):
    """The schedule, each year of the archive, each bookable day's booking form and the cancellation form,
    in both languages."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        today = timezone.localdate()
        items = [("reception:index", ())]
        items += [
            ("reception:archive", (day.year,))
            for day in ReceptionDay.objects.past(today).dates("date", "year", order="DESC")
        ]
        items += [("reception:book", (pk,)) for pk in ReceptionDay.objects.bookable(today).values_list("pk", flat=True)]
        items.append(("reception:cancel", ()))
        return items

    def location(self, item):
        name, args = item
        return reverse(name, args=args)
