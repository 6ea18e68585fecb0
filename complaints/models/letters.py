"""Decision-letter templates kept by supervisors."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..placeholders import check_hints, check_placeholders
from .vocabulary import LANGUAGE_CHOICES, Outcome, _in


class LetterTemplate(models.Model):
    """A decision letter's wording kept by supervisors: the decide form starts from one, filled with the case's
    facts. Placeholders are names in braces from complaints.placeholders.PLACEHOLDERS ({tracking_number}, {name},
    ...), checked when the template is saved; they are substituted as plain text (never a template engine). Hints
    for the handler are written [[like this]]; a decision or a letter that still holds one is refused. A decision
    whose outcome is not the template's (when it names one) needs a reason."""

    name = models.CharField(_("template name"), max_length=100)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="zh-hans")
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        choices=Outcome.choices,
        blank=True,
        help_text=_(
            "The outcome this wording suits; empty for any. A decision written from it with another outcome "
            "needs a reason, kept in the history."
        ),
    )
    body = models.TextField(
        _("text"),
        max_length=10000,
        help_text=_(
            "The decision as told to the complainant. Placeholders in braces are filled with the case's facts: "
            "{tracking_number}, {name}, {received_date}, {due_date}, {decision_date}, {decision}, {remedies}, "
            "{regulator_route}, {insurer}, {today}. Write what the handler must replace with the case's own facts "
            "as a hint in double square brackets: [[state the facts found and the policy terms relied on]]. A "
            "decision or a letter that still holds a hint is refused."
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
        check_hints(self.body)
