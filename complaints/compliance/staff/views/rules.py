"""The complaint rules as dated versions: the list, entering a version, and each version's page (its what-if:
the last 12 months' on-time rate as it would have been, the open complaints a back-dated version would change;
approved or refused there by a second member of compliance)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .... import services
from ....models import RuleVersion
from ..common import DASHBOARD_PERMISSION, page_context, require
from ..rating_forms import RuleVersionForm

RULES = "admin:complaints_compliance_rules"


def rules_view(request):
    require(request, DASHBOARD_PERMISSION)
    can_enter = request.user.has_perm("complaints.add_ruleversion")
    form = None
    if can_enter:
        form = RuleVersionForm(request.POST if request.method == "POST" else None, initial=_initial())
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in form.Meta.fields if name != "reason"}
            try:
                version = services.rule_version_enter(actor=request.user, reason=form.cleaned_data["reason"], **values)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The version was entered; a second member of compliance approves it."))
                return redirect(reverse("admin:complaints_compliance_rule", args=[version.pk]))
    context = page_context(
        request,
        _("Complaint rules"),
        versions=RuleVersion.objects.select_related("entered_by", "approved_by"),
        in_force=services.rule_version_in_force(),
        form=form,
    )
    return TemplateResponse(request, "complaints/compliance/rules.html", context)


def _initial() -> dict:
    current = services.rule_version_in_force()
    if current is None:
        return {}
    return {
        name: getattr(current, name) for name in RuleVersionForm.Meta.fields if name not in ("effective_from", "reason")
    }


def rule_view(request, pk):
    require(request, DASHBOARD_PERMISSION)
    version = get_object_or_404(RuleVersion.objects.select_related("entered_by", "approved_by"), pk=pk)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                services.rule_version_approve(version=version, actor=request.user)
                messages.success(request, _("The version is approved."))
            else:
                services.rule_version_refuse(version=version, actor=request.user)
                messages.success(request, _("The version was refused."))
        except (ValidationError, PermissionDenied) as error:
            messages.error(
                request, " ".join(getattr(error, "messages", [])) or _("You do not have permission to do this.")
            )
        return redirect(reverse("admin:complaints_compliance_rule", args=[version.pk]))
    pending = version.status == RuleVersion.Status.PENDING
    context = page_context(
        request,
        _("Complaint rules from %(day)s") % {"day": version.effective_from.isoformat()},
        version=version,
        in_force=services.rule_version_in_force(),
        rates=services.on_time_rate_under(version) if pending else None,
        changes=services.rule_version_changes(version) if pending else [],
        applied=RuleVersion.objects.none() if pending else version.applied_to,
        can_approve=pending
        and request.user.has_perm("complaints.approve_ruleversion")
        and version.entered_by_id != request.user.pk,
        can_refuse=pending
        and (request.user.has_perm("complaints.approve_ruleversion") or version.entered_by_id == request.user.pk),
    )
    context["crumbs"].append((reverse(RULES), _("Complaint rules")))
    return TemplateResponse(request, "complaints/compliance/rule.html", context)
