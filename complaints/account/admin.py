"""The admin's lists of call-back requests and personal data requests; each row opens its staff page
(complaints/account/staff.py). Nothing is added, changed or deleted through Django's own forms: every step is a
service with its event."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin import DeclaredFiltersOnly, staff_urls

from ..models import DATA_REQUEST_OPEN, Callback, DataRequest
from . import staff


class _Handled(DeclaredFiltersOnly, admin.ModelAdmin):
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Callback)
class CallbackAdmin(_Handled):
    list_display = ("number_link", "created_at", "preferred_time", "language", "status", "outcome", "complaint")
    list_filter = ("status", "outcome", "language")
    date_hierarchy = "created_at"
    search_fields = ("=number",)
    ordering = ("status", "created_at")

    @admin.display(description=_("request number"), ordering="number")
    def number_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:complaints_callback_record", args=[obj.pk]), obj.number
        )

    def get_urls(self):
        return staff_urls(self.admin_site, staff.callback_urls) + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Only for those who may see call backs: the others are refused here, not sent on to the record page.
        if not self.has_view_permission(request):
            raise PermissionDenied
        return redirect("admin:complaints_callback_record", pk=object_id)


class StillOpen(admin.SimpleListFilter):
    """Requests still to answer (received, or identity confirmed): the work queue's row links here."""

    title = _("to answer")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("1", _("Still to answer"))]

    def queryset(self, request, queryset):
        return queryset.filter(status__in=DATA_REQUEST_OPEN).order_by("due_on") if self.value() == "1" else queryset


@admin.register(DataRequest)
class DataRequestAdmin(_Handled):
    list_display = ("number_link", "kind", "received_at", "due_on", "status", "answered_at", "on_time")
    list_filter = (StillOpen, "status", "kind")
    date_hierarchy = "received_at"
    search_fields = ("=number",)

    @admin.display(description=_("request number"), ordering="number")
    def number_link(self, obj):
        url = reverse("admin:complaints_datarequest_handle", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.number)

    @admin.display(description=_("answered in time"))
    def on_time(self, obj):
        if obj.answered_at is None:
            return _("open, not yet due") if obj.due_on >= timezone.localdate() else _("open and overdue")
        return _("yes") if timezone.localdate(obj.answered_at) <= obj.due_on else _("no")

    def get_urls(self):
        return staff_urls(self.admin_site, staff.data_request_urls) + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return redirect("admin:complaints_datarequest_handle", pk=object_id)
