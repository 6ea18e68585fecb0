"""Systemic issues (系统性问题): what an early warning led to, and the causes common to many complaints followed
to every affected customer, including those who never complained (DISP 1.3, RG 271). Models of the core, as
root causes and remediation items are (an item belongs to a complaint or to an issue); written only through
complaints.compliance.systemic, every write leaving a SystemicEvent (append-only)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.audit import AppendOnly


class SystemicIssue(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("issue", "Open")
        CLOSED = "closed", pgettext_lazy("issue", "Closed")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what is wrong and why"), max_length=5000)
    root_cause = models.ForeignKey(
        "complaints.RootCause",
        verbose_name=_("root cause"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    complaints = models.ManyToManyField(
        "complaints.Complaint", verbose_name=_("complaints"), blank=True, related_name="systemic_issues"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    # Closing with customers not settled needs a reason from one person and the agreement of a second.
    close_reason = models.TextField(_("reason for closing with customers not settled"), blank=True, max_length=2000)
    close_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closing asked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closing_note = models.TextField(_("closing note"), blank=True, max_length=2000)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("systemic issue")
        verbose_name_plural = _("systemic issues")
        ordering = ["status", "-opened_at", "-id"]
        permissions = [("manage_systemic_issue", _("Can open and close systemic issues and dispose of warnings"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["open", "closed"]), name="systemicissue_status"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"


class AffectedCustomer(models.Model):
    """A customer hit by the issue who did not (necessarily) complain, followed until put right."""

    class Remedy(models.TextChoices):
        PENDING = "pending", _("Pending")
        SETTLED = "settled", _("Settled")
        NOT_REACHABLE = "not_reachable", _("Not reachable")
        DECLINED = "declined", _("Declined the remedy")

    issue = models.ForeignKey(
        SystemicIssue, verbose_name=_("systemic issue"), on_delete=models.PROTECT, related_name="affected"
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    policy_number = models.CharField(_("policy number"), max_length=40)
    remedy = models.CharField(_("remedy status"), max_length=16, choices=Remedy.choices, default=Remedy.PENDING)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("affected customer")
        verbose_name_plural = _("affected customers")
        ordering = ["issue", "id"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "policy_number"], name="affectedcustomer_once_per_issue"),
            models.CheckConstraint(
                condition=models.Q(remedy__in=["pending", "settled", "not_reachable", "declined"]),
                name="affectedcustomer_remedy_valid",
            ),
        ]

    def __str__(self):
        return self.policy_number


class WarningDisposition(models.Model):
    """What was done about one early warning, by the warning's key (complaints.compliance.alerts.Warning.key)."""

    class Outcome(models.TextChoices):
        LOOKED_INTO = "looked_into", _("Looked into")
        DISMISSED = "dismissed", _("Dismissed")
        ISSUE_OPENED = "issue_opened", _("Issue opened")

    key = models.CharField(_("warning"), max_length=200, unique=True)
    as_of = models.DateField(_("as of"))
    outcome = models.CharField(_("disposition"), max_length=16, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    issue = models.ForeignKey(
        SystemicIssue,
        verbose_name=_("systemic issue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispositions",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now=True)

    class Meta:
        verbose_name = _("warning disposition")
        verbose_name_plural = _("warning dispositions")
        ordering = ["-as_of", "key"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=["looked_into", "dismissed", "issue_opened"]),
                name="warningdisposition_outcome_valid",
            ),
        ]

    def __str__(self):
        return self.key


class SystemicEvent(AppendOnly):
    """The audit trail of systemic issues and warning dispositions: who did what, when (never changed)."""

    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+"
    )
    issue = models.ForeignKey(
        SystemicIssue, verbose_name=_("systemic issue"), on_delete=models.PROTECT, null=True, related_name="events"
    )

    class Action(models.TextChoices):
        OPEN = "open", _("Issue opened")
        LINK = "link", _("Complaints linked")
        CUSTOMER_ADD = "customer_add", _("Affected customer added")
        CUSTOMER_IMPORT = "customer_import", _("Affected customers imported")
        CUSTOMER_UPDATE = "customer_update", _("Remedy of a customer recorded")
        ITEM_ADD = "item_add", _("Remediation item added")
        ITEM_UPDATE = "item_update", _("Remediation item closed")
        CLOSE_REQUESTED = "close_requested", _("Closing asked for with customers not settled")
        CLOSE = "close", _("Issue closed")
        DISPOSE = "dispose", _("Warning disposed of")
        DISPOSE_AGAIN = "dispose_again", _("Disposition of a warning changed")

    warning_key = models.CharField(_("warning"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("systemic issue event")
        verbose_name_plural = _("systemic issue events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"
