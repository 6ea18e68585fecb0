"""The public statistics pages (/statistics/): published snapshots only, cached whole like every public page
(portal.pagecache; publishing a period invalidates the cache through watch_models)."""

from datetime import date

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.pagecache import public_page

from . import statistics


def _period_context(row) -> dict:
    figures = row.figures
    titles = statistics.breakdown_titles()
    columns = statistics.breakdown_columns()
    return {
        "row": row,
        # Shown in the page's date style (the snapshot keeps them as ISO dates).
        "start": date.fromisoformat(figures["period"]["start"]),
        "end": date.fromisoformat(figures["period"]["end"]),
        "slug": statistics.slug(row),
        "label": figures["period"]["label"],
        "figures": figures,
        "total": figures["total"],
        "closed": figures["closed"],
        "on_time_rate": statistics.on_time_rate(figures),
        "charts": [
            {"key": key, "title": titles[key], "column": columns[key], "chart": statistics.chart(figures, key)}
            for key in statistics.BREAKDOWNS
        ],
        # What the decisions gave and the uphold rate by category (snapshots published before have neither).
        "redress": statistics.redress_cells(figures),
        "uphold": statistics.uphold_cells(figures),
    }


@public_page
@require_GET
def index(request):
    """Every published period with its total; the latest period in full."""
    rows = statistics.latest_versions()
    periods = [{"row": row, "slug": statistics.slug(row), "label": row.figures["period"]["label"]} for row in rows]
    for period in periods:
        period["total"] = period["row"].figures["total"]
    context = {
        "periods": periods,
        "current": _period_context(rows[0]) if rows else None,
        "breadcrumbs": [(_("Complaint statistics"), None)],
    }
    return render(request, "complaints/statistics/index.html", context)


# A period's address is a year and perhaps a quarter (2025, 2025-q3): anything longer is not found before a number
# is read from it (a 5,000-digit "year" would make int() refuse it, a 400-digit one the database).
PERIOD_SLUG_MAX = len("2025-q3")


def _published(period_slug: str):
    if len(period_slug) > PERIOD_SLUG_MAX:
        raise Http404
    row = statistics.find(period_slug)
    if row is None:
        raise Http404
    return row


@public_page
@require_GET
def period(request, period_slug):
    row = _published(period_slug)
    context = {
        "current": _period_context(row),
        "breadcrumbs": [
            (_("Complaint statistics"), reverse("statistics:index")),
            (row.figures["period"]["label"], None),
        ],
    }
    return render(request, "complaints/statistics/period.html", context)


@public_page
@require_GET
def period_csv(request, period_slug):
    row = _published(period_slug)
    response = HttpResponse(statistics.csv_text(row), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="complaint-statistics-{statistics.slug(row)}.csv"'
    return response


@public_page
@require_GET
def period_json(request, period_slug):
    """The same figures as JSON: withheld counts are null, with the marker the page shows."""
    row = _published(period_slug)
    response = JsonResponse(statistics.as_json(row), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="complaint-statistics-{statistics.slug(row)}.json"'
    return response
