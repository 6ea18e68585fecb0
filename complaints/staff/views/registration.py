"""Registration of a complaint received by letter, visit, phone, WeChat or email, or forwarded by the regulator."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext

from portal.admin import model_crumbs, staff_context
from portal.phones import display_phone
from portal.privacy import mask_name, mask_phone, personal_data_seen

from ... import services
from ...models import FULL_DATA_PERMISSION, Complaint
from ..common import REPEATS_SHOWN, complaints_for, explaining_unavailable
from ..forms import RegisterForm
from .first_contact import may_resolve_at_first_contact
from .sellers import registered_with_seller


@explaining_unavailable
def register_view(request):
    if not request.user.has_perm("complaints.add_complaint"):
        raise PermissionDenied
    form = RegisterForm(request.POST or None, request.FILES or None)
    repeats, hidden = [], 0
    # The same caller or policy again within 90 days: the form comes back, as typed, listing the earlier
    # complaints, until the person registering confirms that this one is new.
    if request.method == "POST" and form.is_valid() and not request.POST.get("register_anyway"):
        repeats, hidden = _registration_repeats(request, form.cleaned_data)
    if request.method == "POST" and form.is_valid() and not (repeats or hidden):
        try:
            complaint = registered_with_seller(
                request.user,
                dict(form.cleaned_data),
                lambda **fields: services.complaint_register(actor=request.user, **fields),
            )
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
        hidden_repeats=hidden,
        hidden_repeats_text=_hidden_text(hidden),
        files_dropped=bool((repeats or hidden) and request.FILES),
        may_resolve_at_first_contact=may_resolve_at_first_contact(request.user),
    )
    return TemplateResponse(request, "admin/complaints/complaint/register.html", context)


def _registration_repeats(request, data) -> tuple[list[dict], int]:
    """Earlier complaints from the same phone or about the same policy within 90 days of the one being
    registered: those this user may open (at most REPEATS_SHOWN), each with its handler and its complainant as
    the record shows them (in full, and logged, for those who may see personal data in full; masked for the
    others), and how many earlier complaints this user may not open: of those, neither number nor handler nor
    complainant (with the caller's phone, a number would open the public look-up of a colleague's case)."""
    full = request.user.has_perm(FULL_DATA_PERMISSION)
    repeats = services.possible_repeats(
        phone=data["phone"], policy_number=data["policy_number"], received_at=data["received_at"]
    )
    shown = list(repeats.filter(pk__in=Complaint.objects.visible_to(request.user).values("pk"))[:REPEATS_SHOWN])
    hidden = repeats.exclude(pk__in=Complaint.objects.visible_to(request.user).values("pk")).count()
    if full and shown:
        personal_data_seen(request.user, shown, where="admin:register:repeats", fields="name,phone_in_full")
    rows = [
        {
            "complaint": repeat,
            "handler": services.handler_label(repeat),
            "person": (
                f"{repeat.name} {display_phone(repeat.phone)}"
                if full
                else f"{mask_name(repeat.name)} {mask_phone(repeat.phone)}"
            ),
        }
        for repeat in shown
    ]
    return rows, hidden


def _hidden_text(count: int) -> str:
    if not count:
        return ""
    return ngettext(
        "%(count)d earlier complaint you cannot open: ask a supervisor whether this one repeats it.",
        "%(count)d earlier complaints you cannot open: ask a supervisor whether this one repeats them.",
        count,
    ) % {"count": count}
