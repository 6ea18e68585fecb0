"""Files attached to a complaint, by the complainant or by staff, and who may read them.

A file is the complainant's own (`by_complainant`: filed with the complaint, added on the tracking page, or a
letter's enclosures registered by staff), or a staff document. A staff document (an investigation note, an
invoice, a branch's statement) is internal, for staff only, until it is sent to the complainant (`sent_at`): then
the complainant's status page lists it under "Documents we sent you" and they may download it. A document sent
stays sent: the complainant may have read it, so it is never made internal again.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from .complaint import Complaint


class DocumentAudience(models.TextChoices):
    """Who a staff document is for, chosen when it is uploaded (internal unless the uploader says otherwise)."""

    INTERNAL = "internal", _("Internal: for staff only")
    COMPLAINANT = "complainant", _("Send to the complainant")


class AttachmentQuerySet(models.QuerySet):
    def from_complainant(self):
        return self.filter(by_complainant=True)

    def sent_to_complainant(self):
        """Staff documents the complainant has been sent, in the order they were sent."""
        return self.filter(by_complainant=False, sent_at__isnull=False).order_by("sent_at", "id")

    def internal(self):
        """Staff documents for staff only: on no public page, download, feed or message."""
        return self.filter(by_complainant=False, sent_at__isnull=True)


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
    sent_at = models.DateTimeField(
        _("sent to the complainant"),
        null=True,
        blank=True,
        help_text=_("When a staff document was sent to the complainant; empty: internal, for staff only."),
    )

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        constraints = [
            # Only a staff document is "sent": the complainant's own files are theirs already.
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(by_complainant=False), name="attachment_sent_is_staff_document"
            ),
        ]

    def __str__(self):
        return self.original_name

    @property
    def previewable(self) -> bool:
        """Images and PDFs open in the browser (sandboxed); other files only download."""
        return self.content_type in PREVIEW_TYPES

    @property
    def is_internal(self) -> bool:
        return not self.by_complainant and self.sent_at is None

    @property
    def is_sent(self) -> bool:
        return not self.by_complainant and self.sent_at is not None

    @property
    def public_key(self) -> str:
        """The name of a sent document in its public download address: a keyed digest of its id, so that the
        address tells nobody how many files the portal holds, and means nothing without the look-up's cookie."""
        return salted_hmac("complaints.document", str(self.pk), algorithm="sha256").hexdigest()[:24]

    def has_public_key(self, key: str) -> bool:
        return constant_time_compare(self.public_key, key)


# The types a browser shows itself, without running anything from the file.
PREVIEW_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})
