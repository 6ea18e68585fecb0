"""The agent and the partner a complaint names, changed on the record (services.complaint_name_seller)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from portal.admin import model_crumbs, staff_context

from ... import services
from ...models import Complaint, Partner, SalesAgent
from ..common import explaining_unavailable, visible
from ..seller_forms import SellerForm


@explaining_unavailable
def seller_view(request, pk):
    complaint = visible(request, pk)
    if not request.user.has_perm("complaints.change_complaint"):
        raise PermissionDenied
    initial = {"sales_agent": complaint.sales_agent_id, "partner": complaint.partner_id}
    form = SellerForm(request.POST or None, initial=initial)
    # The current agent or partner stays choosable when they have since left (inactive).
    for name, model in (("sales_agent", SalesAgent), ("partner", Partner)):
        current = getattr(complaint, f"{name}_id")
        if current:
            form.fields[name].queryset = model.objects.filter(Q(is_active=True) | Q(pk=current))
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_name_seller(complaint=complaint, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, gettext("Who sold the policy is recorded."))
            return redirect("admin:complaints_complaint_change", complaint.pk)
    context = staff_context(
        request,
        " · ".join([gettext("Who sold the policy"), complaint.tracking_number]),
        crumbs=[
            *model_crumbs(complaint._meta),
            (reverse("admin:complaints_complaint_change", args=[complaint.pk]), complaint.tracking_number),
        ],
        complaint=complaint,
        form=form,
    )
    return TemplateResponse(
        request, "admin/complaints/complaint/seller.html", context, status=400 if form.errors else 200
    )


@transaction.atomic
def registered_with_seller(actor, data: dict, register) -> Complaint:
    """A complaint made by `register(**data)` (registration, or resolution at first contact) with who sold the
    policy named on it, both or neither: the registration forms' `sales_agent` and `partner` fields."""
    seller = {"sales_agent": data.pop("sales_agent", None), "partner": data.pop("partner", None)}
    complaint = register(**data)
    if any(seller.values()):
        complaint = services.complaint_name_seller(complaint=complaint, actor=actor, **seller)
    return complaint
