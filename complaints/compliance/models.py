"""What compliance keeps beside the complaints: the business volume that regulator ratios divide by, the
append-only log of every export of complaint data, the export jobs that run in the background, the early
warnings and the published statistics. (Root-cause codes and remediation items are the core's vocabulary:
complaints/models/causes.py.)

They belong to the complaints app (its label, tables and permissions); ComplaintsConfig.import_models loads
this module beside the complaints/models package.
"""

import uuid
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import AppendOnly, SecondApproved


class ReportingVolume(models.Model):
    """The premium, policies and insured persons of a period, entered by compliance, so that reports can give
    complaints per ¥100m premium, per 10,000 policies and per 10,000 insured (the regulator's ratios)."""

    WHOLE_YEAR = 0

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(
        _("quarter"),
        default=WHOLE_YEAR,
        choices=[(0, _("Whole year")), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")],
    )
    premium = models.DecimalField(
        _("premium (yuan)"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)]
    )
    policies = models.PositiveBigIntegerField(_("policies in force"))
    insured = models.PositiveBigIntegerField(_("insured persons"))
    note = models.CharField(_("source of the figures"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("business volume")
        verbose_name_plural = _("business volumes")
        ordering = ["-year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="reportingvolume_one_per_period"),
            models.CheckConstraint(condition=models.Q(quarter__gte=0, quarter__lte=4), name="reportingvolume_quarter"),
        ]

    def __str__(self):
        return f"{self.year}" if self.quarter == self.WHOLE_YEAR else f"{self.year} Q{self.quarter}"


class ExportLog(AppendOnly):
    """One row per export of complaint data: who, when, with which filters, how many rows, masked or not
    (PIPL; JR/T 0171). Rows are written once; the database refuses changes (migration 0003)."""

    at = models.DateTimeField(_("when"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, null=True, blank=True
    )
    via = models.CharField(_("from"), max_length=10, choices=[("admin", _("Admin")), ("command", _("Command"))])
    filters = models.JSONField(_("filters"), default=dict)
    file_format = models.CharField(_("format"), max_length=4)
    rows = models.PositiveIntegerField(_("rows"))
    masked = models.BooleanField(_("masked"))

    class Meta:
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.file_format} {self.rows}"


class ExportJob(models.Model):
    """An export asked for in the admin: its progress, and the file (kept outside the static files and served
    only to the staff member who asked for it)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    filters = models.JSONField(_("filters"), default=dict)
    file_format = models.CharField(_("format"), max_length=4)
    masked = models.BooleanField(_("masked"), default=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows to export"), default=0)
    rows_done = models.PositiveIntegerField(_("rows exported"), default=0)
    file = models.CharField(_("file"), max_length=200, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} {self.file_format}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)


class ComplianceDashboard(models.Model):
    """No table: the admin lists this entry so that the compliance dashboard is linked from the admin index."""

    class Meta:
        managed = False
        verbose_name = _("compliance dashboard")
        verbose_name_plural = _("compliance dashboard")
        default_permissions = ()
        permissions = [
            ("view_compliance_dashboard", _("Can see the compliance dashboard and reports")),
            ("import_complaints", _("Can import complaints from files")),
            ("draft_disclosure", _("Can draft the yearly disclosure from the figures")),
            ("publish_statistics", _("Can publish a period's public complaint statistics")),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)


def warning_key(warning) -> str:
    """The stable key of a warning (a computed Warning or a stored OversightWarning): the same warning computed
    again, or stored, has the same key; dispositions are kept by it."""
    return "|".join(
        str(part)
        for part in (warning.kind, warning.dimension, warning.value, warning.period, warning.start, warning.end)
    )


class OversightWarning(models.Model):
    """An early warning found by the daily run (complaints.compliance.alerts), kept so that staff see it in
    the compliance admin and so that a second run on the same day adds nothing (one row per key)."""

    class Kind(models.TextChoices):
        SPIKE = "spike", _("Unusually many complaints")
        OVERDUE_RISK = "overdue_risk", _("Many cases of one handler fall due")
        REPEAT = "repeat", _("Repeat complainant")
        SELLER = "seller", _("Many complaints name one agent or partner")
        RING = "ring", _("Possible surrender-agent ring")

    as_of = models.DateField(_("as of"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    dimension = models.CharField(_("dimension"), max_length=20)
    value = models.CharField(_("value"), max_length=100)
    period = models.CharField(_("period"), max_length=8)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    count = models.PositiveIntegerField(_("count"))
    baseline = models.FloatField(_("baseline"))
    score = models.FloatField(_("score"))
    # The complaints behind a warning about people (a handler's due cases, a repeat complainant), so that the
    # link shows exactly them without putting a phone number in a URL.
    complaint_ids = models.JSONField(_("complaints"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-as_of", "-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "kind", "dimension", "value", "period"], name="oversightwarning_once_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.as_of} {self.dimension}={self.value} ({self.period})"

    @property
    def key(self) -> str:
        return warning_key(self)


class PublishedStatistics(AppendOnly):
    """The public statistics of a period as a compliance officer published them: a stored snapshot of the
    aggregate figures (no personal data), so published numbers never change. A correction is a new version
    of the same period, with a note; the public page shows each period's latest version."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), default=0)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    figures = models.JSONField(_("figures"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = _("published statistics")
        verbose_name_plural = _("published statistics")
        ordering = ["-year", "quarter", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter", "version"], name="publishedstatistics_one_version"),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=0, quarter__lte=4), name="publishedstatistics_quarter"
            ),
        ]

    def __str__(self):
        label = f"{self.year}" if not self.quarter else f"{self.year} Q{self.quarter}"
        return f"{label} v{self.version}"


def ensure_root_causes(apps=None, **_signal) -> None:
    """Add the codes of vocabulary.ROOT_CAUSES missing from the table (a new database, or one flushed by a
    test), leaving the ones compliance edited as they are. Run by the data migration and after every migrate
    and flush (post_migrate)."""
    from django.apps import apps as global_apps

    from .vocabulary import ROOT_CAUSES

    model = (apps or global_apps).get_model("complaints", "RootCause")
    if model.objects.count() >= len(ROOT_CAUSES):
        return
    for order, (code, chinese, english) in enumerate(ROOT_CAUSES, start=1):
        model.objects.get_or_create(
            code=code,
            defaults={"name": chinese, "name_zh_hans": chinese, "name_en": english, "sort_order": order * 10},
        )


# The seven elements of NFRA's 《金融机构消费者权益保护监管评价办法》 (2025): key, the floor of its weight and the
# firm's default weight, in percent. The floors sum to 90; a configuration sums to 100.
RATING_ELEMENTS = (
    ("governance", 10, 10),
    ("suitability", 10, 10),
    ("sales_conduct", 25, 30),
    ("dispute_resolution", 25, 30),
    ("education", 10, 10),
    ("service", 5, 5),
    ("personal_information", 5, 5),
)


class RatingWeights(SecondApproved):
    """The weights compliance gives the rating's seven elements, entered by one member of compliance and in
    force once a second approved them (the latest approved row; the defaults before any)."""

    governance = models.PositiveSmallIntegerField(_("governance"))
    suitability = models.PositiveSmallIntegerField(_("suitability"))
    sales_conduct = models.PositiveSmallIntegerField(_("sales conduct"))
    dispute_resolution = models.PositiveSmallIntegerField(_("dispute resolution"))
    education = models.PositiveSmallIntegerField(_("financial education"))
    service = models.PositiveSmallIntegerField(_("consumer service"))
    personal_information = models.PositiveSmallIntegerField(_("personal information"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("rating weights")
        verbose_name_plural = _("rating weights")
        ordering = ["-entered_at", "-id"]
        default_permissions = ("add", "view")
        permissions = [("approve_ratingweights", _("Can approve rating weights as second approver"))]

    def __str__(self):
        return " / ".join(str(getattr(self, key)) for key, _floor, _default in RATING_ELEMENTS)

    def as_dict(self) -> dict[str, int]:
        return {key: getattr(self, key) for key, _floor, _default in RATING_ELEMENTS}


class ReviewItem(models.Model):
    """One consumer-protection review (消保审查): a product, marketing material, contract or service rule reviewed
    before release, who asked and who reviewed, and the complaints or root causes that prompted its points."""

    class Kind(models.TextChoices):
        PRODUCT = "product", _("Product")
        MARKETING = "marketing", _("Marketing material")
        CONTRACT = "contract", _("Contract")
        SERVICE_RULE = "service_rule", _("Service rule")
        OTHER = "other", pgettext_lazy("review item kind", "Other")

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("item reviewed"), max_length=200)
    requester = models.CharField(_("requested by"), max_length=100)
    reviewer = models.CharField(_("reviewed by"), max_length=100)
    reviewed_on = models.DateField(_("reviewed on"))
    complaints = models.ManyToManyField(
        "complaints.Complaint", verbose_name=_("complaints that prompted it"), blank=True, related_name="+"
    )
    root_causes = models.ManyToManyField(
        "complaints.RootCause", verbose_name=_("root causes that prompted it"), blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consumer-protection review")
        verbose_name_plural = _("consumer-protection reviews")
        ordering = ["-reviewed_on", "-id"]

    def __str__(self):
        return f"{self.reference} {self.title}"


class ReviewOpinion(models.Model):
    """An opinion a review gave, and whether the requester adopted it."""

    item = models.ForeignKey(ReviewItem, verbose_name=_("review"), on_delete=models.CASCADE, related_name="opinions")
    text = models.TextField(_("opinion"))
    adopted = models.BooleanField(_("adopted"))

    class Meta:
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")
        ordering = ["id"]

    def __str__(self):
        return self.text[:60]


# The rules the portal always applied: the first version, in force since long before any complaint. The data
# migration (0023) writes it; ensure_first_rule_version writes it again after a flush (a test's), as the root-cause
# codes are.
FIRST_RULE_VERSION = {
    "title": "银行业保险业消费投诉处理管理办法（中国银保监会令2020年第3号）",
    "effective_from": date(2020, 3, 1),
    "base_days": 15,
    "first_extension_limit": 30,
    "second_extension_limit": 60,
    "second_extension_max_days": 30,
    "review_days": None,
    "first_extension_approvals": 1,
    "second_extension_approvals": 1,
    "regulator_default_days": 15,
    "platform_default_days": 15,
    "reason": "",
    "status": "approved",
}


def ensure_first_rule_version(apps=None, **_signal) -> None:
    """The first version, when the table holds none (a new database, or one flushed by a test); run by the data
    migration and after every migrate and flush (post_migrate)."""
    from django.apps import apps as global_apps

    model = (apps or global_apps).get_model("complaints", "RuleVersion")
    if not model.objects.exists():
        model.objects.create(**FIRST_RULE_VERSION)


class RingTip(models.Model):
    """A tip about a possible surrender-agent ring (代理退保) passed to the regulator or the police (线索移送): when,
    to whom, under which reference, about which complaints. Recorded by complaints.compliance.rings.ring_tip_record,
    which leaves an internal event on each complaint; the complaints themselves are handled as any other."""

    class Recipient(models.TextChoices):
        REGULATOR = "regulator", _("The regulator (NFRA office)")
        POLICE = "police", _("The police")

    ring_key = models.CharField(_("ring"), max_length=32, db_index=True)
    recipient = models.CharField(_("passed to"), max_length=10, choices=Recipient.choices)
    sent_on = models.DateField(_("passed on"))
    reference = models.CharField(_("reference"), max_length=100)
    note = models.TextField(_("note"), blank=True)
    complaints = models.ManyToManyField("complaints.Complaint", verbose_name=_("complaints"), related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tip about a ring")
        verbose_name_plural = _("tips about rings")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__in=["regulator", "police"]), name="ringtip_recipient_valid"
            ),
        ]

    def __str__(self):
        return f"{self.ring_key} → {self.get_recipient_display()} {self.reference}"
