"""Outside escalation (越级投诉): a complaint forwarded by the regulator or transferred by the national complaint
platform after the same person (phone, ID number) or policy complained to the company directly within 12 months.

Not the internal ladder of late complaints (complaints/escalation.py, 逾期升级): that one is about the company's
own deadlines; this one records that a complainant went outside the company. Each link names the forwarded
complaint and one earlier direct complaint; it is suggested when the forwarded complaint is registered
(complaints.workflow.escalations) and counts only once a member of staff has confirmed it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# How far back an earlier direct complaint makes a forwarded one an outside escalation (months before receipt).
OUTSIDE_ESCALATION_MONTHS = 12


class EscalationLinkStatus(models.TextChoices):
    SUGGESTED = "suggested", pgettext_lazy("outside escalation", "Suggested")
    CONFIRMED = "confirmed", pgettext_lazy("outside escalation", "Confirmed")
    REJECTED = "rejected", pgettext_lazy("outside escalation", "Rejected")


class EscalationLink(models.Model):
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("forwarded complaint"),
        on_delete=models.CASCADE,
        related_name="escalation_links",
    )
    earlier = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("earlier direct complaint"),
        on_delete=models.CASCADE,
        related_name="escalated_by",
    )
    # Which of the person's keys matched: "phone", "id_number", "policy_number" (complaints.identity).
    matched_on = models.JSONField(_("matched on"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=EscalationLinkStatus.choices, default=EscalationLinkStatus.SUGGESTED
    )
    suggested_at = models.DateTimeField(_("suggested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed or rejected by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("confirmed or rejected at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("outside escalation link")
        verbose_name_plural = _("outside escalation links")
        default_permissions = ("view",)
        ordering = ["earlier__received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "earlier"], name="escalation_link_once"),
            models.CheckConstraint(
                condition=models.Q(status=EscalationLinkStatus.SUGGESTED, decided_at__isnull=True)
                | models.Q(status__in=["confirmed", "rejected"], decided_at__isnull=False),
                name="escalation_link_decided_with_a_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "complaint"], name="escalation_link_status_idx")]

    def __str__(self) -> str:
        return f"{self.complaint_id} ← {self.earlier_id} ({self.status})"
