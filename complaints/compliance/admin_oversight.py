"""The oversight pages of the admin: early warnings (each linking to the complaints behind it), the
root-cause code list, and the remediation queue (整改事项), whose writes go through compliance.remediation."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import DeclaredFiltersOnly, ReadOnlyAdmin, ScopedHistory

from .. import people
from ..models import Complaint, RemediationItem, RootCause
from . import alerts, remediation
from .models import OversightWarning


@admin.register(OversightWarning)
class OversightWarningAdmin(ReadOnlyAdmin):
    list_display = (
        "as_of", "kind", "dimension_shown", "value_shown", "period_shown", "count", "baseline", "score", "link",
    )  # fmt: skip
    list_filter = ("kind", "as_of")
    list_per_page = 100
    # The record as people read it (a dimension's and a value's labels, not their codes).
    fields = (
        "as_of", "kind", "dimension_shown", "value_shown", "period_shown", "start", "end", "count", "baseline",
        "score", "link",
    )  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("dimension"), ordering="dimension")
    def dimension_shown(self, obj):
        return alerts.dimension_label(obj.dimension)

    @admin.display(description=_("value"), ordering="value")
    def value_shown(self, obj):
        return alerts.value_label(obj.dimension, obj.value)

    @admin.display(description=_("period"), ordering="period")
    def period_shown(self, obj):
        return alerts.period_label(obj.period)

    @admin.display(description=_("complaints"))
    def link(self, obj):
        url = reverse("admin:complaints_complaint_changelist") + "?" + urlencode(alerts.changelist_query(obj))
        return format_html('<a href="{}" class="ow-link">{}</a>', url, gettext("Show the complaints"))


@admin.register(RootCause)
class RootCauseAdmin(ScopedHistory, DeclaredFiltersOnly, SimpleHistoryAdmin, TabbedTranslationAdmin):
    list_display = ("code", "name", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")

    def has_delete_permission(self, request, obj=None):
        return False  # complaints keep their codes: a code no longer used is made inactive

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()


class OpenFilter(admin.SimpleListFilter):
    """The queue shows open items unless asked otherwise (overdue first)."""

    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("open", pgettext_lazy("remediation", "Open")),
            ("overdue", _("Overdue")),
            ("ended", _("Done or dropped")),
            ("all", _("All")),
        ]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "open") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        if value == "open":
            return queryset.unfinished()
        if value == "overdue":
            return queryset.overdue(timezone.localdate())
        if value == "ended":
            return queryset.exclude(status=RemediationItem.Status.OPEN)
        return queryset


class RemediationItemForm(forms.ModelForm):
    # Compliance officers and managers only (complaints.people.remediation_owners), by name.
    owner = forms.ModelChoiceField(queryset=people.remediation_owners(), label=_("owner"), required=True)

    class Meta:
        model = RemediationItem
        fields = ("complaint", "action", "owner", "due_date", "status", "closing_note")
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        data = super().clean()
        item = self.instance
        try:
            if item.pk is None:
                remediation.validate_item(
                    action=data.get("action", ""), owner=data.get("owner"), due_date=data.get("due_date")
                )
            else:
                remediation.validate_ending(
                    status=data.get("status", item.status), closing_note=data.get("closing_note", "")
                )
                due = data.get("due_date", item.due_date)
                remediation.validate_item(
                    action=item.action, owner=item.owner, due_date=due, due_date_changed=due != item.due_date
                )
        except ValidationError as error:
            raise ValidationError(error.error_dict) from None
        return data


@admin.register(RemediationItem)
class RemediationItemAdmin(DeclaredFiltersOnly, admin.ModelAdmin):
    form = RemediationItemForm
    list_display = ("complaint", "action_short", "owner", "due", "status", "closed_at")
    list_filter = (OpenFilter, ("owner", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("complaint", "owner")
    search_fields = ("complaint__tracking_number",)
    raw_id_fields = ("complaint",)
    list_per_page = 50

    def get_queryset(self, request):
        visible = Complaint.objects.visible_to(request.user)
        return super().get_queryset(request).filter(complaint__in=visible.values("pk"))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("complaint", "action", "owner", "due_date")
        return ("complaint", "action", "owner", "due_date", "status", "closing_note")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.status != RemediationItem.Status.OPEN:
            return ("complaint", "action", "owner", "due_date", "status", "closing_note")
        return ("complaint", "action", "owner")

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if people.may_own(request.user):
            initial.setdefault("owner", request.user.pk)
        return initial

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("what is to be fixed"))
    def action_short(self, obj):
        return obj.action if len(obj.action) <= 60 else obj.action[:59] + "…"

    @admin.display(description=_("due date"), ordering="due_date")
    def due(self, obj):
        if obj.status == RemediationItem.Status.OPEN and obj.due_date < timezone.localdate():
            return format_html(
                '{} <span class="cp-badge cp-overdue">{}</span>', obj.due_date.isoformat(), gettext("Overdue")
            )
        return obj.due_date.isoformat()

    def save_model(self, request, obj, form, change):
        try:
            if not change:
                saved = remediation.remediation_add(
                    complaint=obj.complaint,
                    actor=request.user,
                    action=obj.action,
                    owner=obj.owner,
                    due_date=obj.due_date,
                )
            else:
                saved = remediation.remediation_update(
                    item=obj,
                    actor=request.user,
                    status=obj.status,
                    closing_note=obj.closing_note,
                    due_date=obj.due_date,
                )
        except ValidationError as error:
            raise PermissionDenied(" ".join(error.messages)) from None
        obj.pk = saved.pk
        obj.refresh_from_db()
