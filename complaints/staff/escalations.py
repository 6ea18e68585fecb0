"""Outside escalation (越级投诉) on a forwarded complaint's record: the earlier direct complaints of the same
person or policy suggested or linked (complaints.workflow.escalations), and the form that confirms or rejects a
suggestion.

What a row shows follows the repeat warning: an earlier complaint this user may not open is listed without its
number, handler, complainant or matched data, and the matched phone, ID number and policy number are masked
for those who may not see personal data in full (a full view is logged). The panel lists only links made from
the forwarded complaint's own data: nothing here looks up a number typed by the user."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from portal.admin import model_crumbs, staff_context
from portal.phones import display_phone
from portal.privacy import mask_id_number, mask_name, mask_phone, personal_data_seen

from .. import services
from ..models import FORWARDED_SOURCES, FULL_DATA_PERMISSION, Complaint, EscalationLink, EscalationLinkStatus
from .common import display_user, explaining_unavailable, refused, visible

MATCH_LABELS = {
    "phone": gettext_lazy("same phone"),
    "id_number": gettext_lazy("same ID number"),
    "policy_number": gettext_lazy("same policy"),
}


def _shown_keys(link: EscalationLink, full: bool, hidden: bool) -> str:
    if hidden:  # a complaint this user may not open: what matched, not its data
        return "; ".join(str(MATCH_LABELS[key]) for key in link.matched_on if key in MATCH_LABELS)
    earlier = link.earlier
    shown = {
        "phone": display_phone(earlier.phone) if full else mask_phone(earlier.phone),
        "id_number": earlier.id_number if full else mask_id_number(earlier.id_number),
        "policy_number": earlier.policy_number if full else mask_id_number(earlier.policy_number),
    }
    return "; ".join(f"{MATCH_LABELS[key]} {shown[key]}" for key in link.matched_on if key in shown)


def escalation_panel(request, complaint: Complaint) -> dict | None:
    """The record's panel of outside escalation, or None for a complaint received directly."""
    if complaint.source not in FORWARDED_SOURCES:
        return None
    links = list(complaint.escalation_links.select_related("earlier", "earlier__handler", "decided_by"))
    full = request.user.has_perm(FULL_DATA_PERMISSION)
    visible_ids = set(
        Complaint.objects.visible_to(request.user)
        .filter(pk__in=[link.earlier_id for link in links])
        .values_list("pk", flat=True)
    )
    may_decide = services.actor_refusal(request.user, complaint, services.A.CONFIRM_OUTSIDE_ESCALATION) is None
    seen = [link.earlier for link in links if link.earlier_id in visible_ids]
    if full and seen:
        personal_data_seen(
            request.user,
            seen,
            where="admin:outside-escalation",
            fields="name,phone_in_full,id_number,policy_number",
        )
    rows = []
    for link in links:
        earlier, hidden = link.earlier, link.earlier_id not in visible_ids
        rows.append(
            {
                "link": link,
                "earlier": earlier,
                "hidden": hidden,
                "handler": "" if hidden else services.handler_label(earlier),
                "person": "" if hidden else earlier.name if full else mask_name(earlier.name),
                "matched": _shown_keys(link, full, hidden),
                "decided_by": display_user(link.decided_by) if link.decided_by_id else "",
                "can_decide": may_decide and link.status == EscalationLinkStatus.SUGGESTED,
            }
        )
    return {
        "rows": rows,
        "confirmed": sum(1 for link in links if link.status == EscalationLinkStatus.CONFIRMED),
        "suggested": sum(1 for link in links if link.status == EscalationLinkStatus.SUGGESTED),
    }


class EscalationDecisionForm(forms.Form):
    CONFIRM, REJECT = "confirm", "reject"
    decision = forms.ChoiceField(
        label=pgettext_lazy("outside escalation", "Decision"),
        choices=[
            (CONFIRM, gettext_lazy("Confirm: the complainant went outside after complaining to us")),
            (REJECT, gettext_lazy("Reject: not the same matter or not the same person")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose whether to confirm or reject the link.")},
    )
    note = forms.CharField(
        label=pgettext_lazy("outside escalation", "Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when you reject the link."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REJECT and not (data.get("note") or "").strip():
            self.add_error("note", gettext("Say why this is not an outside escalation."))
        return data


@explaining_unavailable
def escalation_decide_view(request, pk, link_pk):
    complaint = visible(request, pk)
    link = get_object_or_404(EscalationLink.objects.select_related("earlier"), pk=link_pk, complaint=complaint)
    back = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    never = services.actor_refusal(request.user, complaint, services.A.CONFIRM_OUTSIDE_ESCALATION)
    if never:
        return refused(request, never, status=403, back=back, complaint=complaint)
    form = EscalationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call = (
            services.escalation_confirm if form.cleaned_data["decision"] == form.CONFIRM else services.escalation_reject
        )
        try:
            call(link=link, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            form.add_error(None, str(error) or gettext("You do not have permission to do this."))
        else:
            messages.success(request, gettext("Outside escalation: recorded."))
            return redirect(back)
    panel = escalation_panel(request, complaint)
    row = next(row for row in panel["rows"] if row["link"].pk == link.pk)
    context = staff_context(
        request,
        " · ".join((gettext("Outside escalation"), complaint.tracking_number)),
        crumbs=[*model_crumbs(Complaint._meta), (back, complaint.tracking_number)],
        complaint=complaint,
        row=row,
        form=form,
        back=back,
    )
    return TemplateResponse(request, "admin/complaints/complaint/escalation.html", context)
