"""Mediation of a dispute (调解) and the settlement authority it needs.

- `Mediation`: one mediation of a complaint, open or decided (several over time, one open at a time): who asked
  for it, the mediation body, the request and invitation dates, the company's answer against its response limit
  (应调响应), the mediator, the settlement proposed and its approval at the level the amount needs, the outcome,
  the court's judicial confirmation (司法确认, court-referred only) and the mediator's recommendations.
- `SettlementAuthority`: the amounts up to which each level (branch, head office) may approve a settlement, a
  dated version entered by compliance that counts once a second member approved it (SecondApproved).
- `StaffAuthority`: the level a supervisor gave a member of staff, append-only: each row one grant or removal
  (the latest counts), so who gave whom which level, and when, is the record itself.

The rules live in complaints/workflow/mediation.py.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.audit import AppendOnly

from .complaint import Complaint
from .rules import SecondApproved
from .vocabulary import _in


class MediationOrigin(models.TextChoices):
    COMPLAINANT = "complainant", _("The complainant's request")
    REGULATOR = "regulator", _("Referred by the regulator")
    PLATFORM = "platform", _("Referred by the national complaint platform")
    COURT = "court", _("Referred by a court (litigation-mediation link)")


class MediationBodyKind(models.TextChoices):
    INSURANCE_COMMITTEE = "committee", _("Insurance dispute mediation committee")
    COURT = "court", pgettext_lazy("mediation body", "Court")
    OTHER = "other", _("Other mediation body")


class MediationOutcome(models.TextChoices):
    SETTLED = "settled", pgettext_lazy("mediation outcome", "Settled")
    NOT_SETTLED = "not_settled", _("Not settled")
    WITHDRAWN = "withdrawn", pgettext_lazy("mediation", "Withdrawn")


class AuthorityLevel(models.TextChoices):
    """The levels that approve settlements, lowest first (a level approves whatever a lower one may)."""

    BRANCH = "branch", pgettext_lazy("authority level", "Branch")
    HEAD_OFFICE = "head_office", pgettext_lazy("authority level", "Head office")


AUTHORITY_RANK = {level: rank for rank, level in enumerate(AuthorityLevel.values)}


class SettlementAuthorityQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=SecondApproved.Status.APPROVED)

    def in_force(self, day: date) -> "SettlementAuthority | None":
        return self.approved().filter(effective_from__lte=day).order_by("-effective_from", "-id").first()


class SettlementAuthority(SecondApproved):
    effective_from = models.DateField(_("in force from"))
    branch_limit = models.DecimalField(
        _("a branch approves up to (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    head_office_limit = models.DecimalField(
        _("the head office approves up to (yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    reason = models.TextField(_("reason"), blank=True)

    objects = SettlementAuthorityQuerySet.as_manager()

    class Meta:
        verbose_name = _("settlement authority table")
        verbose_name_plural = _("settlement authority tables")
        ordering = ["-effective_from", "-id"]
        default_permissions = ("add", "view")
        permissions = [
            ("approve_settlementauthority", _("Can approve a settlement authority table as second approver"))
        ]

    def __str__(self):
        return f"{self.effective_from} {self.branch_limit} / {self.head_office_limit}"

    def limit_of(self, level: str) -> Decimal:
        return self.branch_limit if level == AuthorityLevel.BRANCH else self.head_office_limit

    def level_for(self, amount: Decimal) -> str | None:
        """The lowest level that may approve `amount`, or None when it is beyond every level."""
        for level in AuthorityLevel.values:
            if amount <= self.limit_of(level):
                return level
        return None


class StaffAuthority(AppendOnly):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    # Empty: the level was taken away.
    level = models.CharField(_("settlement authority"), max_length=12, choices=AuthorityLevel.choices, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("staff settlement authority")
        verbose_name_plural = _("staff settlement authorities")
        ordering = ["-set_at", "-id"]
        default_permissions = ("add", "view")
        constraints = [
            models.CheckConstraint(
                condition=Q(level="") | _in("level", AuthorityLevel), name="staffauthority_level_valid"
            )
        ]

    def __str__(self):
        return f"{self.user} {self.level or '—'}"


class MediationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(outcome="")


class Mediation(models.Model):
    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="mediations"
    )
    origin = models.CharField(_("requested by"), max_length=12, choices=MediationOrigin.choices)
    body_kind = models.CharField(_("kind of mediation body"), max_length=12, choices=MediationBodyKind.choices)
    body = models.CharField(_("mediation body"), max_length=200)
    mediator = models.CharField(_("mediator"), max_length=100, blank=True)
    requested_on = models.DateField(_("requested on"))
    invited_on = models.DateField(_("invited on"), null=True, blank=True)
    # The last day to answer: the response limit counted from the invitation (or the request).
    response_due = models.DateField(_("answer due by"))
    responded_on = models.DateField(_("answered on"), null=True, blank=True)
    proposed_amount = models.DecimalField(
        _("settlement proposed (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    level_needed = models.CharField(_("authority needed"), max_length=12, choices=AuthorityLevel.choices, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=MediationOutcome.choices, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    settled_amount = models.DecimalField(
        _("amount settled (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    judicially_confirmed_on = models.DateField(_("judicially confirmed on"), null=True, blank=True)
    recommendations = models.TextField(_("mediator's recommendations"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = MediationQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")
        ordering = ["-requested_on", "-id"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["complaint"], condition=Q(outcome=""), name="one_open_mediation"),
            models.CheckConstraint(condition=_in("origin", MediationOrigin), name="mediation_origin_valid"),
            models.CheckConstraint(
                condition=Q(outcome="") | _in("outcome", MediationOutcome), name="mediation_outcome_valid"
            ),
        ]

    def __str__(self):
        return f"{self.complaint.tracking_number} {self.get_origin_display()}"

    @property
    def is_open(self) -> bool:
        return not self.outcome

    @property
    def responded_on_time(self) -> bool | None:
        if self.responded_on is None:
            return None
        return self.responded_on <= self.response_due

    @property
    def approval_pending(self) -> bool:
        return self.proposed_amount is not None and self.approved_at is None
