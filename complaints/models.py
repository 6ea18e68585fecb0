"""Complaints, their attachments, the append-only event log and the audit of full personal-data views.

A complaint's status only changes through complaints/services.py, which writes a ComplaintEvent in the same
transaction. The event log and the audit log refuse updates and deletes (in Python here, and in PostgreSQL
through the triggers installed by migration 0002).
"""

from datetime import timedelta

from django.conf import settings
from django.db import connections, models
from django.db.models import BooleanField, Case, F, Q, Value, When
from django.db.models.functions import Coalesce, TruncDate, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.admin_lists import YearsByIndexQuerySet
from portal.beijing import BEIJING
from portal.models import PROVINCE_CHOICES, province_label

from .placeholders import check_placeholders


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    PAUSED = "paused", _("Paused for outside appraisal")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Not a complaint")
    MERGED = "merged", _("Merged into another complaint")


# The status sets every rule uses, here and nowhere else.
# Open, the clock running: the 15/30/60-day limit counts down and the complaint can fall overdue.
OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS)
# Not yet decided: the clock runs or is paused for an outside appraisal (a paused complaint keeps its due date).
ACTIVE_STATUSES = (*OPEN_STATUSES, Status.PAUSED)
# Still being worked: not decided, or decided and not yet closed.
UNFINISHED_STATUSES = (*ACTIVE_STATUSES, Status.DECIDED)
# The procedure is over: decided and closed, withdrawn, not a complaint, or merged into another.
ENDED_STATUSES = (Status.CLOSED, Status.WITHDRAWN, Status.REJECTED, Status.MERGED)

# Who may read a complainant's personal data in full (every full view is logged in PersonalDataView).
FULL_DATA_PERMISSION = "complaints.view_full_personal_data"


class Source(models.TextChoices):
    SELF = "self", _("Received directly")
    REGULATOR = "regulator", _("Forwarded by the regulator")


class Channel(models.TextChoices):
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    WEB = "web", _("Web")
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("Email")


class BusinessChannel(models.TextChoices):
    AGENCY = "agency", _("Individual agency")
    BANCASSURANCE = "bancassurance", _("Bancassurance")
    BROKER = "broker", _("Brokers and agents")
    INTERNET = "internet", _("Internet")
    GROUP = "group", _("Group")


class Category(models.TextChoices):
    SALES = "sales", _("Sales")
    UNDERWRITING = "underwriting", _("Underwriting")
    POLICY_SERVICE = "policy_service", _("Policy service and surrender")
    CLAIMS = "claims", _("Claims")
    SERVICE = "service", _("Service")
    OTHER = "other", _("Other")


class ProductLine(models.TextChoices):
    """The product line a complaint concerns (险种), a coded field of the regulator's statistics."""

    LIFE = "life", _("Life")
    ANNUITY = "annuity", _("Annuity")
    HEALTH = "health", _("Health")
    ACCIDENT = "accident", _("Accident")
    UNIVERSAL = "universal", _("Universal life")
    UNIT_LINKED = "unit_linked", _("Unit-linked")


class IdType(models.TextChoices):
    RESIDENT = "resident", _("Resident identity card")
    PASSPORT = "passport", _("Passport")
    PERMIT = "permit", _("Travel permit (Hong Kong, Macao, Taiwan)")
    FOREIGNER = "foreigner", _("Foreigner's permanent residence card")
    OTHER = "other", _("Other document")


class Capacity(models.TextChoices):
    SELF = "self", _("For myself")
    PROXY = "proxy", _("As a proxy with a power of attorney")
    HEIR = "heir", _("As an heir")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    NOT_UPHELD = "not_upheld", _("Not upheld")


class Remedy(models.TextChoices):
    REVIEW = "review", _("Review by the superior unit")
    MEDIATION = "mediation", _("Mediation")
    ARBITRATION = "arbitration", _("Arbitration")
    LITIGATION = "litigation", _("Litigation")


LANGUAGE_CHOICES = [("zh-hans", "简体中文"), ("en", "English")]


def _in(field: str, choices) -> Q:
    return Q(**{f"{field}__in": [value for value, _label in choices.choices]})


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
        rule of reports, exports and the dashboard, in SQL; complaints.deadlines.closed_on_time is the same
        rule in Python: a complaint once late is never on time."""
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
    regulator_deadline = models.DateField(_("regulator's deadline"), null=True, blank=True)
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

    description = models.TextField(_("description"))
    desired_outcome = models.TextField(_("desired outcome"), blank=True)

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
    reported_back_on = models.DateField(_("reported back to the regulator on"), null=True, blank=True)
    # db_default too: bulk loaders (COPY) that do not name the column get "", not NULL.
    report_back_ref = models.CharField(
        _("reference of the report to the regulator"), max_length=100, blank=True, default="", db_default=""
    )
    remedies = models.JSONField(_("remedies"), default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    cause = models.ForeignKey(
        "complaints.RootCause",
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
                condition=Q(source="regulator", reported_back_on__isnull=True),
            ),
        ]

    def __str__(self):
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def report_back_due(self):
        """A forwarded complaint is reported back to the regulator by the regulator's date."""
        return self.regulator_deadline if self.source == Source.REGULATOR else None

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

    def remedy_labels(self) -> list[str]:
        labels = dict(Remedy.choices)
        return [labels[code] for code in self.remedies if code in labels]


