"""The outbox (every message to a complainant or a visitor, as sent) and the staff inbox.

A Message row is written in the transaction of the change that causes it and changed afterwards only by the
delivery (outbox.py): its status, attempts, provider's id and times. What it said stays as it was queued, so the
record shows what the complainant was told. A message names what it is about (a complaint, a booking) by content
type and id: this package knows no app's models.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.privacy import mask_email, mask_phone


class MessageChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", pgettext_lazy("message channel", "Email")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Delivered to the gateway")
    FAILED = "failed", _("Failed, will be retried")
    GIVEN_UP = "given_up", _("Given up")
    HELD = "held", _("Held, not sent")


class HeldReason(models.TextChoices):
    """Why a message was held instead of sent: a message anyone can make the portal send, to a recipient who had
    already been sent the day's limit of its kind (outbox.RECIPIENT_LIMITS); or a message cancelled before it
    went because another replaces it."""

    RECEIPTS = "receipts", _("Daily limit of complaint receipts to this recipient reached")
    BOOKINGS = "bookings", _("Daily limit of booking messages to this recipient reached")
    # Held after it was queued (outbox.messages_hold): what it is about ended before it went, and another message
    # tells the recipient instead (a repeat complaint merged into its original).
    MERGED = "merged", _("Cancelled: the complaint was merged into the original, whose message replaces it")


# Waiting for delivery: the worker picks these up when their next attempt is due.
PENDING_STATUSES = (MessageStatus.QUEUED, MessageStatus.FAILED)


class MessageQuerySet(models.QuerySet):
    def about(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def told(self):
        """The messages the recipient may be shown as sent to them (or on their way): not those held after they
        were queued because another replaced them (HeldReason.MERGED), which never went."""
        return self.exclude(held_reason=HeldReason.MERGED)

    def due(self, now):
        """Pending messages whose attempt is due, and messages whose sender died before it answered (its lease
        ran out): both are sent (again) under the same idempotency key."""
        return self.filter(
            Q(status__in=PENDING_STATUSES, next_attempt_at__lte=now)
            | Q(status=MessageStatus.SENDING, lease_until__lt=now)
        )


class Message(models.Model):
    key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True, editable=False)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    reference = models.CharField(_("about"), max_length=40, blank=True, help_text=_("Tracking or booking number."))
    recipient = models.CharField(_("recipient"), max_length=254)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, null=True, blank=True
    )
    channel = models.CharField(pgettext_lazy("message", "channel"), max_length=8, choices=MessageChannel.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    template = models.CharField(_("template"), max_length=64)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    params = models.JSONField(_("template parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    limit = models.CharField(
        _("counted against"),
        max_length=16,
        blank=True,
        editable=False,
        help_text=_("The daily limit per recipient this message counts against, if any."),
    )
    held_reason = models.CharField(_("why held"), max_length=16, choices=HeldReason.choices, blank=True)
    provider_id = models.CharField(_("provider's id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("queued at"))
    sent_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MessageStatus.values), name="message_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=MessageChannel.values), name="message_channel_valid"),
            # A held message says why; no other message has a reason to be held.
            models.CheckConstraint(
                condition=Q(status=MessageStatus.HELD, held_reason__in=HeldReason.values)
                | (~Q(status=MessageStatus.HELD) & Q(held_reason="")),
                name="message_held_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_pending_idx"),
            models.Index(fields=["content_type", "object_id", "created_at"], name="message_about_idx"),
            models.Index(fields=["limit", "created_at"], name="message_limit_day_idx"),
        ]

    def __str__(self):
        return f"{self.template} → {self.masked_recipient}"

    @property
    def masked_recipient(self) -> str:
        return mask_phone(self.recipient) if self.channel == MessageChannel.SMS else mask_email(self.recipient)


class StaffAlert(models.Model):
    """A line in a staff member's inbox: what happened, about which case, read or not. Written once per `key`
    (a periodic runner that runs again alerts nobody twice)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="alerts"
    )
    key = models.CharField(max_length=120, editable=False)
    template = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(default=dict, blank=True)
    reference = models.CharField(_("about"), max_length=40, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff alert")
        verbose_name_plural = _("inbox")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="staffalert_once_per_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="staffalert_unread_idx")]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        from .catalogue import render_alert

        return render_alert(self.template, self.params)
