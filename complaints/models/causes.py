"""Root causes (溯源整改) and the remediation items that follow from them: closing a complaint names a cause,
and a cause may call for fixes, each with an owner and a due date."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RootCause(models.Model):
    """A code of the root-cause list (溯源整改): closing a complaint names one. The list is kept in the admin,
    in both languages; codes that are no longer used are made inactive, never deleted (complaints keep them)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("root cause code")
        verbose_name_plural = _("root cause codes")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class RemediationQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(status=RemediationItem.Status.OPEN)

    def overdue(self, today):
        return self.unfinished().filter(due_date__lt=today)


class RemediationItem(models.Model):
    """One fix that follows from a complaint's root cause (整改事项): who does it by when, and how it ended.
    Written only through complaints.compliance.remediation; each change leaves a complaint event."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("remediation", "Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    # An item belongs to one complaint or to one systemic issue (complaints/compliance/systemic.py), never both.
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="remediation_items",
        null=True,
        blank=True,
    )
    issue = models.ForeignKey(
        "complaints.SystemicIssue",
        verbose_name=_("systemic issue"),
        on_delete=models.PROTECT,
        related_name="remediation_items",
        null=True,
        blank=True,
    )
    action = models.TextField(_("what is to be fixed"), max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closing_note = models.TextField(_("closing note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = RemediationQuerySet.as_manager()

    class Meta:
        verbose_name = _("remediation item")
        verbose_name_plural = _("remediation items")
        ordering = ["status", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "done", "dropped"]), name="remediationitem_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(complaint__isnull=False, issue__isnull=True)
                | models.Q(complaint__isnull=True, issue__isnull=False),
                name="remediationitem_complaint_or_issue",
            ),
        ]

    def __str__(self):
        # Named by its own words (what is to be fixed), never by a row id.
        action = " ".join(self.action.split())
        return action if len(action) <= 40 else action[:39] + "…"
