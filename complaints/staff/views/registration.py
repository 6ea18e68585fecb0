"""Registration of a complaint received by letter, visit, phone, WeChat or email, or forwarded by the regulator."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from portal.admin import model_crumbs, staff_context
from portal.phones import display_phone
from portal.privacy import mask_name, mask_phone

from ... import services
from ...models import FULL_DATA_PERMISSION, Complaint
from ..common import REPEATS_SHOWN, complaints_for, explaining_unavailable
from ..forms import RegisterForm


@explaining_unavailable
def register_view(request):
    if not request.user.has_perm("complaints.add_complaint"):
        raise PermissionDenied
    form = RegisterForm(request.POST or None, request.FILES or None)
    repeats = []
    # The same caller or policy again within 90 days: the form comes back, as typed, listing the earlier
    # complaints, until the person registering confirms that this one is new.
    if request.method == "POST" and form.is_valid() and not request.POST.get("register_anyway"):
        repeats = _registration_repeats(request, form.cleaned_data)
    if request.method == "POST" and form.is_valid() and not repeats:
        try:
            complaint = services.complaint_register(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, gettext("Complaint %(number)s registered.") % {"number": complaint.tracking_number}
            )
            # The first responder lands on the record they just typed; whoever may not handle it, on the list.
            if complaints_for(request.user).filter(pk=complaint.pk).exists():
                return redirect("admin:complaints_complaint_change", complaint.pk)
            return redirect("admin:complaints_complaint_changelist")
    context = staff_context(
        request,
        gettext("Register a complaint"),
        crumbs=model_crumbs(Complaint._meta),
        form=form,
        repeats=repeats,
        files_dropped=bool(repeats and request.FILES),
    )
    return TemplateResponse(request, "admin/complaints/complaint/register.html", context)


def _registration_repeats(request, data) -> list[dict]:
    """Earlier complaints from the same phone or about the same policy within 90 days of the one being
    registered, the complainant masked unless the user may see personal data in full."""
    full = request.user.has_perm(FULL_DATA_PERMISSION)
    repeats = services.possible_repeats(
        phone=data["phone"], policy_number=data["policy_number"], received_at=data["received_at"]
    )
    return [
        {
            "complaint": repeat,
            "handler": services.handler_label(repeat),
            "person": (
                f"{repeat.name} {display_phone(repeat.phone)}"
                if full
                else f"{mask_name(repeat.name)} {mask_phone(repeat.phone)}"
            ),
        }
        for repeat in repeats[:REPEATS_SHOWN]
    ]
