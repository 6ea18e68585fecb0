"""The complaint record and its queryset (the one SQL rule of timeliness)."""

from datetime import timedelta

from django.conf import settings
from django.db import connections, models
from django.db.models import BooleanField, Case, F, Q, Value, When
from django.db.models.functions import Coalesce, TruncDate, Upper
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal.admin_lists import YearsByIndexQuerySet
from portal.beijing import BEIJING
from portal.models import PROVINCE_CHOICES, province_label

from .vocabulary import (
    ACTIVE_STATUSES,
    FORWARDED_SOURCES,
    LANGUAGE_CHOICES,
    OPEN_STATUSES,
    BusinessChannel,
    Capacity,
    Category,
    Channel,
    DesiredRemedy,
    IdType,
    Outcome,
    ProductLine,
    Relationship,
    Remedy,
    Source,
    Status,
    _in,
)


class ComplaintQuerySet(YearsByIndexQuerySet, models.QuerySet):
    def for_lists(self):
        return self.select_related("branch", "handler")

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def phone_of(self, tracking_number: str) -> str | None:
        """The phone recorded with a tracking number, or None: the tracking look-up's one read, as plain SQL on
        the unique index (building this query through the ORM costs more than running it)."""
        table, column = self.model._meta.db_table, self.model._meta.get_field("phone").column
        with connections[self.db].cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM {table} WHERE tracking_number = %s LIMIT 1", [tracking_number])  # noqa: S608
            row = cursor.fetchone()
        return row[0] if row else None

    def overdue(self, today):
        """Complaints still being handled that are late: their clock runs and their due date has passed, the
        regulator's date has passed while the clock is paused, or they were found late before (a restart or a
        reopening gives a new due date but does not make a late complaint on time)."""
        return self.filter(
            Q(status__in=OPEN_STATUSES, due_date__lt=today)
            | Q(status=Status.PAUSED, regulator_deadline__lt=today)
            | Q(status__in=ACTIVE_STATUSES, late_since__isnull=False)
        )

    def due_soon(self, today, days: int = 3):
        """Complaints whose clock runs, not late, which fall due today or within the next `days` days."""
        return self.filter(
            status__in=OPEN_STATUSES,
            late_since__isnull=True,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=days),
        )

    def with_timeliness(self):
        """Annotates `closed_day` (the day the complaint was closed: its decision, or the day it ended without
        one, in Beijing time; None while it is being handled) and `on_time` (None while being handled). The one
        rule of reports, exports and the dashboard, in SQL: a complaint once late is never on time."""
        is_closed = ~Q(status__in=ACTIVE_STATUSES)
        return self.annotate(
            closed_day=Case(
                When(is_closed, then=Coalesce(TruncDate("decided_at", tzinfo=BEIJING), F("ended_on"))),
                default=None,
            ),
        ).annotate(
            on_time=Case(
                When(~is_closed, then=Value(None)),
                When(late_since__isnull=False, then=Value(False)),
                When(closed_day__lte=F("due_date"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(null=True),
            )
        )

    def visible_to(self, user):
        """Handlers see the complaints assigned to them; supervisors and compliance officers see all."""
        if user.is_superuser or user.has_perm("complaints.view_all_complaints"):
            return self
        return self.filter(handler=user)


class Complaint(models.Model):
    tracking_number = models.CharField(_("tracking number"), max_length=32, unique=True, editable=False)
    received_at = models.DateTimeField(_("received at"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.SELF)
    regulator_ref = models.CharField(_("regulator's reference"), max_length=60, blank=True)
    # The reply date the forwarding body (the regulator or the platform, FORWARDED_SOURCES) sets: the one rule
    # (deadlines.effective_due) makes the earlier of it and the regulation's limit the date to meet.
    regulator_deadline = models.DateField(_("reply date set by the regulator or the platform"), null=True, blank=True)
    # The national complaint platform's own case number for a transferred complaint (unique among them).
    # db_default too: bulk loaders (COPY) that do not name the column get "", not NULL.
    platform_ref = models.CharField(_("platform's reference"), max_length=60, blank=True, default="", db_default="")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    business_channel = models.CharField(
        _("business channel"), max_length=16, choices=BusinessChannel.choices, blank=True
    )
    category = models.CharField(
        pgettext_lazy("complaint", "category"), max_length=16, choices=Category.choices, default=Category.OTHER
    )
    province = models.CharField(_("province"), max_length=10, choices=PROVINCE_CHOICES, blank=True)
    branch = models.ForeignKey(
        "portal.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, null=True, blank=True
    )
    # db_default too: bulk loaders (COPY) that do not name the column get "", not NULL.
    product_line = models.CharField(
        _("product line"), max_length=16, choices=ProductLine.choices, blank=True, default="", db_default=""
    )
    policy_number = models.CharField(_("policy number"), max_length=40, blank=True)

    name = models.CharField(_("complainant's name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, help_text=_("Stored in E.164 form."))
    email = models.EmailField(_("email"), blank=True)
    id_type = models.CharField(_("ID type"), max_length=12, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("ID number"), max_length=40, blank=True)
    capacity = models.CharField(_("complaining"), max_length=8, choices=Capacity.choices, default=Capacity.SELF)
    principal_name = models.CharField(
        _("on behalf of"),
        max_length=100,
        blank=True,
        help_text=_("The policyholder or the deceased, for proxies and heirs."),
    )
    power_of_attorney = models.BooleanField(_("power of attorney received"), default=False)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="zh-hans")
    # The proxy's representative, apart from the policyholder (the ring signals match on these), where the
    # policyholder can be reached, and the bank account the money is to go to: kept ONLY as a keyed hash
    # (complaints.identity.account_digest), never in plain. db_default too: bulk loaders (COPY) get "".
    representative_name = models.CharField(
        _("representative's name"), max_length=100, blank=True, default="", db_default=""
    )
    representative_phone = models.CharField(
        _("representative's phone"), max_length=20, blank=True, default="", db_default=""
    )
    representative_org = models.CharField(
        _("representative's organisation"), max_length=200, blank=True, default="", db_default=""
    )
    representative_relationship = models.CharField(
        _("representative's relationship to the policyholder"),
        max_length=10,
        choices=Relationship.choices,
        blank=True,
        default="",
        db_default="",
    )
    address = models.CharField(_("address"), max_length=300, blank=True, default="", db_default="")
    bank_account_digest = models.CharField(
        _("bank account (keyed hash)"), max_length=60, blank=True, default="", db_default="", editable=False
    )
    # Recorded at intake on the web: the form was sent from the elderly-friendly display mode (its cookie comes
    # with the submission; the cached form page itself carries no visitor state). For the rating's service figures.
    filed_in_elderly_mode = models.BooleanField(
        _("filed in the elderly-friendly mode"), default=False, db_default=False, editable=False
    )

    description = models.TextField(_("description"))
    desired_outcome = models.TextField(_("desired outcome"), blank=True)
    desired_remedy = models.CharField(
        _("what is asked for"), max_length=16, choices=DesiredRemedy.choices, blank=True, default="", db_default=""
    )

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_complaints",
    )
    named_employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee complained about"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The date to meet: the regulation's limit, or the regulator's date when that is earlier. Lists, filters,
    # badges, messages, reports and exports all read this one.
    due_date = models.DateField(_("due date"), null=True, blank=True)
    statutory_due_date = models.DateField(
        _("due date under the regulation"),
        null=True,
        blank=True,
        help_text=_("15 days from receipt, with the extensions granted and the days paused for appraisal."),
    )
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    late_since = models.DateField(
        _("late since"),
        null=True,
        blank=True,
        help_text=_("The first day after the time limit passed without a decision. A late complaint stays late."),
    )
    decision = models.TextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_delivered_on = models.DateField(
        _("decision received by the complainant on"),
        null=True,
        blank=True,
        help_text=_("The 30 days for asking for a review count from this day."),
    )
    # Resolved on the spot (首次接触即解决): registered and decided in one step, the same day, the complainant agreeing
    # (complaints/workflow/firstcontact.py). Counted as a complaint and in the report's `first_contact_resolved`.
    resolved_at_first_contact = models.BooleanField(
        _("resolved at first contact"), default=False, db_default=False, editable=False
    )
    # Further things the complaint is about besides its main `category` (counting uses the main one only).
    secondary_categories = models.JSONField(
        _("secondary categories"),
        default=list,
        blank=True,
        db_default=models.Value([], output_field=models.JSONField()),
    )
    reported_back_on = models.DateField(_("reported back to the regulator or the platform on"), null=True, blank=True)
    # db_default too: bulk loaders (COPY) that do not name the column get "", not NULL.
    report_back_ref = models.CharField(
        _("reference of the report back"), max_length=100, blank=True, default="", db_default=""
    )
    remedies = models.JSONField(_("remedies"), default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    # Redress (docs/domain.md): what the decision gave, and what was paid later (its own step).
    # db_default too: bulk loaders (COPY) that do not name the column get [], not NULL.
    reliefs = models.JSONField(
        _("redress"), default=list, blank=True, db_default=models.Value([], output_field=models.JSONField())
    )
    redress_paid = models.DecimalField(_("redress paid (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    redress_paid_on = models.DateField(_("redress last paid on"), null=True, blank=True)
    cause = models.ForeignKey(
        "complaints.RootCause",  # a string: models/causes.py imports this module
        verbose_name=_("root cause code"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    responsible_branch = models.ForeignKey(
        "portal.Branch",
        verbose_name=_("responsible branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when a head-office department is responsible (named in the responsible unit)."),
    )
    responsible_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    remediation = models.TextField(_("remediation"), blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    review_of = models.ForeignKey(
        "self", verbose_name=_("review of"), on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.PROTECT, null=True, blank=True, related_name="repeats"
    )
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)
    # db_default too: bulk loaders (COPY) that do not name the column get False, not NULL.
    legal_hold = models.BooleanField(
        _("legal hold"),
        default=False,
        db_default=False,
        help_text=_("Kept in full beyond the retention period (litigation, a regulator's inquiry)."),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    # Care (complaints/models/vulnerability.py): the complainant's circumstances and what they ask for to take
    # part, as lists of codes; the two data points recorded at the decision (was the complainant vulnerable; did
    # the complaint arise from failing to consider it), None when not recorded. Read by the queue, the messages
    # and the reports, never by a deadline or a right. db_default too: bulk loaders (COPY) get [], not NULL.
    vulnerabilities = models.JSONField(
        _("circumstances"), default=list, blank=True, db_default=models.Value([], output_field=models.JSONField())
    )
    needs = models.JSONField(
        _("help asked for"), default=list, blank=True, db_default=models.Value([], output_field=models.JSONField())
    )
    vulnerable_at_decision = models.BooleanField(_("vulnerable when decided"), null=True, blank=True)
    vulnerability_cause = models.BooleanField(
        _("arose from failing to consider the vulnerability"), null=True, blank=True
    )
    # Who sold the policy (complaints/models/sellers.py): set at registration or on the record
    # (complaints.compliance.sellers.complaint_name_seller).
    sales_agent = models.ForeignKey(
        "complaints.SalesAgent",
        verbose_name=_("sales agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    partner = models.ForeignKey(
        "complaints.Partner",
        verbose_name=_("intermediary or bank outlet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("view_all_complaints", _("Can see every complaint, not only those assigned")),
            ("handle_complaint", _("Can work complaints through the workflow")),
            ("assign_complaint", _("Can assign complaints to handlers")),
            ("approve_extension", _("Can grant the first extension of the time limit (to 30 days)")),
            ("approve_second_extension", _("Can grant the second extension of the time limit (to 60 days)")),
            ("record_past_dates", _("Can record steps dated more than 3 days back")),
            ("export_complaint", _("Can export complaint data")),
            ("view_full_personal_data", _("Can see complainants' personal data in full")),
            ("set_legal_hold", _("Can place complaints on legal hold and lift it")),
        ]
        constraints = [
            models.CheckConstraint(condition=_in("status", Status), name="complaint_status_valid"),
            models.CheckConstraint(condition=_in("source", Source), name="complaint_source_valid"),
            models.CheckConstraint(condition=_in("channel", Channel), name="complaint_channel_valid"),
            models.CheckConstraint(condition=_in("category", Category), name="complaint_category_valid"),
            models.CheckConstraint(
                condition=_in("business_channel", BusinessChannel) | Q(business_channel=""),
                name="complaint_business_channel_valid",
            ),
            models.CheckConstraint(
                condition=_in("product_line", ProductLine) | Q(product_line=""), name="complaint_product_line_valid"
            ),
            models.CheckConstraint(condition=Q(extensions__lte=2), name="complaint_at_most_two_extensions"),
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=~Q(idempotency_key=""), name="complaint_idempotency_key_unique"
            ),
            # One complaint per platform case: also the index the staff search looks a platform reference up in.
            models.UniqueConstraint(
                fields=["platform_ref"], condition=~Q(platform_ref=""), name="complaint_platform_ref_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # Periods are ranges of receipt time; exports read them in (received_at, id) order, which this index
            # gives without sorting a million rows first.
            models.Index(fields=["received_at", "id"], name="complaint_received_idx"),
            # A branch's reports and exports read one branch's complaints of a period.
            models.Index(fields=["branch", "received_at"], name="complaint_branch_received_idx"),
            # What a caller says, looked up in the admin's search (exact matches) and for possible repeats (the
            # same phone or policy within 90 days of receipt): complaints.admin.ComplaintAdmin.get_search_results.
            # (The regulator's reference has its partial index, complaint_regulator_ref_idx, from migration 0003.)
            models.Index(fields=["phone", "received_at"], name="complaint_phone_received_idx"),
            models.Index(Upper("policy_number"), F("received_at"), name="complaint_policy_received_idx"),
            models.Index(fields=["name"], name="complaint_name_idx"),
            models.Index(fields=["id_number"], name="complaint_id_number_idx"),
            # The work queue (complaints/queue.py): a handler's complaints being handled, by due date, and the
            # forwarded complaints whose reply to the regulator is still due (a few among a million).
            models.Index(fields=["handler", "status", "due_date"], name="complaint_handler_queue_idx"),
            models.Index(
                fields=["regulator_deadline"],
                name="complaint_report_back_due_idx",
                condition=Q(source__in=["regulator", "platform"], reported_back_on__isnull=True),
            ),
        ]

    def __str__(self):
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_forwarded(self) -> bool:
        """Forwarded by the regulator or transferred by the platform: reported back to it, by its date."""
        return self.source in FORWARDED_SOURCES

    @property
    def report_back_due(self):
        """A forwarded complaint is reported back to the body that forwarded it by that body's date."""
        return self.regulator_deadline if self.is_forwarded else None

    @property
    def report_back_label(self) -> str:
        """The report-back step named for whom it is sent to (向监管反馈 / 向平台反馈)."""
        if self.source == Source.PLATFORM:
            return gettext("Report-back to the platform")
        return gettext("Report-back to the regulator")

    @property
    def regulator_date_rules(self) -> bool:
        """Whether the regulator's date is the one to meet (it is earlier than the regulation's)."""
        return bool(
            self.regulator_deadline
            and self.statutory_due_date
            and self.due_date == self.regulator_deadline
            and self.regulator_deadline < self.statutory_due_date
        )

    @property
    def province_display(self) -> str:
        return province_label(self.province)

    @property
    def needs_care(self) -> bool:
        """Flagged: a circumstance recorded or a help asked for (a badge in the lists, never a rule)."""
        return bool(self.vulnerabilities or self.needs)

    def remedy_labels(self) -> list[str]:
        labels = dict(Remedy.choices)
        return [labels[code] for code in self.remedies if code in labels]
