"""A complaint resolved at first contact: registered and decided on one page, the same day, with the complainant's
agreement (services.complaint_resolve_at_first_contact)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from portal.admin import model_crumbs, staff_context

from ... import services
from ...models import Complaint
from ..common import explaining_unavailable
from ..group_forms import FirstContactForm
from .sellers import registered_with_seller

RESOLVE_PERMISSIONS = ("complaints.add_complaint", "complaints.handle_complaint")
DECISION_FIELDS = ("decision", "outcome", "reliefs", "complainant_agreed")


def may_resolve_at_first_contact(user) -> bool:
    return all(user.has_perm(permission) for permission in RESOLVE_PERMISSIONS)


@explaining_unavailable
def first_contact_view(request):
    if not may_resolve_at_first_contact(request.user):
        raise PermissionDenied
    form = FirstContactForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        decision = {name: data.pop(name) for name in DECISION_FIELDS}
        try:
            complaint = _resolve(request.user, decision, data)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            form.add_error(None, str(error) or gettext("You do not have permission to do this."))
        else:
            messages.success(
                request,
                gettext(
                    "Complaint %(number)s registered and resolved at first contact; the complainant is told by SMS."
                )
                % {"number": complaint.tracking_number},
            )
            return redirect("admin:complaints_complaint_change", complaint.pk)
    context = staff_context(
        request,
        gettext("Resolved at first contact"),
        crumbs=[
            *model_crumbs(Complaint._meta),
            (reverse("admin:complaints_complaint_register"), gettext("Register a complaint")),
        ],
        form=form,
    )
    return TemplateResponse(request, "admin/complaints/complaint/first_contact.html", context)


def _resolve(actor, decision: dict, data: dict):
    """Register, accept and decide in one step, naming who sold the policy as the registration page does."""
    return registered_with_seller(
        actor,
        data,
        lambda **fields: services.complaint_resolve_at_first_contact(
            actor=actor,
            complainant_agreed=decision["complainant_agreed"],
            decision=decision["decision"],
            outcome=decision["outcome"],
            reliefs=decision["reliefs"],
            **fields,
        ),
    )
