"""A complaint's own staff pages: a workflow step's form, the attachments (downloaded or shown) and the
printable decision letter."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from portal.admin import model_crumbs, staff_context
from portal.privacy import personal_data_seen

from ... import letters, services
from ...documents import attachment_response
from ...models import FULL_DATA_PERMISSION, ComplaintAttachment
from ..common import (
    Unavailable,
    can_view_complaints,
    explaining_unavailable,
    refused,
    unavailable,
    visible,
)
from ..steps import ACTION_FORMS

# An attachment shown in the browser: no script, no form, no plugin, nothing loaded from elsewhere; the browser's
# own image and PDF viewers still show it.
PREVIEW_CSP = "sandbox; default-src 'none'"


def _record_crumbs(complaint):
    return [
        *model_crumbs(complaint._meta),
        (reverse("admin:complaints_complaint_change", args=[complaint.pk]), complaint.tracking_number),
    ]


@explaining_unavailable
def action_view(request, pk, action):
    if not can_view_complaints(request.user):
        message = gettext("You do not have permission to do this.")
        return refused(request, message, status=403, back=reverse("admin:index"))
    complaint = visible(request, pk)
    if action not in ACTION_FORMS:
        raise Http404
    back = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    # A step this person may never take is refused (403, with the reason, in the admin's look).
    never = services.actor_refusal(request.user, complaint, action)
    if never:
        return refused(request, never, status=403, back=back, complaint=complaint)
    # A step the workflow does not allow now (close before decide; a form left open in another tab while the
    # complaint moved on) shows its form with the reason and keeps what was typed (409); the service, which
    # locks the complaint, has the last word.
    form_class, call = ACTION_FORMS[action]
    form = form_class(request.POST or None, request.FILES or None, complaint=complaint, query=request.GET)
    if request.method == "POST" and form.is_valid():
        # A limit that has passed is recorded even when the step asked for is then refused.
        services.complaint_mark_late(complaint=complaint)
        try:
            call(complaint, request.user, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            form.add_error(None, str(error) or gettext("You do not have permission to do this."))
        else:
            messages.success(
                request, gettext("%(action)s: done.") % {"action": services.action_label(complaint, action)}
            )
            return redirect("admin:complaints_complaint_change", complaint.pk)
        complaint.refresh_from_db()
    not_now = services.why_not_now(complaint, action)
    shown = [str(error) for error in form.non_field_errors()] if form.is_bound else []
    context = staff_context(
        request,
        f"{services.action_label(complaint, action)} · {complaint.tracking_number}",
        crumbs=_record_crumbs(complaint),
        current=services.action_label(complaint, action),
        complaint=complaint,
        form=form,
        action=action,
        not_now=not_now if not_now not in shown else "",
        back=back,
        action_label=services.action_label(complaint, action),
    )
    return TemplateResponse(request, "admin/complaints/complaint/action.html", context, status=409 if not_now else 200)


@explaining_unavailable
def attachment_view(request, pk):
    attachment = ComplaintAttachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Unavailable(unavailable(request, ""))
    complaint = visible(request, attachment.complaint_id)
    # An attachment (an ID card, a medical record) is personal data in full: only for those who may see it
    # in full, and its download is logged.
    if not request.user.has_perm(FULL_DATA_PERMISSION):
        raise PermissionDenied
    personal_data_seen(request.user, complaint, where="admin:attachment", fields=f"attachment:{attachment.pk}")
    return attachment_response(attachment, as_attachment=True)


@explaining_unavailable
def attachment_preview_view(request, pk):
    """An image or a PDF shown in the browser rather than downloaded, for the same staff as the download
    and logged the same way; sandboxed, so that nothing in the file runs with the admin's rights."""
    attachment = get_object_or_404(ComplaintAttachment.objects.select_related("complaint"), pk=pk)
    complaint = visible(request, attachment.complaint_id)
    if not request.user.has_perm(FULL_DATA_PERMISSION):
        raise PermissionDenied
    if not attachment.previewable:
        raise Http404
    personal_data_seen(request.user, complaint, where="admin:attachment-preview", fields=f"attachment:{attachment.pk}")
    response = attachment_response(attachment, as_attachment=False)
    response["Content-Security-Policy"] = PREVIEW_CSP
    return response


@explaining_unavailable
def letter_view(request, pk):
    """The decision letter, printable (A4, no admin chrome), for complainants who came by letter, visit or
    phone; "Record as issued" keeps the letter's text in the case history."""
    complaint = visible(request, pk)
    if not services.can_act(request.user, complaint, services.A.LETTER):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.complaint_issue_letter(complaint=complaint, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, gettext("The letter is recorded as issued."))
        return redirect("admin:complaints_complaint_letter", complaint.pk)
    # The letter names the complainant in full.
    personal_data_seen(request.user, complaint, where="admin:letter", fields="name")
    letter = letters.decision_letter(complaint)
    hints = letter.hints
    context = staff_context(
        request,
        gettext("Decision letter · %(number)s") % {"number": complaint.tracking_number},
        crumbs=_record_crumbs(complaint),
        current=gettext("Decision letter"),
        complaint=complaint,
        letter=letter,
        hints=hints,
        hints_message=letters.hints_message(hints) if hints else "",
        hints_heading=letters.hints_heading(hints) if hints else "",
        quoted_hints=[letters.quoted_hint(hint) for hint in hints],
        issued=complaint.events.filter(action=services.A.LETTER).select_related("actor").order_by("-at").first(),
    )
    return TemplateResponse(request, "admin/complaints/complaint/letter.html", context)
