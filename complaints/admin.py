"""Complaints in the admin: read-only records, the workflow as buttons (each a small form calling a service),
registration of complaints from other channels, masked personal data with a logged full view, staff-only
attachment downloads and a masked export.
"""

import tempfile
from datetime import timedelta
from functools import wraps

from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal import codes
from portal.admin import DeclaredFiltersOnly, ReadOnlyAdmin
from portal.admin_lists import EstimatedCountPaginator, ListCheckboxMixin, SearchWithoutDatesMixin
from portal.messaging.models import Message, StaffAlert
from portal.phones import display_phone, normalize_phone
from portal.privacy import mask_email, mask_id_number, mask_name, mask_phone
from portal.uploads import download_name

from . import history, letters, placeholders, queue, services
from .admin_forms import ACTION_FORMS, AssignForm, ExtensionDecisionForm, RegisterForm, handlers
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
    LetterTemplate,
    PersonalDataView,
    Source,
)

# An export of a selection is written to memory up to this size, then to a temporary file.
EXPORT_SPOOL_BYTES = 8 * 1024 * 1024
# The complainant's identifying data as most staff see it, and in full for those with the permission.
MASKED_FIELDS = ("masked_name", "masked_phone", "masked_email", "masked_id_number")
FULL_FIELDS = ("name", "phone_in_full", "email", "id_number")
# The possible repeats listed on a record and at registration (the earliest first).
REPEATS_SHOWN = 20
# An attachment shown in the browser: no script, no form, no plugin, nothing loaded from elsewhere; the browser's
# own image and PDF viewers still show it.
PREVIEW_CSP = "sandbox; default-src 'none'"


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


class Unavailable(Http404):
    """A complaint out of the user's reach, answered with the admin's page saying whose it is (`response`); a
    plain 404 where nothing catches it."""

    def __init__(self, response):
        super().__init__()
        self.response = response


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


def display_user(user) -> str:
    return user.get_full_name() or user.get_username()


def days_left(complaint: Complaint, today=None):
    """Days until the date to meet (negative once passed); None when the clock is not running."""
    if not complaint.due_date or complaint.status not in OPEN_STATUSES:
        return None
    return (complaint.due_date - (today or timezone.localdate())).days


class RefusedInAdmin:
    """A step refused in the admin's look (never the public 403 page): the reason and a way back."""

    def refused(self, request, message, *, status: int, back: str, complaint=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("This step cannot be taken"),
            "message": message,
            "back": back,
            "complaint": complaint,
        }
        return TemplateResponse(request, "admin/complaints/refused.html", context, status=status)


