"""Reception's staff views: a schedule imported (upload, preview, confirm), a year of days generated from a
rule, a day's bookings (printable), and the autocomplete of staff who may be linked to a branch."""

import base64

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.admin import model_crumbs, staff_context
from portal.display import full_name
from portal.models import Holiday
from portal.privacy import personal_data_seen
from portal.roles import BRANCH_STAFF
from portal.tabular import ImportRefused

from .. import importer, rules, services
from ..models import BookingStatus, ReceptionDay
from .forms import GenerateForm, ImportForm

SESSION_IMPORT = "reception_import_file"
ADD_DAY = "reception.add_receptionday"
CHANGE_DAY = "reception.change_receptionday"
# The autocomplete's page of users.
USER_RESULTS = 20


def _context(request, title):
    return staff_context(request, title, crumbs=model_crumbs(ReceptionDay._meta))


def import_view(request):
    """Upload a schedule; the preview shows what would change, nothing is saved until staff confirm."""
    if not request.user.has_perm(ADD_DAY):
        raise PermissionDenied
    context = _context(request, _("Import a reception schedule"))
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.pop(SESSION_IMPORT, None)
        if not stored:
            messages.error(request, _("The uploaded file has expired; please upload it again."))
            return redirect("admin:reception_receptionday_import")
        parsed = importer.parse(base64.b64decode(stored["data"]), year=stored["year"])
        try:
            outcome = services.reception_import(rows=parsed.rows, actor=request.user) if parsed.ok else None
        except ImportRefused as refused:
            parsed.problems = refused.problems
            outcome = None
        if outcome is None:
            context.update(form=ImportForm(), problems=parsed.problems)
            return TemplateResponse(request, "admin/reception/import.html", context)
        messages.success(
            request,
            _("Imported %(total)s days: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "total": outcome.total,
                "created": len(outcome.created),
                "updated": len(outcome.updated),
                "unchanged": len(outcome.unchanged),
            },
        )
        return redirect("admin:reception_receptionday_changelist")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(importer.MAX_BYTES + 1)
        year = form.cleaned_data.get("year")
        parsed = importer.parse(data, year=year)
        outcome = None
        if parsed.ok:
            try:
                outcome = services.reception_import(rows=parsed.rows, actor=request.user, dry_run=True)
            except ImportRefused as refused:
                parsed.problems = refused.problems
        if outcome is not None:
            request.session[SESSION_IMPORT] = {"data": base64.b64encode(data).decode(), "year": year}
        context.update(parsed=parsed, outcome=outcome, problems=parsed.problems)
    context["form"] = form
    return TemplateResponse(request, "admin/reception/import.html", context)


def generate_view(request):
    """Propose a year of days from a rule; staff untick what they do not want and save the rest."""
    if not request.user.has_perm(ADD_DAY):
        raise PermissionDenied
    context = _context(request, _("Generate a year of reception days"))
    form = GenerateForm(request.POST or None, user=request.user, initial={"year": timezone.localdate().year + 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        off, workdays = Holiday.objects.filter(date__year__in=[data["year"], data["year"] + 1]).calendar()
        proposal = rules.propose_year(
            data["year"], weekday=data["weekday"], nth=data["nth"], holidays=set(off), workdays=workdays
        )
        existing = set(
            ReceptionDay.objects.filter(branch=data["branch"], date__year=data["year"]).values_list("date", flat=True)
        )
        if "save" in request.POST:
            chosen = set(request.POST.getlist("dates"))
            kept = [day for day in proposal if day.date.isoformat() in chosen]
            created = services.reception_days_generate(
                branch=data["branch"],
                dates=[day.date for day in kept],
                start_time=data["start_time"],
                end_time=data["end_time"],
                receptionist=data["receptionist"],
                title=data["title"],
                place=data["place"],
                phone=data["phone"],
                liaison=data["liaison"],
                capacity=data["capacity"],
                moved={day.date: day.rule_date for day in kept if day.moved},
                reason=_("Moved to the next working day because of a public holiday."),
                actor=request.user,
            )
            messages.success(request, _("%(count)s reception days saved.") % {"count": len(created)})
            return redirect("admin:reception_receptionday_changelist")
        context["proposal"] = [
            {
                "day": day,
                "holiday": off.get(day.rule_date, ""),
                "exists": day.date in existing,
            }
            for day in proposal
        ]
    context["form"] = form
    return TemplateResponse(request, "admin/reception/generate.html", context)


def bookings_view(request, pk: int):
    days = ReceptionDay.objects.for_user(request.user).with_booking_counts().select_related("branch")
    day = get_object_or_404(days, pk=pk)
    if not (request.user.has_perm("reception.view_receptionday") or request.user.has_perm(CHANGE_DAY)):
        raise PermissionDenied
    bookings = list(day.bookings.active().order_by("created_at"))
    personal_data_seen(request.user, bookings, where="admin:day-bookings", fields="name,phone,topic")
    context = _context(request, _("Bookings for %(day)s") % {"day": day})
    context["crumbs"].append((reverse("admin:reception_receptionday_change", args=[day.pk]), str(day)))
    context["current"] = _("Bookings")
    context.update(day=day, bookings=bookings, cancelled=day.bookings.exclude(status=BookingStatus.BOOKED).count())
    return TemplateResponse(request, "admin/reception/bookings.html", context)


def user_autocomplete_view(request):
    if not (
        request.user.has_perm("reception.add_branchstaff") or request.user.has_perm("reception.change_branchstaff")
    ):
        raise PermissionDenied
    term = request.GET.get("term", "").strip()[:60]
    try:
        page = min(max(1, int(request.GET.get("page", "1"))), 10_000)  # bounded before the OFFSET
    except ValueError:
        page = 1
    users = eligible_branch_staff().order_by("username")
    if term:
        users = users.filter(Q(username__icontains=term) | Q(first_name__icontains=term) | Q(last_name__icontains=term))
    start = (page - 1) * USER_RESULTS
    rows = list(users.values("pk", "username", "first_name", "last_name")[start : start + USER_RESULTS + 1])
    results = [
        {"id": str(row["pk"]), "text": _user_label(row["username"], row["first_name"], row["last_name"])}
        for row in rows[:USER_RESULTS]
    ]
    response = JsonResponse({"results": results, "pagination": {"more": len(rows) > USER_RESULTS}})
    response["Cache-Control"] = "private, no-store"
    return response


def eligible_branch_staff():
    """Who may be linked to a branch: active staff accounts in the Branch staff group."""
    return User.objects.filter(is_active=True, is_staff=True, groups__name=BRANCH_STAFF).distinct()


def _user_label(username, first_name, last_name):
    """An account to link, as its username and its display name (portal.display): the account is what is linked."""
    name = full_name(first_name, last_name)
    return f"{username} ({name})" if name else username
