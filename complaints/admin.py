"""Complaints in the admin: read-only records, the workflow as buttons (each a small form calling a service),
registration of complaints from other channels, masked personal data with a logged full view, staff-only
attachment downloads and a masked export.
"""

import tempfile
from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal import codes
from portal.admin import ReadOnlyAdmin
from portal.admin_lists import EstimatedCountPaginator
from portal.messaging.models import Message, StaffAlert
from portal.phones import display_phone
from portal.privacy import mask_email, mask_id_number, mask_name, mask_phone
from portal.uploads import download_name

from . import services
from .admin_forms import ACTION_FORMS, ExtensionDecisionForm, RegisterForm
from .compliance import exports
from .deadlines import effective_due
from .models import (
    FULL_DATA_PERMISSION,
    OPEN_STATUSES,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ExtensionRequest,
    ExtensionStatus,
    PersonalDataView,
)

# An export of a selection is written to memory up to this size, then to a temporary file.
EXPORT_SPOOL_BYTES = 8 * 1024 * 1024
# The complainant's identifying data as most staff see it, and in full for those with the permission.
MASKED_FIELDS = ("masked_name", "masked_phone", "masked_email", "masked_id_number")
FULL_FIELDS = ("name", "phone_in_full", "email", "id_number")


def due_badge(complaint: Complaint, today=None):
    """The due date (the earlier of the regulation's and the regulator's), with a badge when the complaint is
    late (for good once it was) or due within three days."""
    if not complaint.due_date:
        return "—"
    today = today or timezone.localdate()
    label = complaint.due_date.isoformat()
    if complaint.regulator_date_rules:
        label = format_html('{} <span class="cp-badge cp-regulator">{}</span>', label, gettext("Regulator's date"))
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


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = (
        "tracking_number",
        "masked_name",
        "masked_phone",
        "status",
        "due",
        "category",
        "channel",
        "source",
        "handler",
        "received_at",
    )
    list_filter = (
        "status",
        "source",
        "channel",
        "category",
        "province",
        "branch",
        "handler",
        DeadlineFilter,
    )
    search_fields = ("tracking_number",)
    search_help_text = _("Search by tracking number.")
    list_per_page = 50
    date_hierarchy = "received_at"
    # A million complaints: the unfiltered total is PostgreSQL's estimate, and no second count of the whole table
    # is made beside a filtered one (portal/admin_lists.py).
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # The selection goes through the one exporter (complaints.compliance.exports), masked and logged, like the
    # changelist's "Export these complaints" button for whole filtered lists.
    actions = ["export_masked_csv", "place_legal_hold", "lift_legal_hold"]
    change_form_template = "admin/complaints/complaint/change_form.html"
    fieldsets = (
        (
            _("Complaint"),
            {
                "fields": (
                    "tracking_number",
                    "status",
                    "received_at",
                    "due",
                    "statutory_due_date",
                    "extensions",
                    "late_since",
                    "source",
                    "regulator_ref",
                    "regulator_deadline",
                    "reported_back_on",
                    "report_back_ref",
                    "channel",
                    "business_channel",
                    "product_line",
                    "category",
                    "province",
                    "branch",
                    "policy_number",
                    "handler",
                    "named_employee",
                    "review_of",
                    "merged_into",
                    "legal_hold",
                    "anonymised_at",
                )
            },
        ),
        (
            _("Complainant"),
            {
                "fields": (
                    *MASKED_FIELDS,
                    "id_type",
                    "capacity",
                    "principal_name",
                    "power_of_attorney",
                    "language",
                )
            },
        ),
        (_("What the complainant wrote"), {"fields": ("description_text", "desired_outcome_text")}),
        (
            _("Decision and closing"),
            {
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
                )
            },
        ),
    )

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

    def _set_legal_hold(self, request, queryset, hold: bool):
        for complaint in queryset:
            services.complaint_set_legal_hold(
                complaint=complaint, actor=request.user, hold=hold, reason=gettext("Set in the admin")
            )
        self.message_user(
            request,
            (
                gettext("%(count)d complaint(s) placed on legal hold.")
                if hold
                else gettext("Legal hold lifted on %(count)d complaint(s).")
            )
            % {"count": queryset.count()},
            messages.SUCCESS,
        )

    @admin.action(description=_("Export the selected complaints (CSV, personal data masked)"), permissions=["export"])
    def export_masked_csv(self, request, queryset):
        spool = tempfile.SpooledTemporaryFile(max_size=EXPORT_SPOOL_BYTES)  # noqa: SIM115 (the response closes it)
        try:
            exports.complaint_export(
                filters={}, file_format="csv", target=spool, user=request.user, via="admin", selection=queryset
            )
        except exports.ExportRefused as refused:
            spool.close()
            self.message_user(request, str(refused), messages.ERROR)
            return None
        spool.seek(0)
        return FileResponse(
            spool, as_attachment=True, filename="complaints.csv", content_type="text/csv; charset=utf-8"
        )

    @admin.action(description=_("Place on legal hold (kept beyond the retention period)"), permissions=["legal_hold"])
    def place_legal_hold(self, request, queryset):
        self._set_legal_hold(request, queryset, True)

    @admin.action(description=_("Lift the legal hold"), permissions=["legal_hold"])
    def lift_legal_hold(self, request, queryset):
        self._set_legal_hold(request, queryset, False)

    def get_fieldsets(self, request, obj=None):
        if not request.user.has_perm(FULL_DATA_PERMISSION):
            return self.fieldsets
        swap = dict(zip(MASKED_FIELDS, FULL_FIELDS, strict=True))
        return [
            (title, {**options, "fields": tuple(swap.get(field, field) for field in options["fields"])})
            for title, options in self.fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return [field for _name, options in self.get_fieldsets(request, obj) for field in options["fields"]]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("branch", "handler").visible_to(request.user)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        normalized = codes.normalize(term)
        if codes.is_well_formed(normalized, services.TRACKING_PREFIX):
            return queryset.filter(tracking_number=normalized), False
        return queryset.filter(tracking_number__icontains=normalized), False

    @admin.display(description=pgettext_lazy("person", "name"))
    def masked_name(self, obj):
        return mask_name(obj.name)

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

    @admin.display(description=_("due date"), ordering="due_date")
    def due(self, obj):
        return due_badge(obj)

    @admin.display(description=_("description"))
    def description_text(self, obj):
        return format_html('<div class="cp-text">{}</div>', obj.description)

    @admin.display(description=_("desired outcome"))
    def desired_outcome_text(self, obj):
        return format_html('<div class="cp-text">{}</div>', obj.desired_outcome) if obj.desired_outcome else "—"

    @admin.display(description=_("decision"))
    def decision_text(self, obj):
        return format_html('<div class="cp-text">{}</div>', obj.decision) if obj.decision else "—"

    @admin.display(description=_("remedies"))
    def remedy_list(self, obj):
        return ", ".join(str(label) for label in obj.remedy_labels()) or "—"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("register/", wrap(self.register_view), name="complaints_complaint_register"),
            path("<int:pk>/do/<str:action>/", wrap(self.action_view), name="complaints_complaint_action"),
            path("attachment/<int:pk>/", wrap(self.attachment_view), name="complaints_complaint_attachment"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return redirect("admin:complaints_complaint_register")

    def _visible(self, request, pk) -> Complaint:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def changelist_view(self, request, extra_context=None):
        # The work queue starts with what is new for this member of staff: their unread alerts.
        unread = StaffAlert.objects.filter(user=request.user, read_at__isnull=True)
        extra = {"unread_alerts": unread[:5], "unread_count": unread.count(), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        complaint = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        extra = dict(extra_context or {})
        if complaint is not None and request.user.has_perm(FULL_DATA_PERMISSION):
            # The page shows the complainant's data in full: who saw it, and when, is kept (PIPL; JR/T 0171).
            PersonalDataView.objects.create(
                user=request.user, complaint=complaint, where="admin:complaint", fields=",".join(FULL_FIELDS)
            )
        if complaint is not None:
            requests = list(complaint.extension_requests.select_related("requested_by", "decided_by", "complaint"))
            extra.update(
                events=complaint.events.select_related("actor"),
                outbox_messages=Message.objects.about(complaint),
                attachments=complaint.attachments.all(),
                workflow_actions=[
                    (action, services.ACTION_LABELS[action])
                    for action in ACTION_FORMS
                    if services.can_act(request.user, complaint, action)
                ],
                extension_requests=[
                    (extension, services.can_decide_extension(request.user, extension)) for extension in requests
                ],
                conflicted=services.is_conflicted(request.user, complaint),
            )
        return super().change_view(request, object_id, form_url, extra)

    def action_view(self, request, pk, action):
        complaint = self._visible(request, pk)
        if action not in ACTION_FORMS:
            raise Http404
        # A step that became impossible while its form was open (the time limit ended meanwhile) is refused by
        # the service with its reason; a step this person may never take is refused here.
        if not services.can_act(request.user, complaint, action) and not (
            request.method == "POST" and services.may_act(request.user, complaint, action)
        ):
            raise PermissionDenied
        form_class, call = ACTION_FORMS[action]
        form = form_class(request.POST or None, complaint=complaint)
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
                self.message_user(
                    request,
                    gettext("%(action)s: done.") % {"action": services.ACTION_LABELS[action]},
                    messages.SUCCESS,
                )
                return redirect("admin:complaints_complaint_change", complaint.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "complaint": complaint,
            "form": form,
            "action": action,
            "title": f"{services.ACTION_LABELS[action]} · {complaint.tracking_number}",
            "action_label": services.ACTION_LABELS[action],
        }
        return TemplateResponse(request, "admin/complaints/complaint/action.html", context)

    def register_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RegisterForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                complaint = services.complaint_register(
                    actor=request.user,
                    channel=data["channel"],
                    received_at=data["received_at"],
                    name=data["name"],
                    phone=data["phone"],
                    email=data["email"],
                    id_type=data["id_type"],
                    id_number=data["id_number"],
                    capacity=data["capacity"],
                    principal_name=data["principal_name"],
                    power_of_attorney=data["power_of_attorney"],
                    language=data["language"],
                    category=data["category"],
                    business_channel=data["business_channel"],
                    product_line=data["product_line"],
                    province=data["province"],
                    branch=data["branch"],
                    policy_number=data["policy_number"],
                    source=data["source"],
                    regulator_ref=data["regulator_ref"],
                    regulator_deadline=data["regulator_deadline"],
                    named_employee=data["named_employee"],
                    description=data["description"],
                    desired_outcome=data["desired_outcome"],
                    note=data["note"],
                    attachments=data["attachments"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    gettext("Complaint %(number)s registered.") % {"number": complaint.tracking_number},
                    messages.SUCCESS,
                )
                return redirect("admin:complaints_complaint_change", complaint.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": gettext("Register a complaint"),
        }
        return TemplateResponse(request, "admin/complaints/complaint/register.html", context)

    def attachment_view(self, request, pk):
        attachment = get_object_or_404(ComplaintAttachment.objects.select_related("complaint"), pk=pk)
        complaint = self._visible(request, attachment.complaint_id)
        # An attachment (an ID card, a medical record) is personal data in full: only for those who may see it
        # in full, and its download is logged.
        if not request.user.has_perm(FULL_DATA_PERMISSION):
            raise PermissionDenied
        PersonalDataView.objects.create(
            user=request.user, complaint=complaint, where="admin:attachment", fields=f"attachment:{attachment.pk}"
        )
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=download_name(attachment.original_name, attachment.content_type),
            content_type=attachment.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "complaint", "action", "from_status", "to_status", "actor", "public")
    list_filter = ("action", "public")
    search_fields = ("complaint__tracking_number",)
    list_select_related = ("complaint", "actor")

    def get_queryset(self, request):
        visible = Complaint.objects.visible_to(request.user)
        return super().get_queryset(request).filter(complaint__in=visible)


def _field_label(code: str) -> str:
    """A field code of the personal-data audit log as the complaint's field label."""
    kind, _colon, number = code.partition(":")
    if kind == "attachment":
        return gettext("attachment %(number)s") % {"number": number}
    name = {"phone_in_full": "phone"}.get(kind, kind)
    try:
        return str(Complaint._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return code


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "complaint", "where", "fields_seen")
    list_select_related = ("user", "complaint")
    search_fields = ("complaint__tracking_number", "user__username")
    fields = ("at", "user", "complaint", "where", "fields_seen")
    readonly_fields = fields

    @admin.display(description=_("fields"))
    def fields_seen(self, obj):
        """The record's field codes ("name,phone_in_full", "attachment:12") in words."""
        return "、".join(_field_label(code) for code in obj.fields.split(",") if code)


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
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/decide/", wrap(self.decide_view), name="complaints_extensionrequest_decide"),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        extension = get_object_or_404(self.get_queryset(request).select_related("complaint"), pk=pk)
        complaint = extension.complaint
        if not services.can_decide_extension(request.user, extension):
            raise PermissionDenied
        form = ExtensionDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            # A limit that has passed is recorded (and the request lapses) even though the grant is then refused.
            services.complaint_mark_late(complaint=complaint)
            try:
                if form.cleaned_data["decision"] == ExtensionDecisionForm.GRANT:
                    services.extension_grant(request=extension, actor=request.user, note=form.cleaned_data["note"])
                    done = gettext("Extension granted; the complainant is told the new date and the reason.")
                else:
                    services.extension_refuse(request=extension, actor=request.user, note=form.cleaned_data["note"])
                    done = gettext("Extension refused.")
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied as error:
                form.add_error(None, str(error) or gettext("You do not have permission to do this."))
            else:
                self.message_user(request, done, messages.SUCCESS)
                return redirect("admin:complaints_extensionrequest_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "extension": extension,
            "complaint": complaint,
            "new_due": effective_due(
                (complaint.statutory_due_date or complaint.due_date) + timedelta(days=extension.days),
                complaint.regulator_deadline,
            ),
            "form": form,
            "title": gettext("Extension request · %(number)s") % {"number": complaint.tracking_number},
        }
        return TemplateResponse(request, "admin/complaints/extensionrequest/decide.html", context)
