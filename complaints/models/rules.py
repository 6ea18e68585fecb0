"""The complaint rules as dated data: each version holds the numbers of one rule (the base limit, the limits after
each extension, the review's limit, the approvals each extension needs, the regulator's and the platform's default
limits), the date it takes effect and the title of the rule it implements.

A version is entered by compliance and counts only once a second member of compliance approved it. A complaint is
judged by the approved version in force on the day it was received (`RuleVersion.objects.in_force`). The first
version (migration 0019) is the 2020 measures as the portal always applied them.
"""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import deadlines


class RuleVersionQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=SecondApproved.Status.APPROVED)

    def in_force(self, day: date) -> "RuleVersion | None":
        """The approved version in force on `day` (the latest that took effect on or before it), or None."""
        return self.approved().filter(effective_from__lte=day).order_by("-effective_from", "-id").first()


class SecondApproved(models.Model):
    """A setting entered by one member of compliance that counts only once a second approved it (rule versions,
    the rating's weights): who entered it, who decided it and when."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a second approver")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # None: recorded by a migration (the first version of the rules).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        abstract = True


class RuleVersion(SecondApproved):
    title = models.CharField(_("rule implemented"), max_length=200)
    effective_from = models.DateField(_("in force from"))
    base_days = models.PositiveSmallIntegerField(
        _("base limit (days)"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    first_extension_limit = models.PositiveSmallIntegerField(
        _("limit after the first extension (days)"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    second_extension_limit = models.PositiveSmallIntegerField(
        _("limit after the second extension (days)"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    second_extension_max_days = models.PositiveSmallIntegerField(
        _("days the second extension may add"), validators=[MinValueValidator(0), MaxValueValidator(365)]
    )
    # None: the company's own limit from settings.PORTAL_REVIEW_LIMIT_DAYS (the first version's default).
    review_days = models.PositiveSmallIntegerField(
        _("review limit (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Empty: the company's own limit as configured."),
    )
    first_extension_approvals = models.PositiveSmallIntegerField(
        _("approvals the first extension needs"), default=1, validators=[MaxValueValidator(5)]
    )
    second_extension_approvals = models.PositiveSmallIntegerField(
        _("approvals the second extension needs"), default=1, validators=[MaxValueValidator(5)]
    )
    regulator_default_days = models.PositiveSmallIntegerField(
        _("regulator's default limit (days)"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    platform_default_days = models.PositiveSmallIntegerField(
        _("platform's default limit (days)"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    reason = models.TextField(_("reason"), blank=True)
    # The complaints a back-dated version changed when it was approved (their ids), for the record.
    applied_to = models.JSONField(_("complaints it changed"), default=list, blank=True)

    objects = RuleVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint rule version")
        verbose_name_plural = _("complaint rule versions")
        ordering = ["-effective_from", "-id"]
        default_permissions = ("add", "change", "view")
        permissions = [("approve_ruleversion", _("Can approve a complaint rule version as second approver"))]

    def __str__(self):
        return f"{self.effective_from} {self.title}"

    @property
    def rules(self) -> deadlines.Rules:
        return deadlines.Rules(
            base_days=self.base_days,
            extended_limits=(self.first_extension_limit, self.second_extension_limit),
            second_extension_max_days=self.second_extension_max_days,
        )

    @property
    def review_limit(self) -> int:
        return self.review_days if self.review_days is not None else int(settings.PORTAL_REVIEW_LIMIT_DAYS)
