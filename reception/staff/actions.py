"""The bookings list's action that needs a page of its own: the visits registered as complaints."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import Category
from portal.admin import model_crumbs, staff_context

from .. import services
from .forms import ComplaintFromVisitForm


@admin.action(
    description=gettext_lazy("Register the selected visits as complaints"), permissions=["register_complaint"]
)
def register_complaints(modeladmin, request, queryset):
    """After the day: each visit becomes a complaint received in person (channel visit), after staff choose
    its category on an intermediate page."""
    form = ComplaintFromVisitForm(request.POST if "apply" in request.POST else None, categories=Category.choices)
    if form.is_bound and form.is_valid():
        registered = []
        for booking in queryset.select_related("day__branch"):
            try:
                complaint = services.booking_register_complaint(
                    booking=booking,
                    actor=request.user,
                    category=form.cleaned_data["category"],
                    note=form.cleaned_data["note"],
                )
            except services.BookingRefused as refused:
                messages.error(request, str(refused))
            else:
                registered.append(complaint.tracking_number)
        if registered:
            messages.success(
                request,
                _("Registered as complaints: %(numbers)s.") % {"numbers": ", ".join(registered)},
            )
        return None
    context = staff_context(
        request,
        _("Register visits as complaints"),
        crumbs=model_crumbs(queryset.model._meta),
        bookings=queryset.select_related("day__branch"),
        form=form,
        action_checkbox_name=admin.helpers.ACTION_CHECKBOX_NAME,
    )
    return TemplateResponse(request, "admin/reception/register_complaints.html", context)
