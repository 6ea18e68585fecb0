"""An approver's decision on a request for an extension: grant or refuse, never by the person who asked."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from portal.admin import model_crumbs, staff_context

from ... import services
from ...deadlines import effective_due
from ...models import ExtensionRequest, ExtensionStatus
from ..common import refused
from ..forms import ExtensionDecisionForm


def _can_view(user) -> bool:
    return user.has_perm("complaints.view_extensionrequest") or user.has_perm("complaints.change_extensionrequest")


def decide_view(request, pk):
    if not _can_view(request.user):
        message = gettext("You do not have permission to do this.")
        return refused(request, message, status=403, back=reverse("admin:index"))
    requests = ExtensionRequest.objects.visible_to(request.user).select_related("complaint")
    extension = get_object_or_404(requests, pk=pk)
    complaint = extension.complaint
    back = reverse("admin:complaints_extensionrequest_changelist")
    never = services.approver_refusal(request.user, extension)
    if never:
        return refused(request, never, status=403, back=back)
    form = ExtensionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # A limit that has passed is recorded (and the request lapses) even though the grant is then refused.
        services.complaint_mark_late(complaint=complaint)
        try:
            if form.cleaned_data["decision"] == ExtensionDecisionForm.GRANT:
                services.extension_grant(request=extension, actor=request.user, note=form.cleaned_data["note"])
                done = gettext("Extension granted; the complainant is told the new date and the reason.")
            else:
                services.extension_refuse(request=extension, actor=request.user, note=form.cleaned_data["note"])
                done = gettext("Extension refused.")
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            form.add_error(None, str(error) or gettext("You do not have permission to do this."))
        else:
            messages.success(request, done)
            return redirect("admin:complaints_extensionrequest_changelist")
        extension.refresh_from_db()
        complaint.refresh_from_db()
    # A request decided meanwhile (in another tab, by another approver) or lapsed: the reason, and what was
    # typed kept (409).
    not_now = ""
    if extension.status != ExtensionStatus.PENDING:
        not_now = gettext("This request has already been decided: %(status)s.") % {
            "status": extension.get_status_display()
        }
    shown = [str(error) for error in form.non_field_errors()] if form.is_bound else []
    context = staff_context(
        request,
        gettext("Extension request · %(number)s") % {"number": complaint.tracking_number},
        crumbs=model_crumbs(ExtensionRequest._meta),
        current=complaint.tracking_number,
        extension=extension,
        complaint=complaint,
        new_due=effective_due(
            (complaint.statutory_due_date or complaint.due_date) + timedelta(days=extension.days),
            complaint.regulator_deadline,
        ),
        form=form,
        not_now=not_now if not_now not in shown else "",
        back=back,
    )
    return TemplateResponse(
        request, "admin/complaints/extensionrequest/decide.html", context, status=409 if not_now else 200
    )
