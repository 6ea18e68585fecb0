"""The complaints list's actions on a selection: assign to a handler (through a page choosing the handler),
export masked, place or lift a legal hold. Each complaint goes through its service, which may refuse it."""

import tempfile

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin import model_crumbs, staff_context

from .. import services
from ..compliance import exports
from .common import display_user
from .forms import AssignForm

# An export of a selection is written to memory up to this size, then to a temporary file.
EXPORT_SPOOL_BYTES = 8 * 1024 * 1024


@admin.action(description=_("Assign to a handler…"), permissions=["assign"])
def assign_to_handler(modeladmin, request, queryset):
    """An intermediate page chooses the handler; each complaint is then assigned by the service, which may
    refuse one (a conflict of interest, a complaint no longer being handled) and says why."""
    selection = queryset.order_by("received_at", "pk")
    form = AssignForm(request.POST if "apply" in request.POST else None, complaints=selection)
    if "apply" in request.POST and form.is_valid():
        handler = form.cleaned_data["handler"]
        assigned, refused = 0, []
        for complaint in queryset.order_by("received_at", "pk"):
            try:
                services.complaint_assign(complaint=complaint, actor=request.user, handler=handler)
            except ValidationError as error:
                refused.append((complaint.tracking_number, " ".join(error.messages)))
            except PermissionDenied as error:
                refused.append(
                    (complaint.tracking_number, str(error) or gettext("You do not have permission to do this."))
                )
            else:
                assigned += 1
        if assigned:
            messages.success(
                request,
                gettext("%(count)d complaint(s) assigned to %(name)s.")
                % {"count": assigned, "name": display_user(handler)},
            )
        for number, reason in refused:
            messages.error(
                request, gettext("%(number)s not assigned: %(reason)s") % {"number": number, "reason": reason}
            )
        return None
    context = staff_context(
        request,
        gettext("Assign to a handler"),
        crumbs=model_crumbs(queryset.model._meta),
        form=form,
        complaints=queryset.select_related("handler").order_by("received_at", "pk"),
        selected=request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        select_across=request.POST.get("select_across", "0"),
        action="assign_to_handler",
    )
    return TemplateResponse(request, "admin/complaints/complaint/assign.html", context)


@admin.action(description=_("Export the selected complaints (CSV, personal data masked)"), permissions=["export"])
def export_masked_csv(modeladmin, request, queryset):
    spool = tempfile.SpooledTemporaryFile(max_size=EXPORT_SPOOL_BYTES)  # noqa: SIM115 (the response closes it)
    try:
        exports.complaint_export(
            filters={}, file_format="csv", target=spool, user=request.user, via="admin", selection=queryset
        )
    except exports.ExportRefused as refused:
        spool.close()
        messages.error(request, str(refused))
        return None
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename="complaints.csv", content_type="text/csv; charset=utf-8")


def _set_legal_hold(request, queryset, hold: bool):
    for complaint in queryset:
        services.complaint_set_legal_hold(
            complaint=complaint, actor=request.user, hold=hold, reason=gettext("Set in the admin")
        )
    done = (
        gettext("%(count)d complaint(s) placed on legal hold.")
        if hold
        else gettext("Legal hold lifted on %(count)d complaint(s).")
    )
    messages.success(request, done % {"count": queryset.count()})


@admin.action(description=_("Place on legal hold (kept beyond the retention period)"), permissions=["legal_hold"])
def place_legal_hold(modeladmin, request, queryset):
    _set_legal_hold(request, queryset, True)


@admin.action(description=_("Lift the legal hold"), permissions=["legal_hold"])
def lift_legal_hold(modeladmin, request, queryset):
    _set_legal_hold(request, queryset, False)
