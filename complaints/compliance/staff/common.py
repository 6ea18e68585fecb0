"""What the compliance staff pages share: their permissions and their page context."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.admin import app_crumb, staff_context

from ..models import ComplianceDashboard

DASHBOARD_PERMISSION = "complaints.view_compliance_dashboard"
IMPORT_PERMISSION = "complaints.import_complaints"
DISCLOSURE_PERMISSION = "complaints.draft_disclosure"
DASHBOARD = "admin:complaints_compliancedashboard_changelist"


def require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def page_context(request, title, *, dashboard: bool = False, **extra) -> dict:
    """A compliance page's context: its breadcrumbs run through the dashboard (the dashboard's own stop at the
    app)."""
    crumbs = [app_crumb(ComplianceDashboard._meta)]
    if not dashboard:
        crumbs.append((reverse(DASHBOARD), _("Compliance dashboard")))
    return staff_context(request, title, crumbs=crumbs, dashboard_url=reverse(DASHBOARD), **extra)
