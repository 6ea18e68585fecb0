"""Queueing and delivering messages: written with the change, sent by the worker, retried, given up, recorded.

`message_queue` is called inside the transaction of the change that causes the message: the Message row and
the worker's task row commit with the change or not at all, and the web request never waits for a gateway.

Delivery (`message_deliver`, run by the task `deliver_message` below on `db_worker`):
1. claim: in a short transaction, lock the row (another worker skips it), mark it `sending`, count the attempt
   and take a lease (PORTAL_MESSAGE_LEASE_SECONDS); commit;
2. send through the backend with the message's idempotency key;
3. record the answer: `sent` with the provider's id; or `failed` with the next attempt after the back-off
   (PORTAL_MESSAGE_RETRY_DELAYS: 1 min, 5 min, 30 min, 2 h), or, after the last, `given up` and the
   supervisors alerted.
A worker killed between 1 and 3 leaves the row `sending` with a lease that runs out: `run_periodic` (and any
later claim) sends it again under the same key, which the gateway uses to accept it once (the test gateway
does; SMTP receivers see the same Message-ID; Tencent Cloud returns the key in its delivery receipts). A message
is therefore never lost, and not sent twice by a gateway that honours the key.

Limits per recipient (`RECIPIENT_LIMITS`): a message anyone can make the portal send by typing a phone or an address
into a public form (a complaint's receipt, a booking's messages) names its `limit`; when the recipient has already
been sent that many of its kind this Beijing day, the message is still written, with everything it would have said,
but `held` with its reason and never handed to the worker. Messages a case step sends (decision, extension, …)
name no limit and are never held.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.dispatch import Signal
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.beijing import BEIJING, day_start
from portal.profile import current_profile

from . import catalogue
from .models import PENDING_STATUSES, HeldReason, Message, MessageChannel, MessageStatus
from .sms import SMS, SMSFailure, get_backend


def retry_delays() -> list[timedelta]:
    return [timedelta(seconds=seconds) for seconds in settings.PORTAL_MESSAGE_RETRY_DELAYS]


# The daily limits per recipient: a limit's name (a HeldReason) and the setting that holds how many messages of
# that kind one recipient may be sent a Beijing day.
RECIPIENT_LIMITS = {
    HeldReason.RECEIPTS: "PORTAL_DAILY_RECEIPTS_PER_RECIPIENT",
    HeldReason.BOOKINGS: "PORTAL_DAILY_BOOKING_MESSAGES_PER_RECIPIENT",
}


def recipient_limit(limit: str) -> int:
    return int(getattr(settings, RECIPIENT_LIMITS[limit]))


def _lock_recipient(limit: str, recipient: str) -> None:
    """Serialise the count of one recipient's messages of one kind until the caller's transaction ends, so two
    submissions at the same moment cannot both take the last place."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"outbox:{limit}:{recipient.lower()}"])


def sent_today(*, recipient: str, limit: str, now=None) -> int:
    """How many messages counted against `limit` went (or are going) to `recipient` this Beijing day; held ones
    do not count."""
    now = now or timezone.now()
    start = day_start(now.astimezone(BEIJING).date())
    return (
        Message.objects.filter(recipient__iexact=recipient, limit=limit, created_at__gte=start)
        .exclude(status=MessageStatus.HELD)
        .count()
    )


def _held_reason(limit: str, recipient: str, now) -> str:
    """The reason to hold a message counted against `limit` to `recipient` now, or "" to send it. Public limits
    are off with PORTAL_RATE_LIMITS=off (load tests)."""
    if not limit or not settings.PORTAL_RATE_LIMITS:
        return ""
    _lock_recipient(limit, recipient)
    return limit if sent_today(recipient=recipient, limit=limit, now=now) >= recipient_limit(limit) else ""


def message_queue(
    *,
    channel: str,
    recipient: str,
    language: str,
    template: str,
    params: dict,
    about=None,
    reference: str = "",
    recipient_user=None,
    limit: str = "",
) -> Message | None:
    """Write a message to be sent and its delivery task, in the caller's transaction. The text is rendered now,
    in `language`, from the catalogue; an SMS carries the 【signature】 Chinese gateways require. Nothing is
    queued for an empty recipient (no email address given).

    `limit` (a HeldReason) names the daily limit per recipient the message counts against: past it, the message
    is written `held` with that reason and no delivery task (a message a stranger could trigger). Without one it
    is never held."""
    recipient = (recipient or "").strip()
    if not recipient:
        return None
    if limit and limit not in RECIPIENT_LIMITS:
        raise ValueError(f"unknown recipient limit {limit!r}")
    subject, text = catalogue.render(template, params, language)
    if channel == MessageChannel.SMS:
        text = catalogue.signature() + text
    now = timezone.now()
    held = _held_reason(limit, recipient, now)
    message = Message.objects.create(
        content_type=ContentType.objects.get_for_model(about) if about is not None else None,
        object_id=about.pk if about is not None else None,
        reference=reference,
        recipient=recipient,
        recipient_user=recipient_user,
        channel=channel,
        language=language,
        template=template,
        subject=subject[:200],
        text=text,
        params={name: str(params[name]) for name in catalogue.TEMPLATES[template].params},
        created_at=now,
        limit=limit,
        status=MessageStatus.HELD if held else MessageStatus.QUEUED,
        held_reason=held,
        next_attempt_at=None if held else now,
    )
    if not held:
        _enqueue(message.pk)
    return message


