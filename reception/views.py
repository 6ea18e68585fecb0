from itertools import groupby

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal import ratelimit
from portal.i18n import site_url
from portal.models import PROVINCES, Branch
from portal.pagecache import later, public_page

from . import services
from .calendar import branch_calendar
from .forms import BookingForm, CancelForm, ScheduleFilterForm
from .models import Booking, DayStatus, ReceptionDay

# The largest id a day's address may carry (a bigint's): a larger number is not found, before it reaches the database.
MAX_ID = 2**63 - 1
# Failed cancellations per hour: ten from one address, five for one booking number from one address. Never per
# number alone: whoever knows a booking's number must not be able to lock its owner out of cancelling it.
CANCEL_LIMIT = 10
CANCEL_NUMBER_LIMIT = 5
BOOK_LIMIT = 20  # bookings per hour and IP address
SESSION_BOOKED = "reception_booked"
SESSION_CANCELLED = "reception_cancelled"


def _group_by_branch(days) -> list[dict]:
    """[{branch, days, next}], branches in their display order; `next` is the first day that takes place."""
    days = sorted(days, key=lambda day: (day.branch.sort_order, day.branch.slug, day.date))
    groups = []
    for branch, branch_days in groupby(days, key=lambda day: day.branch):
        branch_days = list(branch_days)
        upcoming = next((day for day in branch_days if day.status != DayStatus.CANCELLED), None)
        groups.append({"branch": branch, "days": branch_days, "next": upcoming})
    return groups


@public_page
@require_GET
def index(request):
    """Upcoming days grouped by branch, filtered by branch and province (a GET form: no cookie, no token).

    The schedule is one fragment (templates/reception/index.html) keyed by the two filter values, the only
    parameters it depends on: its queries run only when that fragment is not in the cache."""
    return render(
        request,
        "reception/index.html",
        {
            "schedule": later(lambda: _schedule(request.GET)),
            "filter_key": (request.GET.get("branch", ""), request.GET.get("province", "")),
            "nav_section": "reception",
            "breadcrumbs": [(_("Reception days"), None)],
        },
    )


def _schedule(query) -> dict:
    today = timezone.localdate()
    branches = list(Branch.objects.active())
    provinces = [province for province in PROVINCES if any(branch.province == province for branch in branches)]
    form = ScheduleFilterForm(query or None, branches=branches, provinces=provinces)
    shown = branches
    filtered = False
    if form.is_bound and form.is_valid():
        if form.cleaned_data.get("branch"):
            shown = [branch for branch in shown if branch.slug == form.cleaned_data["branch"]]
            filtered = True
        if form.cleaned_data.get("province"):
            shown = [branch for branch in shown if branch.province == form.cleaned_data["province"]]
            filtered = True
    days = ReceptionDay.objects.upcoming_of(shown, today)
    years = [day.year for day in ReceptionDay.objects.past(today).dates("date", "year", order="DESC")]
    return {"form": form, "groups": _group_by_branch(days), "filtered": filtered, "years": years}


@public_page
@require_GET
def archive(request, year: int):
    """Past days of one year, grouped by branch."""
    if not 1 <= year <= 9999:
        raise Http404  # a year no date can have (/reception/archive/99999/) is simply not found
    today = timezone.localdate()
    days = list(ReceptionDay.objects.past(today).filter(date__year=year))
    if not days:
        raise Http404
    years = [day.year for day in ReceptionDay.objects.past(today).dates("date", "year", order="DESC")]
    return render(
        request,
        "reception/archive.html",
        {
            "year": year,
            "groups": _group_by_branch(days),
            "years": years,
            "nav_section": "reception",
            "breadcrumbs": [(_("Reception days"), reverse("reception:index")), (str(year), None)],
        },
    )