@admin.register(Complaint)
class ComplaintAdmin(SearchWithoutDatesMixin, DeclaredFiltersOnly, ListCheckboxMixin, RefusedInAdmin, admin.ModelAdmin):
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
        ("source", FoldedChoicesFilter),
        ("channel", FoldedChoicesFilter),
        ("category", FoldedChoicesFilter),
        ("province", FoldedChoicesFilter),
        ("branch", FoldedRelatedFilter),
        ("handler", HandlerFilter),
    )
    # The search is get_search_results' own (exact matches, each from an index); search_fields only shows the box.
    search_fields = ("tracking_number",)
    search_help_text = _(
        "Search by tracking number (with or without dashes), phone (in any form), the complainant's full name, "
        "policy number, the regulator's reference or ID number."
    )
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
    actions = ["assign_to_handler", "export_masked_csv", "place_legal_hold", "lift_legal_hold"]
    change_form_template = "admin/complaints/complaint/change_form.html"
    # The essential facts open; the rest grouped and folded (the header above them shows status and dates).
    fieldsets = (
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
                )
            },
        ),
        (
            _("Time limits and the regulator"),
            {
                "classes": ["collapse"],
                "fields": (
                    "due",
                    "statutory_due_date",
                    "extensions",
                    "late_since",
                    "regulator_ref",
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
                    "language",
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

    def has_assign_permission(self, request):
        return request.user.has_perm("complaints.assign_complaint")

    @admin.action(description=_("Assign to a handler…"), permissions=["assign"])
    def assign_to_handler(self, request, queryset):
        """An intermediate page chooses the handler; each complaint is then assigned by the service, which may
        refuse one (a conflict of interest, a complaint no longer being handled) and says why."""
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            handler = form.cleaned_data["handler"]
            assigned, refused = 0, []
            for complaint in queryset.order_by("received_at", "pk"):
                try:
                    services.complaint_assign(complaint=complaint, actor=request.user, handler=handler)
                except ValidationError as error:
                    refused.append((complaint.tracking_number, " ".join(error.messages)))
                except PermissionDenied as error:
                    refused.append(
                        (complaint.tracking_number, str(error) or gettext("You do not have permission to do this."))
                    )
                else:
                    assigned += 1
            if assigned:
                self.message_user(
                    request,
                    gettext("%(count)d complaint(s) assigned to %(name)s.")
                    % {"count": assigned, "name": display_user(handler)},
                    messages.SUCCESS,
                )
            for number, reason in refused:
                self.message_user(
                    request,
                    gettext("%(number)s not assigned: %(reason)s") % {"number": number, "reason": reason},
                    messages.ERROR,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Assign to a handler"),
            "form": form,
            "complaints": queryset.select_related("handler").order_by("received_at", "pk"),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action": "assign_to_handler",
        }
        return TemplateResponse(request, "admin/complaints/complaint/assign.html", context)

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
        """What a caller gives on the phone, each matched exactly and answered from an index (migration 0011):
        the tracking number (any case, with or without dashes; part of one through the trigram index), the phone
        in any form (compared in E.164), the full name, the policy number (any case), the regulator's reference
        and the ID number (upper-cased). The queryset is already the user's own (get_queryset: a handler's
        complaints only); the list shows what it finds masked for those without the full-data permission."""
        term = " ".join(search_term.split())
        if not term:
            return queryset, False
        normalized = codes.normalize(term)
        if codes.is_well_formed(normalized, services.TRACKING_PREFIX):
            return queryset.filter(tracking_number=normalized), False
        if not request.user.has_perm(FULL_DATA_PERMISSION):
            # Whoever sees complainants masked may still test a guess (a masked phone's four hidden digits)
            # against the list: each such search is logged, like a full view, without the term itself.
            PersonalDataView.objects.create(
                user=request.user, complaint=None, where="admin:search", fields="phone,name,id_number"
            )
        found = (
            Q(name=term)
            | Q(policy_number__iexact=term)
            | Q(source=Source.REGULATOR, regulator_ref=term)  # the partial index of migration 0003
            | Q(id_number=term.upper())
        )
        try:
            found |= Q(phone=normalize_phone(term))
        except ValidationError:
            if len(normalized) >= 3:  # a part of a tracking number (the trigram index needs three characters)
                found |= Q(tracking_number__icontains=normalized)
        return queryset.filter(found), False

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

    @admin.display(description=_("handler"), ordering="handler__username")
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

    @admin.display(description=_("remedies"))
    def remedy_list(self, obj):
        return ", ".join(str(label) for label in obj.remedy_labels()) or "—"

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(self._explaining_unavailable(view))

        return [
            path("register/", wrap(self.register_view), name="complaints_complaint_register"),
            path("<int:pk>/do/<str:action>/", wrap(self.action_view), name="complaints_complaint_action"),
            path("attachment/<int:pk>/", wrap(self.attachment_view), name="complaints_complaint_attachment"),
            path(
                "attachment/<int:pk>/preview/",
                wrap(self.attachment_preview_view),
                name="complaints_complaint_attachment_preview",
            ),
            path("<int:pk>/letter/", wrap(self.letter_view), name="complaints_complaint_letter"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return redirect("admin:complaints_complaint_register")

    def _visible(self, request, pk) -> Complaint:
        if not self.has_view_permission(request):
            raise PermissionDenied
        complaint = self.get_queryset(request).filter(pk=pk).first()
        if complaint is None:
            raise Unavailable(self._unavailable(request, pk))
        return complaint

    def _unavailable(self, request, object_id):
        """The admin's page for a complaint this user may not open (whose it is, whom to ask) or that does not
        exist, instead of Django's "does not exist … deleted?" and the public site's error pages."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        object_id = str(object_id)
        complaint = (
            Complaint.objects.select_related("handler").filter(pk=object_id).first() if object_id.isdigit() else None
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "complaint": complaint,
            "handler_label": services.handler_label(complaint) if complaint is not None else "",
            "title": complaint.tracking_number if complaint is not None else gettext("No such complaint"),
        }
        return TemplateResponse(
            request,
            "admin/complaints/complaint/unavailable.html",
            context,
            status=403 if complaint is not None else 404,
        )

    def _explaining_unavailable(self, view):
        """The complaint's own pages (actions, attachments) answer a complaint out of reach with _unavailable."""

        @wraps(view)
        def explaining(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except Unavailable as unavailable:
                return unavailable.response

        return explaining

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # The change and history pages of a complaint the user may not see, or of no complaint.
        return self._unavailable(request, object_id)

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
            left = days_left(complaint)
            requests = list(complaint.extension_requests.select_related("requested_by", "decided_by", "complaint"))
            extra.update(
                timeline=history.timeline(complaint),
                days_left=left,
                days_late=-left if left is not None and left < 0 else 0,
                handler_name=display_user(complaint.handler) if complaint.handler_id else "",
                outbox_messages=Message.objects.about(complaint),
                attachments=complaint.attachments.select_related("uploaded_by"),
                workflow_actions=[
                    (action, services.ACTION_LABELS[action])
                    for action in ACTION_FORMS
                    if services.can_act(request.user, complaint, action)
                ],
                can_print_letter=services.can_act(request.user, complaint, services.A.LETTER),
                can_add_documents=services.can_act(request.user, complaint, services.A.ATTACH),
                extension_requests=[
                    (extension, services.can_decide_extension(request.user, extension)) for extension in requests
                ],
                conflicted=services.is_conflicted(request.user, complaint),
            )
            extra["repeats"] = self._repeats(request, complaint)
        return super().change_view(request, object_id, form_url, extra)

    def _repeats(self, request, complaint):
        """Possible repeats of the complaint (same phone or policy within 90 days), each with whether this user
        may merge the complaint into it with one click."""
        merge_allowed = services.can_act(request.user, complaint, services.A.MERGE)
        return [
            {
                "complaint": repeat,
                "handler": services.handler_label(repeat),
                "can_merge": services.can_merge_into(request.user, complaint, repeat, merge_allowed=merge_allowed),
            }
            for repeat in services.possible_repeats(complaint)[:REPEATS_SHOWN]
        ]

    def action_view(self, request, pk, action):
        if not self.has_view_permission(request):
            message = gettext("You do not have permission to do this.")
            return self.refused(request, message, status=403, back=reverse("admin:index"))
        complaint = self._visible(request, pk)
        if action not in ACTION_FORMS:
            raise Http404
        back = reverse("admin:complaints_complaint_change", args=[complaint.pk])
        # A step this person may never take is refused (403, with the reason, in the admin's look).
        never = services.actor_refusal(request.user, complaint, action)
        if never:
            return self.refused(request, never, status=403, back=back, complaint=complaint)
        # A step the workflow does not allow now (close before decide; a form left open in another tab while the
        # complaint moved on) shows its form with the reason and keeps what was typed (409); the service, which
        # locks the complaint, has the last word.
        form_class, call = ACTION_FORMS[action]
        form = form_class(request.POST or None, request.FILES or None, complaint=complaint, query=request.GET)
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
            complaint.refresh_from_db()
        not_now = services.why_not_now(complaint, action)
        shown = [str(error) for error in form.non_field_errors()] if form.is_bound else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "complaint": complaint,
            "form": form,
            "action": action,
            "not_now": not_now if not_now not in shown else "",
            "back": back,
            "title": f"{services.ACTION_LABELS[action]} · {complaint.tracking_number}",
            "action_label": services.ACTION_LABELS[action],
        }
        return TemplateResponse(
            request, "admin/complaints/complaint/action.html", context, status=409 if not_now else 200
        )

    def register_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RegisterForm(request.POST or None, request.FILES or None)
        repeats = []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            # The same caller or policy again within 90 days: the form comes back, as typed, listing the earlier
            # complaints, until the person registering confirms that this one is new.
            if not request.POST.get("register_anyway"):
                repeats = self._registration_repeats(request, data)
        if request.method == "POST" and form.is_valid() and not repeats:
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
                # The first responder lands on the record they just typed; whoever may not handle it, on the list.
                if self.get_queryset(request).filter(pk=complaint.pk).exists():
                    return redirect("admin:complaints_complaint_change", complaint.pk)
                return redirect("admin:complaints_complaint_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "repeats": repeats,
            "files_dropped": bool(repeats and request.FILES),
            "title": gettext("Register a complaint"),
        }
        return TemplateResponse(request, "admin/complaints/complaint/register.html", context)

    def _registration_repeats(self, request, data) -> list[dict]:
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

    def attachment_view(self, request, pk):
        attachment = ComplaintAttachment.objects.filter(pk=pk).first()
        if attachment is None:
            raise Unavailable(self._unavailable(request, ""))
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

    def attachment_preview_view(self, request, pk):
        """An image or a PDF shown in the browser rather than downloaded, for the same staff as the download
        and logged the same way; sandboxed, so that nothing in the file runs with the admin's rights."""
        attachment = get_object_or_404(ComplaintAttachment.objects.select_related("complaint"), pk=pk)
        complaint = self._visible(request, attachment.complaint_id)
        if not request.user.has_perm(FULL_DATA_PERMISSION):
            raise PermissionDenied
        if not attachment.previewable:
            raise Http404
        PersonalDataView.objects.create(
            user=request.user,
            complaint=complaint,
            where="admin:attachment-preview",
            fields=f"attachment:{attachment.pk}",
        )
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=False,
            filename=download_name(attachment.original_name, attachment.content_type),
            content_type=attachment.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = PREVIEW_CSP
        return response

    def letter_view(self, request, pk):
        """The decision letter, printable (A4, no admin chrome), for complainants who came by letter, visit or
        phone; "Record as issued" keeps the letter's text in the case history."""
        complaint = self._visible(request, pk)
        if not services.can_act(request.user, complaint, services.A.LETTER):
            raise PermissionDenied
        if request.method == "POST":
            try:
                services.complaint_issue_letter(complaint=complaint, actor=request.user)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
            else:
                self.message_user(request, gettext("The letter is recorded as issued."), messages.SUCCESS)
            return redirect("admin:complaints_complaint_letter", complaint.pk)
        # The letter names the complainant in full.
        PersonalDataView.objects.create(user=request.user, complaint=complaint, where="admin:letter", fields="name")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "complaint": complaint,
            "letter": letters.decision_letter(complaint),
            "issued": complaint.events.filter(action=services.A.LETTER).select_related("actor").order_by("-at").first(),
            "title": gettext("Decision letter · %(number)s") % {"number": complaint.tracking_number},
        }
        return TemplateResponse(request, "admin/complaints/complaint/letter.html", context)


@admin.register(LetterTemplate)
class LetterTemplateAdmin(DeclaredFiltersOnly, admin.ModelAdmin):
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
class ExtensionRequestAdmin(RefusedInAdmin, ReadOnlyAdmin):
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
            message = gettext("You do not have permission to do this.")
            return self.refused(request, message, status=403, back=reverse("admin:index"))
        extension = get_object_or_404(self.get_queryset(request).select_related("complaint"), pk=pk)
        complaint = extension.complaint
        back = reverse("admin:complaints_extensionrequest_changelist")
        never = services.approver_refusal(request.user, extension)
        if never:
            return self.refused(request, never, status=403, back=back)
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
            extension.refresh_from_db()
            complaint.refresh_from_db()
        # A request decided meanwhile (in another tab, by another approver) or lapsed: the reason, and what was
        # typed kept (409).
        not_now = ""
        if extension.status != ExtensionStatus.PENDING:
            not_now = gettext("This request has already been decided: %(status)s.") % {
                "status": extension.get_status_display()
            }
        shown = [str(error) for error in form.non_field_errors()] if form.is_bound else []
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
            "not_now": not_now if not_now not in shown else "",
            "back": back,
        }
        return TemplateResponse(
            request, "admin/complaints/extensionrequest/decide.html", context, status=409 if not_now else 200
        )
