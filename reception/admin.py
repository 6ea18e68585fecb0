"""Reception in the admin: reception days (branch staff see their own branches'), their bookings and
the links of branch staff to their branches. The staff pages beside them (import, generation, a day's bookings,
visits registered as complaints, the user autocomplete) live in reception/staff/ and are mounted here."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Case, F, IntegerField, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import DeclaredFiltersOnly, ScopedHistory, staff_urls
from portal.privacy import mask_name, mask_phone, personal_data_seen

from . import services
from .models import Booking, BranchStaff, ReceptionDay
from .staff import actions as staff_actions
from .staff import urls
from .staff.forms import branches_for
from .staff.views import eligible_branch_staff


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
            kwargs["queryset"] = branches_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BookingInline(admin.TabularInline):
    model = Booking
    extra = 0
    can_delete = False
    fields = ("number", "masked_name", "masked", "status", "created_at")
    readonly_fields = fields
    show_change_link = True

    @admin.display(description=gettext_lazy("name"))
    def masked_name(self, obj):
        return mask_name(obj.name)

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

    def get_ordering(self, request):
        # The days to come first, soonest first (today's at the top), then the past, latest first.
        today = timezone.localdate()
        return [
            Case(When(date__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField()).asc(),
            Case(When(date__gte=today, then=F("date"))).asc(nulls_last=True),
            Case(When(date__lt=today, then=F("date"))).desc(nulls_last=True),
            "branch__sort_order",
            "branch__slug",
        ]

    @admin.display(description=gettext_lazy("time"))
    def time_window(self, obj):
        return f"{obj.start_time:%H:%M}–{obj.end_time:%H:%M}"

    @admin.display(description=gettext_lazy("booked"), ordering="booked")
    def booked(self, obj):
        return obj.booked

    def save_model(self, request, obj, form, change):
        services.reception_day_save(day=obj, changed=form.changed_data if change else [], actor=request.user)

    def get_urls(self):
        return [*staff_urls(self.admin_site, urls.reception_day_urls), *super().get_urls()]


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
    actions = ["cancel_bookings", staff_actions.register_complaints]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The record shows the visitor's name and phone in full: each view of it is logged."""
        booking = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if booking is not None and self.has_view_permission(request, booking):
            personal_data_seen(request.user, booking, where="admin:booking", fields="name,phone")
        return super().change_view(request, object_id, form_url, extra_context)

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

    @admin.action(description=gettext_lazy("Cancel the selected bookings"), permissions=["change"])
    def cancel_bookings(self, request, queryset):
        for booking in queryset:
            services.booking_cancel(booking=booking)
        messages.success(request, _("%(count)s bookings cancelled.") % {"count": queryset.count()})


@admin.register(BranchStaff)
class BranchStaffAdmin(ScopedHistory, DeclaredFiltersOnly, SimpleHistoryAdmin):
    """Supervisors link members of the Branch staff group to their branches. The user is chosen through an
    autocomplete of its own (the users admin is closed to supervisors): active members of that group only, by
    username or name, answering only the username and the name."""

    list_display = ("user", "branch")
    list_filter = ("branch",)
    list_select_related = ("user", "branch")
    search_fields = ("user__username",)

    def get_urls(self):
        return [*staff_urls(self.admin_site, urls.branch_staff_urls), *super().get_urls()]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = eligible_branch_staff()
            kwargs["widget"] = ScopedUserAutocomplete(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedUserAutocomplete(AutocompleteSelect):
    """Django's autocomplete widget, asking the branch-staff admin's own view instead of the users admin."""

    def get_url(self):
        return reverse("admin:reception_branchstaff_user_autocomplete")
