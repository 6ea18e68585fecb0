"""The compliance entries of the admin: the dashboard's entry on the admin index (its pages are the staff views
of complaints/compliance/staff/, mounted here), the business volumes and the read-only export log."""

import json

from django.contrib import admin
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import DeclaredFiltersOnly, ReadOnlyAdmin, ScopedHistory, staff_urls

from .models import ComplianceDashboard, ExportLog, ReportingVolume
from .staff.common import DASHBOARD_PERMISSION
from .staff.urls import urlpatterns


@admin.register(ComplianceDashboard)
class ComplianceDashboardAdmin(ReadOnlyAdmin):
    """Listed on the admin index under Complaints for those with the dashboard's permission; its "list" is the
    dashboard, and its URLs are the compliance pages (no table, no standard pages)."""

    def has_module_permission(self, request):
        return request.user.has_perm(DASHBOARD_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(DASHBOARD_PERMISSION)

    def get_urls(self):
        return staff_urls(self.admin_site, urlpatterns)


@admin.register(ReportingVolume)
class ReportingVolumeAdmin(ScopedHistory, DeclaredFiltersOnly, SimpleHistoryAdmin):
    list_display = ("__str__", "premium", "policies", "insured", "note", "updated_at")
    list_filter = ("year",)


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    """Read-only: the log is evidence of who took personal data out, and when."""

    list_display = ("at", "user", "via", "file_format", "rows", "masked", "filters_text")
    list_filter = ("masked", "via", "file_format")
    date_hierarchy = "at"

    @admin.display(description=gettext_lazy("filters"))
    def filters_text(self, obj):
        return json.dumps(obj.filters, ensure_ascii=False, sort_keys=True)
