"""A complaint's mediation steps (complaints/workflow/mediation.py): taking the dispute to mediation, and each step
of an open mediation (the company's answer, a settlement proposed and approved, the outcome, the court's judicial
confirmation). Each form is the action page's; a step refused by its service keeps what was typed and says why."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from portal.admin import staff_context

from ... import services
from ...models import EventAction, Mediation
from ..common import can_view_complaints, explaining_unavailable, refused, visible
from ..mediation_forms import MEDIATION_STEPS, OPEN_LABEL, MediationOpenForm
from .complaint import _record_crumbs


def _page(request, complaint, form, label, *, not_now: str = "", status: int = 200):
    shown = [str(error) for error in form.non_field_errors()] if form.is_bound else []
    context = staff_context(
        request,
        f"{label} · {complaint.tracking_number}",
        crumbs=_record_crumbs(complaint),
        current=label,
        complaint=complaint,
        form=form,
        not_now=not_now if not_now not in shown else "",
        back=reverse("admin:complaints_complaint_change", args=[complaint.pk]),
        action_label=label,
    )
    return TemplateResponse(request, "admin/complaints/complaint/action.html", context, status=status)


def _run(request, form, call, label):
    """Call the service with the valid form; the error, if refused, goes on the form. True when done."""
    try:
        call()
    except ValidationError as error:
        form.add_error(None, error)
    except PermissionDenied as error:
        form.add_error(None, str(error) or gettext("You do not have permission to do this."))
    else:
        messages.success(request, gettext("%(action)s: done.") % {"action": label})
        return True
    return False


@explaining_unavailable
def mediation_open_view(request, pk):
    if not can_view_complaints(request.user):
        raise PermissionDenied
    complaint = visible(request, pk)
    back = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    never = services.actor_refusal(request.user, complaint, EventAction.MEDIATION_OPENED)
    if never:
        return refused(request, never, status=403, back=back, complaint=complaint)
    form = MediationOpenForm(request.POST or None, complaint=complaint)
    done = request.method == "POST" and form.is_valid()
    if done and _run(request, form, lambda: form.save(complaint, request.user), OPEN_LABEL):
        return redirect(back)
    not_now = services.mediation_refusal(complaint) or ""
    return _page(request, complaint, form, OPEN_LABEL, not_now=not_now, status=409 if not_now else 200)


@explaining_unavailable
def mediation_step_view(request, pk, step):
    if not can_view_complaints(request.user):
        raise PermissionDenied
    if step not in MEDIATION_STEPS:
        raise Http404
    mediation = get_object_or_404(Mediation, pk=pk)
    complaint = visible(request, mediation.complaint_id)
    mediation.complaint = complaint
    form_class, label = MEDIATION_STEPS[step]
    form = form_class(request.POST if request.method == "POST" else None, complaint=complaint)
    if request.method == "POST" and form.is_valid():
        if _run(request, form, lambda: form.save(mediation, request.user), label):
            return redirect("admin:complaints_complaint_change", complaint.pk)
        mediation.refresh_from_db()
    not_now = ""
    if step == "approve":
        not_now = services.approval_refusal(request.user, mediation) or ""
    elif step not in services.mediation_steps(request.user, mediation):
        not_now = gettext("This step is not possible on this mediation now.")
    return _page(request, complaint, form, label, not_now=not_now, status=409 if not_now else 200)
