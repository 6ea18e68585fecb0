"""Asking the complainant afterwards (回访): one invitation per decided complaint, answered once.

The invitation is a link sent by SMS the day after the decision reached the complainant, valid for 60 days
(`FEEDBACK_VALID_DAYS`); only a keyed hash of its token is kept, so the table opens nothing by itself. Staff may
instead record a score given on the telephone. A score of 1 or 2 alerts the supervisors
(complaints/satisfaction.py).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

FEEDBACK_VALID_DAYS = 60
LOW_SCORE = 2  # a score of this or less alerts the supervisors and offers a review or mediation


class FeedbackChannel(models.TextChoices):
    LINK = "link", _("Link sent by SMS")
    PHONE = "phone", _("Telephone call by staff")
    ACCOUNT = "account", _("Signed-in account")


class Feedback(models.Model):
    complaint = models.OneToOneField(
        "complaints.Complaint", verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="feedback"
    )
    channel = models.CharField(pgettext_lazy("feedback", "how asked"), max_length=8, choices=FeedbackChannel.choices)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    invited_at = models.DateTimeField(_("asked on"))
    valid_until = models.DateField(_("link valid until"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(
        pgettext_lazy("feedback", "score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(pgettext_lazy("feedback", "comment"), blank=True)
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("satisfaction response")
        verbose_name_plural = _("satisfaction responses")
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5), name="feedback_score_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True, answered_at__isnull=True)
                | Q(score__isnull=False, answered_at__isnull=False),
                name="feedback_answered_with_a_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.score or '—'}"

    @property
    def answered(self) -> bool:
        return self.score is not None
