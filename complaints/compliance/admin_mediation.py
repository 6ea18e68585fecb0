"""Mediations in the admin, read only: the list compliance and supervisors filter by year, origin and outcome (the
rating's mediation figure links here). Each mediation is written through its complaint's record page
(complaints/staff/views/mediation.py), whose services check the actor and the settlement authority."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin import ReadOnlyAdmin

from ..models import Mediation


@admin.register(Mediation)
class MediationAdmin(ReadOnlyAdmin):
    list_display = (
        "complaint_link",
        "origin",
        "body",
        "requested_on",
        "response_due",
        "responded_on",
        "proposed_amount",
        "level_needed",
        "outcome",
        "settled_amount",
        "judicially_confirmed_on",
    )
    list_filter = ("origin", "body_kind", "outcome", "level_needed")
    date_hierarchy = "requested_on"
    search_fields = ("complaint__tracking_number", "body", "mediator")
    list_select_related = ("complaint",)

    @admin.display(description=_("complaint"), ordering="complaint__tracking_number")
    def complaint_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:complaints_complaint_change", args=[obj.complaint_id]),
            obj.complaint.tracking_number,
        )
