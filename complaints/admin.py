"""Complaints in the admin: read-only records, masked personal data (in full for those with the permission),
the list's filters and search, the actions on a selection, letter templates, events, the personal-data log and
the extension requests. The staff pages behind the records' buttons (workflow steps, registration, attachments,
the letter, an extension's decision) live in complaints/staff/ and are mounted here.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import DeclaredFiltersOnly, ReadOnlyAdmin, ScopedHistory, staff_urls
from portal.admin_lists import EstimatedCountPaginator, ListCheckboxMixin, SearchWithoutDatesMixin
from portal.messaging.models import StaffAlert
from portal.phones import display_phone
from portal.privacy import mask_address, mask_email, mask_id_number, mask_name, mask_phone

from . import placeholders, queue, services
from .models import (
    FULL_DATA_PERMISSION,
    OPEN_STATUSES,
    Complaint,
    ComplaintEvent,
    ExtensionRequest,
    ExtensionStatus,
    LetterTemplate,
    MaterialsList,
    Source,
)
from .staff import actions as staff_actions
from .staff import urls
from .staff.care import CareFilter, care_summary
from .staff.common import display_user, unavailable
from .staff.forms import handlers
from .staff.group_display import FULL_SWAP, RECORD_FIELDS, GroupDisplayMixin, SecondaryCategoryFilter
from .staff.record import FULL_FIELDS, record_context, scrubbed
from .staff.search import FULL_HELP, search_complaints, search_help

# The complainant's identifying data as most staff see it (FULL_FIELDS: in full, for those with the permission).
MASKED_FIELDS = (
    "masked_name",
    "masked_phone",
    "masked_email",
    "masked_id_number",
    "masked_representative",
    "masked_address",
)
# The free text as those who see complainants in full read it, and as the others do (staff.record.scrubbed).
TEXT_FIELDS = ("description_text", "desired_outcome_text", "decision_text")
SCRUBBED_TEXT_FIELDS = ("scrubbed_description", "scrubbed_desired_outcome", "scrubbed_decision")


def due_badge(complaint: Complaint, today=None):
    """The due date (the earlier of the regulation's and the regulator's), with a badge when the complaint is
    late (for good once it was) or due within three days."""
    if not complaint.due_date:
        return "—"
    today = today or timezone.localdate()
    label = complaint.due_date.isoformat()
    if complaint.regulator_date_rules:
        whose = gettext("Platform's date") if complaint.source == Source.PLATFORM else gettext("Regulator's date")
        label = format_html('{} <span class="cp-badge cp-regulator">{}</span>', label, whose)
    if complaint.late_since:
        return format_html('{} <span class="cp-badge cp-overdue">{}</span>', label, gettext("Late"))
    open_clock = complaint.status in OPEN_STATUSES
    regulator_passed = complaint.is_open and complaint.regulator_deadline and complaint.regulator_deadline < today
    if (open_clock and complaint.due_date < today) or regulator_passed:
        return format_html('{} <span class="cp-badge cp-overdue">{}</span>', label, gettext("Overdue"))
    if open_clock and (complaint.due_date - today).days <= 3:
        return format_html('{} <span class="cp-badge cp-soon">{}</span>', label, gettext("Due in 3 days"))
    return label


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("due_soon", _("Due within 3 days"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue(today)
        if self.value() == "due_soon":
            return queryset.due_soon(today)
        return queryset


class QueueFilter(admin.SimpleListFilter):
    """The work queue's rows (complaints.queue): the admin index links each count to this filter."""

    title = _("work queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(item.key, item.label) for item in queue.queues_for(request.user)]

    def queryset(self, request, queryset):
        key = self.value()
        if key not in {item.key for item in queue.queues_for(request.user)}:
            return queryset
        return queryset.filter(queue.condition(key, request.user, timezone.localdate()))


FOLDED_FILTER = "admin/complaints/folded_filter.html"


class FoldedChoicesFilter(admin.ChoicesFieldListFilter):
    template = FOLDED_FILTER


class FoldedRelatedFilter(admin.RelatedFieldListFilter):
    template = FOLDED_FILTER


class HandlerFilter(admin.RelatedFieldListFilter):
    """Only staff who handle complaints, not every account (folded until used)."""

    template = FOLDED_FILTER

    def field_choices(self, field, request, model_admin):
        return [(user.pk, display_user(user)) for user in handlers()]


# The essential facts open; the rest grouped and folded (the header above them shows status and dates).
FIELDSETS = (
    (
        _("Complaint"),
        {
            "fields": (
                "tracking_number",
                "status",
                "received_at",
                "channel",
                "source",
                "category",
                "business_channel",
                "product_line",
                "province",
                "branch",
                "policy_number",
                "handler",
                "named_employee",
                "description_text",
                "desired_outcome_text",
                *RECORD_FIELDS,
            )
        },
    ),
    (
        _("Time limits, the regulator and the platform"),
        {
            "classes": ["collapse"],
            "fields": (
                "due",
                "statutory_due_date",
                "extensions",
                "late_since",
                "regulator_ref",
                "platform_ref",
                "regulator_deadline",
                "reported_back_on",
                "report_back_ref",
            ),
        },
    ),
    (
        _("Complainant"),
        {
            "classes": ["collapse"],
            "fields": (
                *MASKED_FIELDS,
                "id_type",
                "capacity",
                "principal_name",
                "power_of_attorney",
                "representative_relationship",
                "desired_remedy",
                "language",
                "care",
            ),
        },
    ),
    (
        _("Decision and closing"),
        {
            "classes": ["collapse"],
            "fields": (
                "decision_text",
                "outcome",
                "remedy_list",
                "decided_at",
                "decision_delivered_on",
                "cause",
                "root_cause",
                "responsible_branch",
                "responsible_unit",
                "remediation",
                "ended_on",
            ),
        },
    ),
    (
        _("Links and retention"),
        {"classes": ["collapse"], "fields": ("review_of", "merged_into", "legal_hold", "anonymised_at")},
    ),
)


@admin.register(Complaint)
class ComplaintAdmin(
    GroupDisplayMixin, SearchWithoutDatesMixin, DeclaredFiltersOnly, ListCheckboxMixin, admin.ModelAdmin
):
    # What a handler decides by, narrow enough for 1280 px in both languages (the rest is on the record).
    list_display = (
        "tracking_number",
        "masked_name",
        "status",
        "due",
        "category",
        "handler_name",
        "received",
    )
    list_filter = (
        QueueFilter,
        "status",
        DeadlineFilter,
        CareFilter,
        ("source", FoldedChoicesFilter),
        ("channel", FoldedChoicesFilter),
        ("category", FoldedChoicesFilter),
        SecondaryCategoryFilter,
        ("province", FoldedChoicesFilter),
        ("branch", FoldedRelatedFilter),
        ("handler", HandlerFilter),
    )
    # The search is get_search_results' own (exact matches, each from an index); search_fields only shows the box.
    search_fields = ("tracking_number",)
    # Each user's own (complaints/staff/search.py): masked roles search by references only.
    search_help_text = FULL_HELP
    list_per_page = 50
    date_hierarchy = "received_at"
    # Beside the list filters, what the early warnings' links filter by (compliance/alerts.changelist_query).
    extra_filter_parameters = (
        "id__in",
        "received_at__date__gte",
        "received_at__date__lte",
        "business_channel__exact",
        "product_line__exact",
    )
    # A million complaints: the unfiltered total is PostgreSQL's estimate, and no second count of the whole table
    # is made beside a filtered one (portal/admin_lists.py).
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # The selection goes through the one exporter (complaints.compliance.exports), masked and logged, like the
    # changelist's "Export these complaints" button for whole filtered lists.
    actions = [
        staff_actions.assign_to_handler,
        staff_actions.export_masked_csv,
        staff_actions.place_legal_hold,
        staff_actions.lift_legal_hold,
    ]
    change_form_template = "admin/complaints/complaint/change_form.html"
    fieldsets = FIELDSETS

    class Media:
        css = {"all": ["complaints/admin.css"]}

    # Records change only through the workflow buttons: no edit form, no deletion, registration has its own page.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return request.user.has_perm("complaints.add_complaint")

    def has_export_permission(self, request):
        return request.user.has_perm("complaints.export_complaint")

    def has_legal_hold_permission(self, request):
        return request.user.has_perm("complaints.set_legal_hold")

    def has_assign_permission(self, request):
        return request.user.has_perm("complaints.assign_complaint")

    def get_fieldsets(self, request, obj=None):
        if request.user.has_perm(FULL_DATA_PERMISSION):
            swap = dict(zip(MASKED_FIELDS, FULL_FIELDS, strict=True)) | FULL_SWAP
        else:
            # Free text reaches those who see complainants masked scrubbed of personal data.
            swap = dict(zip(TEXT_FIELDS, SCRUBBED_TEXT_FIELDS, strict=True))
        return [
            (title, {**options, "fields": tuple(swap.get(field, field) for field in options["fields"])})
            for title, options in self.fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return [field for _name, options in self.get_fieldsets(request, obj) for field in options["fields"]]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("branch", "handler").visible_to(request.user)

    def get_search_results(self, request, queryset, search_term):
        return search_complaints(request, queryset, search_term)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.search_help_text = search_help(request.user)
        return changelist

    def history_view(self, request, object_id, extra_context=None):
        # The history of a complaint this user may not open is no page at all: neither its number nor its
        # handler (the change page's refusal names neither either).
        if not str(object_id).isdigit() or not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)

    @admin.display(description=pgettext_lazy("person", "name"))
    def masked_name(self, obj):
        if obj.needs_care:
            # The care badge (circumstances and help in its title): handled with care, within the same limits.
            return format_html(
                '{} <span class="cp-badge cp-care" title="{}">{}</span>',
                mask_name(obj.name),
                care_summary(obj),
                gettext("Care"),
            )
        return mask_name(obj.name)

    @admin.display(description=_("circumstances and help"))
    def care(self, obj):
        return care_summary(obj, points=True)

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    @admin.display(description=_("phone"))
    def phone_in_full(self, obj):
        return display_phone(obj.phone)

    @admin.display(description=_("email"))
    def masked_email(self, obj):
        return mask_email(obj.email) or "—"

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number) or "—"

    @admin.display(description=pgettext_lazy("proxy", "representative"))
    def masked_representative(self, obj):
        parts = (mask_name(obj.representative_name), mask_phone(obj.representative_phone), obj.representative_org)
        return " / ".join(part for part in parts if part) or "—"

    @admin.display(description=pgettext_lazy("proxy", "representative"))
    def representative_in_full(self, obj):
        parts = (obj.representative_name, display_phone(obj.representative_phone), obj.representative_org)
        return " / ".join(part for part in parts if part) or "—"

    @admin.display(description=_("address"))
    def masked_address(self, obj):
        return mask_address(obj.address) or "—"

    @admin.display(description=_("due date"), ordering="due_date")
    def due(self, obj):
        return due_badge(obj)

    @admin.display(description=_("handler"), ordering="handler__last_name")
    def handler_name(self, obj):
        return display_user(obj.handler) if obj.handler_id else "—"

    @admin.display(description=_("received at"), ordering="received_at")
    def received(self, obj):
        moment = timezone.localtime(obj.received_at)
        return format_html('<time datetime="{}">{}</time>', moment.isoformat(), moment.date().isoformat())

    @admin.display(description=_("description"))
    def description_text(self, obj):
        return format_html('<div class="cp-text">{}</div>', obj.description)

    @admin.display(description=_("desired outcome"))
    def desired_outcome_text(self, obj):
        return format_html('<div class="cp-text">{}</div>', obj.desired_outcome) if obj.desired_outcome else "—"

    @admin.display(description=_("decision"))
    def decision_text(self, obj):
        return format_html('<div class="cp-text">{}</div>', obj.decision) if obj.decision else "—"

    @admin.display(description=_("description"))
    def scrubbed_description(self, obj):
        return format_html('<div class="cp-text">{}</div>', scrubbed(obj, obj.description))

    @admin.display(description=_("desired outcome"))
    def scrubbed_desired_outcome(self, obj):
        if not obj.desired_outcome:
            return "—"
        return format_html('<div class="cp-text">{}</div>', scrubbed(obj, obj.desired_outcome))

    @admin.display(description=_("decision"))
    def scrubbed_decision(self, obj):
        return format_html('<div class="cp-text">{}</div>', scrubbed(obj, obj.decision)) if obj.decision else "—"

    @admin.display(description=_("remedies"))
    def remedy_list(self, obj):
        return ", ".join(str(label) for label in obj.remedy_labels()) or "—"

    def get_urls(self):
        return [*staff_urls(self.admin_site, urls.complaint_urls), *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return redirect("admin:complaints_complaint_register")

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # The change and history pages of a complaint the user may not see, or of no complaint.
        return unavailable(request, object_id)

    def changelist_view(self, request, extra_context=None):
        # The work queue starts with what is new for this member of staff: their unread alerts.
        unread = StaffAlert.objects.filter(user=request.user, read_at__isnull=True)
        extra = {"unread_alerts": unread[:5], "unread_count": unread.count(), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        complaint = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        extra = dict(extra_context or {})
        if complaint is not None:
            extra.update(record_context(request, complaint))
        return super().change_view(request, object_id, form_url, extra)


@admin.register(LetterTemplate)
class LetterTemplateAdmin(ScopedHistory, DeclaredFiltersOnly, SimpleHistoryAdmin):
    """Decision-letter templates, kept by supervisors; handlers read them and start decisions from them."""

    list_display = ("template_name", "language", "outcome", "is_active", "updated_by", "updated_at")
    list_filter = ("language", "outcome", "is_active")
    search_fields = ("name",)
    readonly_fields = ("placeholders", "created_by", "created_at", "updated_by", "updated_at")
    fields = ("name", "language", "outcome", "is_active", "body", "placeholders", "created_by", "created_at",
              "updated_by", "updated_at")  # fmt: skip

    @admin.display(description=_("template name"), ordering="name")
    def template_name(self, obj):
        # An English template's name is English text on a Chinese page: marked as such (screen readers, checks).
        return format_html('<span lang="{}">{}</span>', "en" if obj.language == "en" else "zh-Hans", obj.name)

    def has_delete_permission(self, request, obj=None):
        # A template no longer wanted is taken out of use; letters issued from it stay in the history.
        return False

    @admin.display(description=_("placeholders"))
    def placeholders(self, obj):
        return format_html_join(
            "",
            "<div><code>{{{}}}</code> — {}</div>",
            ((name, label) for name, label in placeholders.PLACEHOLDERS.items()),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(MaterialsList)
class MaterialsListAdmin(ScopedHistory, DeclaredFiltersOnly, SimpleHistoryAdmin):
    """The one-time lists of materials (一次性告知), kept by supervisors through services.materials_list_save;
    sent once at acceptance (complaints/workflow/care.py)."""

    list_display = ("category", "product_line_label", "item_count", "updated_by", "updated_at")
    list_filter = ("category",)
    fields = ("category", "product_line", "items_zh", "items_en", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")

    @admin.display(description=_("product line"), ordering="product_line")
    def product_line_label(self, obj):
        return obj.get_product_line_display() if obj.product_line else gettext("every product line")

    @admin.display(description=_("items"))
    def item_count(self, obj):
        return len(obj.items("zh-hans"))

    def has_delete_permission(self, request, obj=None):
        # A list sent is kept as sent in each complaint's history; a list is changed, never deleted.
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class MaterialsForm(form):
            def clean(self):
                cleaned = super().clean()
                check = MaterialsList(items_zh=cleaned.get("items_zh") or "", items_en=cleaned.get("items_en") or "")
                services.check_materials(check)
                return cleaned

        return MaterialsForm

    def save_model(self, request, obj, form, change):
        services.materials_list_save(actor=request.user, materials=obj)


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "complaint", "action", "from_status", "to_status", "actor", "public")
    list_filter = ("action", "public")
    search_fields = ("complaint__tracking_number",)
    list_select_related = ("complaint", "actor")

    def get_queryset(self, request):
        visible = Complaint.objects.visible_to(request.user)
        return super().get_queryset(request).filter(complaint__in=visible)

    # An event's note (a letter, a decision, a note) reaches those who see complainants masked scrubbed, as on the
    # complaint's record.
    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if request.user.has_perm(FULL_DATA_PERMISSION):
            return fields
        return ["scrubbed_note" if field == "note" else field for field in fields]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.has_perm(FULL_DATA_PERMISSION) else [*readonly, "scrubbed_note"]

    @admin.display(description=_("note"))
    def scrubbed_note(self, obj):
        return scrubbed(obj.complaint, obj.note) or "—"


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    """The approvers' list: requests for an extension, those waiting first (soonest limit first). A supervisor
    decides first extensions, a senior manager second ones, never the person who asked."""

    list_display = (
        "complaint",
        "number",
        "days",
        "requested_by",
        "requested_at",
        "limit_ends",
        "status",
    )
    list_filter = ("status", "number")
    list_select_related = ("complaint", "requested_by", "decided_by")
    search_fields = ("complaint__tracking_number",)
    search_help_text = _("Search by tracking number.")
    fields = (
        "complaint",
        "number",
        "days",
        "reason",
        "requested_by",
        "requested_at",
        "due_when_requested",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .annotate(
                waiting=Case(
                    When(status=ExtensionStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .order_by("waiting", "complaint__due_date", "-requested_at")
        )

    @admin.display(description=_("time limit ends"), ordering="complaint__due_date")
    def limit_ends(self, obj):
        return due_badge(obj.complaint)

    def get_list_display(self, request):
        @admin.display(description=_("decision"))
        def decide(obj):
            if not services.can_decide_extension(request.user, obj):
                return "—"
            url = reverse("admin:complaints_extensionrequest_decide", args=[obj.pk])
            return format_html(
                '<a class="button" href="{}" data-request="{}">{}</a>', url, obj.pk, gettext("Grant or refuse")
            )

        return (*self.list_display, decide)

    def get_urls(self):
        return [*staff_urls(self.admin_site, urls.extension_request_urls), *super().get_urls()]


# Call-back requests and personal data requests (a complainant's account): their lists and staff pages.
from .account import admin as account_admin  # noqa: E402, F401
