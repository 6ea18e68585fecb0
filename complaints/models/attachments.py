"""Files attached to a complaint, by the complainant or by staff."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .complaint import Complaint


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

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def previewable(self) -> bool:
        """Images and PDFs open in the browser (sandboxed); other files only download."""
        return self.content_type in PREVIEW_TYPES


# The types a browser shows itself, without running anything from the file.
PREVIEW_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})