@public_page
@require_GET
def calendar_ics(request, slug: str):
    branch = get_object_or_404(Branch.objects.active(), slug=slug)
    days = ReceptionDay.objects.public().filter(branch=branch).order_by("date")
    body = branch_calendar(branch, days, page_url=site_url(request) + reverse("reception:index"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="reception-{branch.slug}.ics"'
    return response


def _too_many(request, template: str, context: dict):
    response = render(request, template, {**context, "limited": True}, status=429)
    response["Retry-After"] = "3600"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def book(request, day_id: int):
    """The booking form of one upcoming day (its own page; the schedule page stays cacheable)."""
    if not 1 <= day_id <= MAX_ID:
        raise Http404
    today = timezone.localdate()
    day = get_object_or_404(ReceptionDay.objects.upcoming(today).with_booking_counts(), pk=day_id)
    places_left = max(day.capacity - day.booked, 0)
    context = {
        "day": day,
        "places_left": places_left,
        "nav_section": "reception",
        "breadcrumbs": [(_("Reception days"), reverse("reception:index")), (_("Book a visit"), None)],
    }
    form = BookingForm(request.POST or None)
    if request.method == "POST":
        ip = ratelimit.client_ip(request)
        if ratelimit.is_limited("reception-book", [ip], limit=BOOK_LIMIT):
            return _too_many(request, "reception/book.html", {**context, "form": form})
        if form.is_valid():
            ratelimit.hit("reception-book", ip)
            try:
                booking = services.booking_create(day_id=day.pk, today=today, **form.booking_fields())
            except services.BookingRefused as refused:
                # A refusal about the phone (it holds the most upcoming bookings) stands at the phone field.
                form.add_error(refused.field if refused.field in form.fields else None, str(refused))
            else:
                request.session[SESSION_BOOKED] = booking.pk
                return redirect("reception:booked")
    context["form"] = form
    return render(request, "reception/book.html", context)


def _session_booking_page(request, key: str, template: str, label, back: str):
    """The page about the booking whose id this browser's session keeps under `key` (booked or cancelled
    here); without one, a redirect to `back`."""
    booking_id = request.session.get(key)
    booking = Booking.objects.select_related("day__branch").filter(pk=booking_id).first() if booking_id else None
    if booking is None:
        return redirect(back)
    return render(
        request,
        template,
        {
            "booking": booking,
            "day": booking.day,
            "nav_section": "reception",
            "breadcrumbs": [(_("Reception days"), reverse("reception:index")), (label, None)],
        },
    )


@never_cache
@require_GET
def booked(request):
    """The confirmation with the booking number, shown to the browser that booked (the id is in its session)."""
    return _session_booking_page(
        request, SESSION_BOOKED, "reception/booked.html", _("Visit booked"), back="reception:index"
    )


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request):
    """Cancel with booking number and phone. Ten failed tries an hour from one address, or five for one number from
    one address, answer 429; failures from other addresses never count against the number's owner."""
    context = {
        "nav_section": "reception",
        "breadcrumbs": [(_("Reception days"), reverse("reception:index")), (_("Cancel a booking"), None)],
    }
    form = CancelForm(request.POST or None)
    if request.method == "POST":
        ip = ratelimit.client_ip(request)
        number = form.typed_number()
        number_here = ratelimit.identity(number, ip) if number else ""
        if ratelimit.is_limited("reception-cancel", [ip], limit=CANCEL_LIMIT) or ratelimit.is_limited(
            "reception-cancel-number", [number_here], limit=CANCEL_NUMBER_LIMIT
        ):
            return _too_many(request, "reception/cancel.html", {**context, "form": CancelForm()})
        if form.is_valid():
            booking = services.booking_find(number=form.cleaned_data["number"], phone=form.cleaned_data["phone"])
            if booking is None:
                ratelimit.hit("reception-cancel", ip)
                if number_here:
                    ratelimit.hit("reception-cancel-number", number_here)
                form.add_error(None, _("No booking matches this number and phone number."))
            elif booking.day.date < timezone.localdate():
                form.add_error(None, _("This visit's day has passed; it can no longer be cancelled."))
            else:
                services.booking_cancel(booking=booking)
                request.session[SESSION_CANCELLED] = booking.pk
                return redirect("reception:cancelled")
    context["form"] = form
    return render(request, "reception/cancel.html", context)


@never_cache
@require_GET
def cancelled(request):
    return _session_booking_page(
        request, SESSION_CANCELLED, "reception/cancelled.html", _("Booking cancelled"), back="reception:cancel"
    )
