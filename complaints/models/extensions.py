"""Requests to extend a complaint's time limit (Art. 20), waiting for their approver."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .complaint import Complaint
from .vocabulary import ExtensionStatus, _in


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
