import base64

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from complaints.models import Category
from portal.admin import DeclaredFiltersOnly, ScopedHistory
from portal.models import Branch, Holiday, HolidayKind
from portal.phones import validate_phone
from portal.privacy import mask_name, mask_phone
from portal.roles import BRANCH_STAFF
from portal.tabular import ImportRefused

from . import importer, rules, services
from .models import Booking, BookingStatus, BranchStaff, ReceptionDay, staff_branch_ids

SESSION_IMPORT = "reception_import_file"
WEEKDAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
]
NTH = [
    (1, gettext_lazy("first")),
    (2, gettext_lazy("second")),
    (3, gettext_lazy("third")),
    (4, gettext_lazy("fourth")),
    (-1, gettext_lazy("last")),
]


def _branches_for(user):
    ids = staff_branch_ids(user)
    branches = Branch.objects.all()
    return branches if ids is None else branches.filter(pk__in=ids)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Schedule file (CSV or XLSX)"))
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("For dates published without a year, such as 1月11日."),
    )


class GenerateForm(forms.Form):
    branch = forms.ModelChoiceField(label=gettext_lazy("Branch"), queryset=Branch.objects.none())
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    nth = forms.TypedChoiceField(label=gettext_lazy("Which week"), choices=NTH, coerce=int)
    weekday = forms.TypedChoiceField(label=gettext_lazy("Weekday"), choices=WEEKDAYS, coerce=int)
    start_time = forms.TimeField(label=gettext_lazy("Starts at"), initial="09:00")
    end_time = forms.TimeField(label=gettext_lazy("Ends at"), initial="11:30")
    receptionist = forms.CharField(label=gettext_lazy("Receptionist"), max_length=60)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=60, initial="总经理")
    place = forms.CharField(label=gettext_lazy("Place"), max_length=300)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    liaison = forms.CharField(label=gettext_lazy("Liaison"), max_length=60, required=False)
    capacity = forms.IntegerField(label=gettext_lazy("Bookable visits"), min_value=0, max_value=500, initial=10)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = _branches_for(user)

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["start_time"] >= data["end_time"]:
            self.add_error("end_time", _("The day must end after it starts."))
        if data.get("phone"):
            try:
                validate_phone(data["phone"])
            except forms.ValidationError as error:
                self.add_error("phone", error)
        return data


class ComplaintFromVisitForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Category"))
    note = forms.CharField(
        label=gettext_lazy("Note for the complaint record"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories


class BookingForm(forms.ModelForm):
    """The booking record is read-only; the one thing staff set here is the complaint the visit became, typed as
    its tracking number (never picked from a list of every complaint), checked by the service."""

    link_complaint = forms.CharField(
        label=gettext_lazy("Link to the complaint with tracking number"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("One of this branch's complaints, for example TS-20261121-7KQ2M9XD."),
    )

    class Meta:
        model = Booking
        fields = ()

    def clean_link_complaint(self):
        number = self.cleaned_data["link_complaint"].strip()
        if number:
            try:
                services.booking_complaint_for_link(booking=self.instance, actor=self.actor, tracking_number=number)
            except services.BookingRefused as refused:
                raise forms.ValidationError(str(refused)) from refused
        return number


class BranchScopedAdmin:
    """Branch staff see and edit only their own branches' rows (see models.staff_branch_ids)."""

    branch_field = "branch"

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "branch":
            kwargs["queryset"] = _branches_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BookingInline(admin.TabularInline):
    model = Booking
    extra = 0
    can_delete = False
    fields = ("number", "name", "masked", "status", "created_at")
    readonly_fields = fields
    show_change_link = True

    @admin.display(description=gettext_lazy("phone"))
    def masked(self, obj):
        return mask_phone(obj.phone)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReceptionDay)
class ReceptionDayAdmin(
    ScopedHistory, DeclaredFiltersOnly, BranchScopedAdmin, SimpleHistoryAdmin, TabbedTranslationAdmin
):
    list_display = ("date", "branch", "time_window", "receptionist", "status", "capacity", "booked")
    list_filter = ("status", "branch", ("date", admin.DateFieldListFilter))
    search_fields = ("receptionist", "place", "branch__name")
    date_hierarchy = "date"
    list_select_related = ("branch",)
    inlines = [BookingInline]
    fieldsets = (
        (None, {"fields": ("branch", "date", ("start_time", "end_time"), "capacity")}),
        (
            gettext_lazy("Who and where"),
            {
                "fields": (
                    ("receptionist", "receptionist_latin"),
                    "title",
                    "phone",
                    "place",
                    ("liaison", "liaison_latin"),
                    "notes",
                )
            },
        ),
        (gettext_lazy("Changes"), {"fields": ("status", "moved_from", "status_reason")}),
    )
    change_list_template = "admin/reception/receptionday/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_booking_counts()

    @admin.display(description=gettext_lazy("time"))
    def time_window(self, obj):
        return f"{obj.start_time:%H:%M}–{obj.end_time:%H:%M}"

    @admin.display(description=gettext_lazy("booked"), ordering="booked")
    def booked(self, obj):
        return obj.booked

    def save_model(self, request, obj, form, change):
        services.reception_day_save(day=obj, changed=form.changed_data if change else [], actor=request.user)

    def get_urls(self):
        urls = [
            path("import/", self.admin_site.admin_view(self.import_view), name="reception_receptionday_import"),
            path("generate/", self.admin_site.admin_view(self.generate_view), name="reception_receptionday_generate"),
            path(
                "<int:pk>/bookings/",
                self.admin_site.admin_view(self.bookings_view),
                name="reception_receptionday_bookings",
            ),
        ]
        return urls + super().get_urls()

    def _context(self, request, title):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title}

    # --- import: upload → preview → confirm ---------------------------------------------------------------------

    def import_view(self, request):
        """Upload a schedule; the preview shows what would change, nothing is saved until staff confirm."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = self._context(request, _("Import a reception schedule"))
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

    # --- generate a year ---------------------------------------------------------------------------------------

    def generate_view(self, request):
        """Propose a year of days from a rule; staff untick what they do not want and save the rest."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = self._context(request, _("Generate a year of reception days"))
        form = GenerateForm(request.POST or None, user=request.user, initial={"year": timezone.localdate().year + 1})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            holidays = Holiday.objects.filter(date__year__in=[data["year"], data["year"] + 1])
            off = {holiday.date: holiday.name for holiday in holidays if holiday.kind == HolidayKind.HOLIDAY}
            workdays = {holiday.date for holiday in holidays if holiday.kind == HolidayKind.WORKDAY}
            proposal = rules.propose_year(
                data["year"], weekday=data["weekday"], nth=data["nth"], holidays=set(off), workdays=workdays
            )
            existing = set(
                ReceptionDay.objects.filter(branch=data["branch"], date__year=data["year"]).values_list(
                    "date", flat=True
                )
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

    # --- the day's bookings, printable -------------------------------------------------------------------------

    def bookings_view(self, request, pk: int):
        day = get_object_or_404(self.get_queryset(request).select_related("branch"), pk=pk)
        if not self.has_view_permission(request, day):
            raise PermissionDenied
        bookings = list(day.bookings.active().order_by("created_at"))
        context = self._context(request, _("Bookings for %(day)s") % {"day": day})
        context.update(day=day, bookings=bookings, cancelled=day.bookings.exclude(status=BookingStatus.BOOKED).count())
        return TemplateResponse(request, "admin/reception/bookings.html", context)


@admin.register(Booking)
class BookingAdmin(ScopedHistory, DeclaredFiltersOnly, admin.ModelAdmin):
    list_display = ("number", "day", "masked_name", "masked", "status", "created_at", "complaint_link")
    list_filter = ("status", "day__branch")
    search_fields = ("number",)
    list_select_related = ("day__branch", "complaint")
    # Read-only: a booking is cancelled through the action (the service frees the place), never edited.
    readonly_fields = (
        "number", "day", "name", "phone", "topic", "tracking_number",
        "language", "status", "created_at", "cancelled_at", "complaint_link",
    )  # fmt: skip
    # Only these: the complaint is shown as its link, never as a select of every complaint (a million options);
    # it is set by typing a tracking number of the branch's complaints (BookingForm).
    fields = readonly_fields
    form = BookingForm
    actions = ["cancel_bookings", "register_complaints"]

    def get_fields(self, request, obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            return (*self.readonly_fields, "link_complaint")
        return self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        number = form.cleaned_data.get("link_complaint")
        if number:
            try:
                services.booking_link_complaint(booking=obj, actor=request.user, tracking_number=number)
            except services.BookingRefused as refused:
                messages.error(request, str(refused))

    def save_related(self, request, form, formsets, change):
        pass

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=pgettext_lazy("person", "name"))
    def masked_name(self, obj):
        return mask_name(obj.name)

    @admin.display(description=gettext_lazy("phone"))
    def masked(self, obj):
        return mask_phone(obj.phone)

    @admin.display(description=gettext_lazy("complaint"))
    def complaint_link(self, obj):
        if not obj.complaint_id:
            return "—"
        try:
            url = reverse("admin:complaints_complaint_change", args=[obj.complaint_id])
        except NoReverseMatch:  # the complaints admin is not installed
            return obj.complaint.tracking_number
        return format_html('<a href="{}">{}</a>', url, obj.complaint.tracking_number)

    def has_register_complaint_permission(self, request):
        return request.user.has_perm("reception.change_booking") and request.user.has_perm("complaints.add_complaint")

    @admin.action(
        description=gettext_lazy("Register the selected visits as complaints"), permissions=["register_complaint"]
    )
    def register_complaints(self, request, queryset):
        """After the day: each visit becomes a complaint received in person (channel visit), after staff choose
        its category on an intermediate page."""
        form = ComplaintFromVisitForm(request.POST if "apply" in request.POST else None, categories=Category.choices)
        if form.is_bound and form.is_valid():
            registered = []
            for booking in queryset.select_related("day__branch"):
                try:
                    complaint = services.booking_register_complaint(
                        booking=booking,
                        actor=request.user,
                        category=form.cleaned_data["category"],
                        note=form.cleaned_data["note"],
                    )
                except services.BookingRefused as refused:
                    messages.error(request, str(refused))
                else:
                    registered.append(complaint.tracking_number)
            if registered:
                messages.success(
                    request,
                    _("Registered as complaints: %(numbers)s.") % {"numbers": ", ".join(registered)},
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Register visits as complaints"),
            "bookings": queryset.select_related("day__branch"),
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/reception/register_complaints.html", context)

    @admin.action(description=gettext_lazy("Cancel the selected bookings"), permissions=["change"])
    def cancel_bookings(self, request, queryset):
        for booking in queryset:
            services.booking_cancel(booking=booking)
        messages.success(request, _("%(count)s bookings cancelled.") % {"count": queryset.count()})


# The working-day calendar is portal's model; its admin stays here beside the reception days it moves.
@admin.register(Holiday)
class HolidayAdmin(ScopedHistory, DeclaredFiltersOnly, SimpleHistoryAdmin):
    list_display = ("date", "name", "kind")
    list_filter = ("kind", ("date", admin.DateFieldListFilter))
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(BranchStaff)
class BranchStaffAdmin(DeclaredFiltersOnly, admin.ModelAdmin):
    """Supervisors link members of the Branch staff group to their branches. The user is chosen through an
    autocomplete of its own (the users admin is closed to supervisors): active members of that group only, by
    username or name, answering only the username and the name."""

    list_display = ("user", "branch")
    list_filter = ("branch",)
    list_select_related = ("user", "branch")
    search_fields = ("user__username",)
    USER_RESULTS = 20

    def get_urls(self):
        return [
            path(
                "user-autocomplete/",
                self.admin_site.admin_view(self.user_autocomplete_view),
                name="reception_branchstaff_user_autocomplete",
            ),
            *super().get_urls(),
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = eligible_branch_staff()
            kwargs["widget"] = ScopedUserAutocomplete(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def user_autocomplete_view(self, request):
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        term = request.GET.get("term", "").strip()[:60]
        try:
            page = max(1, int(request.GET.get("page", "1")))
        except ValueError:
            page = 1
        users = eligible_branch_staff().order_by("username")
        if term:
            users = users.filter(
                Q(username__icontains=term) | Q(first_name__icontains=term) | Q(last_name__icontains=term)
            )
        start = (page - 1) * self.USER_RESULTS
        rows = list(users.values("pk", "username", "first_name", "last_name")[start : start + self.USER_RESULTS + 1])
        results = [
            {"id": str(row["pk"]), "text": _user_label(row["username"], row["first_name"], row["last_name"])}
            for row in rows[: self.USER_RESULTS]
        ]
        response = JsonResponse({"results": results, "pagination": {"more": len(rows) > self.USER_RESULTS}})
        response["Cache-Control"] = "private, no-store"
        return response


def eligible_branch_staff():
    """Who may be linked to a branch: active staff accounts in the Branch staff group."""
    return User.objects.filter(is_active=True, is_staff=True, groups__name=BRANCH_STAFF).distinct()


def _user_label(username, first_name, last_name):
    name = f"{last_name}{first_name}".strip()
    return f"{username} ({name})" if name else username


class ScopedUserAutocomplete(AutocompleteSelect):
    """Django's autocomplete widget, asking the branch-staff admin's own view instead of the users admin."""

    def get_url(self):
        return reverse("admin:reception_branchstaff_user_autocomplete")
