"""Settlement authority for mediation: the table of amounts each level may approve (entered by one member of
compliance, in force once a second approved it) and each member of staff's level (set by a supervisor, every
change kept). Both pages are read by whoever sees the compliance dashboard; the services check who may write."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .... import services
from ....models import SettlementAuthority, StaffAuthority
from ....staff.mediation_forms import AuthorityTableForm, StaffLevelForm
from ..common import DASHBOARD_PERMISSION, page_context, require

AUTHORITY = "admin:complaints_compliance_settlement_authority"
LEVELS = "admin:complaints_compliance_staff_levels"


def _refusal(request, error) -> None:
    messages.error(request, " ".join(getattr(error, "messages", [])) or _("You do not have permission to do this."))


def authority_view(request):
    require(request, DASHBOARD_PERMISSION)
    can_enter = request.user.has_perm(services.ENTER_AUTHORITY_PERMISSION)
    form = AuthorityTableForm(request.POST or None) if can_enter else None
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.settlement_authority_enter(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The table was entered; a second member of compliance approves it."))
                return redirect(reverse(AUTHORITY))
    can_approve = request.user.has_perm(services.APPROVE_AUTHORITY_PERMISSION)
    tables = [
        (
            table,
            table.status == SettlementAuthority.Status.PENDING
            and can_approve
            and table.entered_by_id != request.user.pk,
            table.status == SettlementAuthority.Status.PENDING
            and (can_approve or table.entered_by_id == request.user.pk),
        )
        for table in SettlementAuthority.objects.select_related("entered_by", "approved_by")
    ]
    context = page_context(
        request,
        _("Settlement authority"),
        tables=tables,
        in_force=services.authority_in_force(),
        form=form,
        limit_days=services.response_limit_days(),
    )
    return TemplateResponse(request, "complaints/compliance/settlement_authority.html", context)


def authority_decide_view(request, pk):
    require(request, DASHBOARD_PERMISSION)
    if request.method != "POST":
        return redirect(reverse(AUTHORITY))
    table = get_object_or_404(SettlementAuthority, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.settlement_authority_decide(table=table, actor=request.user, approve=approve)
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    else:
        messages.success(request, _("The table is approved.") if approve else _("The table was refused."))
    return redirect(reverse(AUTHORITY))


def levels_view(request):
    require(request, DASHBOARD_PERMISSION)
    can_set = request.user.has_perm(services.SET_LEVEL_PERMISSION)
    form = StaffLevelForm(request.POST or None) if can_set else None
    if request.method == "POST":
        if not can_set:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.staff_authority_set(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The settlement authority is set."))
                return redirect(reverse(LEVELS))
    holders = [grant for grant in services.staff_levels().values() if grant.level]
    context = page_context(
        request,
        _("Staff settlement authority"),
        holders=sorted(holders, key=lambda grant: (grant.level, grant.user.get_username())),
        changes=StaffAuthority.objects.select_related("user", "set_by")[:50],
        in_force=services.authority_in_force(),
        form=form,
    )
    context["crumbs"].append((reverse(AUTHORITY), _("Settlement authority")))
    return TemplateResponse(request, "complaints/compliance/staff_levels.html", context)