def messages_hold(*, about, reason: str) -> int:
    """Hold every message about `about` not yet handed to the gateway (queued, or failed and waiting for its
    retry) with `reason` (a HeldReason): it is never sent, and stays in the outbox as it was written. A message
    being sent at this moment is not stopped. In the caller's transaction; returns how many were held."""
    if reason not in HeldReason.values:
        raise ValueError(f"unknown held reason {reason!r}")
    return (
        Message.objects.about(about)
        .filter(status__in=PENDING_STATUSES)
        .update(status=MessageStatus.HELD, held_reason=reason, next_attempt_at=None, updated_at=timezone.now())
    )


# Sent when a message is given up, with `message`: portal/messaging/alerts.py tells the supervisors (the
# outbox does not import the alerts, which queue their emails here).
message_given_up = Signal()


@task
def deliver_message(message_id: int) -> str | None:
    """One delivery attempt of a queued message, run by the worker (`manage.py db_worker`); its status afterwards."""
    return message_deliver(message_id=message_id)


def _enqueue(message_id: int, run_after=None) -> None:
    task = deliver_message.using(run_after=run_after) if run_after is not None else deliver_message
    task.enqueue(message_id)


def _claim(message_id: int) -> Message | None:
    with transaction.atomic():
        now = timezone.now()
        message = Message.objects.select_for_update(skip_locked=True).due(now).filter(pk=message_id).first()
        if message is None:
            return None
        message.status = MessageStatus.SENDING
        message.attempts += 1
        message.lease_until = now + timedelta(seconds=settings.PORTAL_MESSAGE_LEASE_SECONDS)
        message.save(update_fields=["status", "attempts", "lease_until", "updated_at"])
        return message


def _send(message: Message) -> str:
    if message.channel == MessageChannel.SMS:
        sms = SMS(message.recipient, message.text, message.template, message.params, str(message.key))
        return get_backend().send(sms)
    profile = current_profile()
    with translation.override(message.language):
        body = render_to_string("messaging/email.txt", {"message": message, "profile": profile})
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    message_id = f"<{message.key}@{domain}>"
    EmailMessage(message.subject, body, None, [message.recipient], headers={"Message-ID": message_id}).send()
    return message_id


def message_deliver(*, message_id: int) -> str | None:
    """One attempt at sending message `message_id` if it is due; returns its status afterwards (None when it
    was not due: already sent, being sent by another worker, or waiting for its back-off)."""
    message = _claim(message_id)
    if message is None:
        return None
    try:
        provider_id = _send(message)
    except SMSFailure as error:
        return _failed(message, str(error), retryable=error.retryable)
    except Exception as error:  # a relay or gateway that cannot be reached: try again later
        return _failed(message, f"{type(error).__name__}: {error}", retryable=True)
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING, attempts=message.attempts).update(
            status=MessageStatus.SENT,
            provider_id=str(provider_id)[:100],
            sent_at=timezone.now(),
            lease_until=None,
            last_error="",
            updated_at=timezone.now(),
        )
    return MessageStatus.SENT if updated else None


@transaction.atomic
def _failed(message: Message, reason: str, *, retryable: bool) -> str | None:
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status != MessageStatus.SENDING:
        return None  # the lease ran out and another attempt has taken over
    delays = retry_delays()
    now = timezone.now()
    message.last_error = reason[:300]
    message.lease_until = None
    if retryable and message.attempts <= len(delays):
        message.status = MessageStatus.FAILED
        message.next_attempt_at = now + delays[message.attempts - 1]
        message.save(update_fields=["status", "last_error", "lease_until", "next_attempt_at", "updated_at"])
        _enqueue(message.pk, run_after=message.next_attempt_at)
    else:
        message.status = MessageStatus.GIVEN_UP
        message.next_attempt_at = None
        message.save(update_fields=["status", "last_error", "lease_until", "next_attempt_at", "updated_at"])
        message_given_up.send(sender=Message, message=message)
    return message.status


# A task enqueued for a due message normally runs within seconds; the sweep only takes messages left waiting
# longer than PORTAL_MESSAGE_SWEEP_GRACE_SECONDS (2 minutes: a worker that was down, a task lost with a killed
# worker or a database that failed over while the worker held it).
def sweep_grace() -> timedelta:
    return timedelta(seconds=settings.PORTAL_MESSAGE_SWEEP_GRACE_SECONDS)


@transaction.atomic
def messages_sweep(*, now=None) -> int:
    """Hand to the worker again every message left behind: pending and due for longer than the grace, or being
    sent by a worker whose lease ran out (it died before the gateway answered). Each is enqueued at most once per
    grace period, however often this runs. Returns how many were enqueued."""
    now = now or timezone.now()
    stale = list(
        Message.objects.select_for_update(skip_locked=True).filter(
            status__in=PENDING_STATUSES, next_attempt_at__lte=now - sweep_grace()
        )
    )
    interrupted = list(
        Message.objects.select_for_update(skip_locked=True).filter(status=MessageStatus.SENDING, lease_until__lt=now)
    )
    for message in interrupted:
        message.status = MessageStatus.QUEUED
        message.lease_until = None
        message.last_error = "the sender stopped before the gateway answered; sent again under the same key"
    for message in stale + interrupted:
        message.next_attempt_at = now
        _enqueue(message.pk)
    Message.objects.bulk_update(stale + interrupted, ["status", "lease_until", "last_error", "next_attempt_at"])
    return len(stale) + len(interrupted)