class AppendOnly(models.Model):
    """Rows are written once and never changed or removed (the database enforces it too)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows cannot be deleted.")


class EventAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted on the web")
    REGISTER = "register", _("Registered")
    ACCEPT = "accept", _("Accepted")
    START = "start", _("Work started")
    DECIDE = "decide", _("Decided")
    DELIVER = "deliver", _("Decision received by the complainant")
    CLOSE = "close", _("Closed")
    REQUEST_EXTENSION = "request_extension", _("Extension requested")
    EXTEND = "extend", _("Time limit extended")
    REFUSE_EXTENSION = "refuse_extension", _("Extension refused")
    PAUSE = "pause", _("Paused for outside appraisal")
    RESUME = "resume", _("Resumed after appraisal")
    MERGE = "merge", _("Merged into another complaint")
    MERGED_IN = "merged_in", _("A repeat complaint was merged in")
    RESTART = "restart", _("Clock restarted on new facts")
    WITHDRAW = "withdraw", _("Withdrawn")
    REJECT = "reject", _("Rejected as not a complaint")
    REQUEST_REVIEW = "request_review", _("Review requested")
    REOPEN = "reopen", _("Reopened")
    ASSIGN = "assign", _("Handler assigned")
    ADD_INFORMATION = "add_information", _("Information added by the complainant")
    LEGAL_HOLD = "legal_hold", _("Legal hold placed or lifted")
    ANONYMISE = "anonymise", _("Personal data anonymised (retention)")
    CORRECT = "correct", _("Record corrected")
    ESCALATE = "escalate", _("Escalated as overdue")
    REMEDIATION = "remediation", _("Remediation item added or updated")
    LATE = "late", _("Time limit passed without a decision")
    REPORT_BACK = "report_back", _("Reported back to the regulator")
    # Correcting and enriching the record while it is worked (none changes the status; none is public).
    RECLASSIFY = "reclassify", _("Reclassified")
    NOTE = "note", _("Internal note")
    CALL = "call", _("Call logged")
    ATTACH = "attach", _("Documents added by staff")
    LETTER = "letter", _("Letter issued")


class CallDirection(models.TextChoices):
    INCOMING = "in", _("Incoming call")
    OUTGOING = "out", _("Outgoing call")


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Reached the complainant")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Line busy")
    CALL_BACK = "call_back", _("Asked to be called back")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    REFUSED = "refused", _("Declined to talk")


class ComplaintEvent(AppendOnly):
    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="events"
    )
    # When the step was recorded; `happened_on` is the day it happened (an appraisal that began last Monday, a
    # withdrawal letter received yesterday). Rows written before that field existed have none: their day is
    # the day they were recorded (see `day`).
    at = models.DateTimeField(_("recorded at"))
    happened_on = models.DateField(_("happened on"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, null=True, blank=True
    )
    action = models.CharField(_("action"), max_length=24, choices=EventAction.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("shown to the complainant"), default=False)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=_in("action", EventAction), name="complaintevent_action_valid")]

    def __str__(self):
        # In Beijing time, as every time the admin shows (the stored time is UTC).
        return f"{self.complaint_id} {self.get_action_display()} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"

    @property
    def day(self):
        """The day the step happened (Beijing time)."""
        return self.happened_on or timezone.localdate(self.at)

    @property
    def dated_earlier(self) -> bool:
        """Whether the step happened on an earlier day than it was recorded."""
        return self.happened_on is not None and self.happened_on != timezone.localdate(self.at)

    @property
    def public_note(self) -> str:
        """The note as the complainant may read it: reasons they must be told, and what they wrote themselves."""
        return self.note if self.public and self.action in PUBLIC_NOTE_ACTIONS else ""

    @property
    def detail_pairs(self) -> list[tuple[str, str]]:
        """The details of a reclassification or a call as people read them, as (label, value) pairs: the fields'
        names and the choices' labels in the reader's language, not the codes kept in `data`."""
        pairs = []
        if self.action == EventAction.RECLASSIFY:
            for name, (before, after) in (self.data.get("changes") or {}).items():
                label = str(Complaint._meta.get_field(name).verbose_name)
                pairs.append((label, f"{_choice_label(name, before)} → {_choice_label(name, after)}"))
        elif self.action == EventAction.CALL:
            directions, outcomes = dict(CallDirection.choices), dict(CallOutcome.choices)
            direction = directions.get(self.data.get("direction"), self.data.get("direction", ""))
            outcome = outcomes.get(self.data.get("outcome"), self.data.get("outcome", ""))
            pairs.append((str(direction), str(outcome)))
        return pairs

    @property
    def detail_lines(self) -> list[str]:
        return [f"{label}: {value}" for label, value in self.detail_pairs]

    @property
    def actor_label(self) -> str:
        if self.actor_id:
            return self.actor.get_username()
        return str(_("Complainant")) if self.action in COMPLAINANT_ACTIONS else str(_("System"))


def _choice_label(field_name: str, value) -> str:
    """A stored value of a complaint's field as shown: a choice's label, a name as kept, or a dash."""
    if value in ("", None):
        return "—"
    choices = dict(Complaint._meta.get_field(field_name).flatchoices or ())
    return str(choices.get(value, value))


COMPLAINANT_ACTIONS = {
    EventAction.SUBMIT,
    EventAction.ADD_INFORMATION,
    EventAction.WITHDRAW,
    EventAction.REQUEST_REVIEW,
}


# Actions whose note is addressed to the complainant (a reason they are told, or their own words).
PUBLIC_NOTE_ACTIONS = {
    EventAction.EXTEND,
    EventAction.PAUSE,
    EventAction.RESTART,
    EventAction.REJECT,
    EventAction.WITHDRAW,
    EventAction.REQUEST_REVIEW,
    EventAction.ADD_INFORMATION,
}


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    LAPSED = "lapsed", _("Lapsed")


class ExtensionRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ExtensionStatus.PENDING)

    def visible_to(self, user):
        return self.filter(complaint__in=Complaint.objects.visible_to(user))


class ExtensionRequest(models.Model):
    """A handler's request to extend a complaint's time limit, waiting for the approver (Art. 20).

    The first extension (to 30 days) is granted by a supervisor, the second (a further 30 days, 60 in all) by a
    senior manager; never by the person who asked. The limit moves only when the request is granted, and only
    while the limit it extends has not ended. A request still waiting when the limit ends lapses, and the
    complaint is late. Changed only through complaints.services, each step an event on the complaint.
    """

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="extension_requests"
    )
    number = models.PositiveSmallIntegerField(_("extension"), help_text=_("1 for the first, 2 for the second."))
    days = models.PositiveSmallIntegerField(_("days requested"))
    reason = models.TextField(_("reason"), help_text=_("Told to the complainant once the extension is granted."))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    due_when_requested = models.DateField(_("time limit when requested"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("approver's note"), blank=True)

    objects = ExtensionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=_in("status", ExtensionStatus), name="extensionrequest_status_valid"),
            models.CheckConstraint(condition=Q(number__in=[1, 2]), name="extensionrequest_number_valid"),
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(status="pending"),
                name="extensionrequest_one_pending_per_complaint",
            ),
        ]

    def __str__(self):
        return f"{self.complaint} #{self.number}"

    @property
    def approving_permission(self) -> str:
        return "complaints.approve_extension" if self.number == 1 else "complaints.approve_second_extension"


class ComplaintAttachment(models.Model):
    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    by_complainant = models.BooleanField(_("from the complainant"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The member of staff who added the file; empty for the complainant's own files."),
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def previewable(self) -> bool:
        """Images and PDFs open in the browser (sandboxed); other files only download."""
        return self.content_type in PREVIEW_TYPES


# The types a browser shows itself, without running anything from the file.
PREVIEW_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


class PersonalDataView(AppendOnly):
    """Who saw a complainant's personal data in full, when and where (PIPL; JR/T 0171)."""

    at = models.DateTimeField(_("when"), auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT)
    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, null=True, blank=True
    )
    where = models.CharField(_("where"), max_length=200)
    fields = models.CharField(_("fields"), max_length=200)

    class Meta:
        verbose_name = _("full view of personal data")
        verbose_name_plural = _("full views of personal data")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.user_id} {self.where} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class LetterTemplate(models.Model):
    """A decision letter's wording kept by supervisors: the decide form starts from one, filled with the case's
    facts. Placeholders are names in braces from complaints.placeholders.PLACEHOLDERS ({tracking_number}, {name},
    ...), checked when the template is saved; they are substituted as plain text (never a template engine)."""

    name = models.CharField(_("template name"), max_length=100)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="zh-hans")
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        choices=Outcome.choices,
        blank=True,
        help_text=_("The outcome this wording suits; empty for any."),
    )
    body = models.TextField(
        _("text"),
        max_length=10000,
        help_text=_(
            "The decision as told to the complainant. Placeholders in braces are filled with the case's facts: "
            "{tracking_number}, {name}, {received_date}, {due_date}, {decision_date}, {decision}, {remedies}, "
            "{regulator_route}, {insurer}, {today}."
        ),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["language", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_in("outcome", Outcome) | Q(outcome=""), name="lettertemplate_outcome_valid"
            ),
            models.UniqueConstraint(fields=["name", "language"], name="lettertemplate_name_language_unique"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_language_display()})"

    def clean(self):
        check_placeholders(self.body)
