"""Telling the complainant: on receipt, acceptance, extension, pause and decision (Art. 20 asks that the
complainant be told of every extension and pause).

Messages are sent only after the transaction that caused them commits, in the language the complainant used,
by email when an address was given and by SMS (portal.sms) always. A failure to send never undoes the change.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from portal.profile import current_profile
from portal.sms import send_sms

from .models import Complaint

logger = logging.getLogger(__name__)

RECEIVED, ACCEPTED, EXTENDED, PAUSED, DECIDED = "received", "accepted", "extended", "paused", "decided"


_muted: ContextVar[bool] = ContextVar("complaint_notifications_muted", default=False)


@contextmanager
def muted():
    """No notifications inside this block (demo data: nobody is there to be told)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def schedule(complaint, kind: str, **extra) -> None:
    if _muted.get():
        return
    pk = complaint.pk
    transaction.on_commit(lambda: send(pk, kind, **extra))


def _day(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def message(complaint, kind: str, **extra) -> tuple[str, str]:
    """(subject, text) of a notification, in the active language."""
    number = complaint.tracking_number
    due = _day(complaint.due_date)
    if kind == RECEIVED:
        subject = _("Complaint %(number)s received") % {"number": number}
        text = _(
            "We received your complaint on %(received)s. Its tracking number is %(number)s. "
            "We will decide and tell you by %(due)s."
        ) % {"received": _day(timezone.localdate(complaint.received_at)), "number": number, "due": due}
    elif kind == ACCEPTED:
        subject = _("Complaint %(number)s accepted") % {"number": number}
        text = _("Your complaint %(number)s has been accepted and is being handled. We will tell you by %(due)s.") % {
            "number": number,
            "due": due,
        }
    elif kind == EXTENDED:
        subject = _("Complaint %(number)s: more time needed") % {"number": number}
        text = _("We need more time to handle your complaint %(number)s. Reason: %(reason)s. New date: %(due)s.") % {
            "number": number,
            "reason": extra.get("reason", ""),
            "due": due,
        }
    elif kind == PAUSED:
        subject = _("Complaint %(number)s: waiting for an appraisal") % {"number": number}
        text = _(
            "Your complaint %(number)s waits for an outside appraisal: %(reason)s. "
            "The time this takes is not counted; we will tell you the new date when it is back."
        ) % {"number": number, "reason": extra.get("reason", "")}
    elif kind == DECIDED:
        subject = _("Complaint %(number)s: our decision") % {"number": number}
        text = _(
            "We have decided on your complaint %(number)s. See the decision and what you can do if you disagree "
            "under “Track a complaint” on our website."
        ) % {"number": number}
    else:
        raise ValueError(kind)
    return subject, text


def send(pk: int, kind: str, **extra) -> None:
    complaint = Complaint.objects.filter(pk=pk).first()
    if complaint is None:
        return
    with translation.override(complaint.language):
        subject, text = message(complaint, kind, **extra)
        profile = current_profile()
        sms_text = f"【{profile.short_name}】{text}" if profile.short_name else text
        if complaint.email:
            body = render_to_string(
                "complaints/email/notification.txt", {"complaint": complaint, "text": text, "profile": profile}
            )
            try:
                send_mail(subject, body, None, [complaint.email])
            except Exception:  # the change is committed; a mail relay failure is logged, not raised
                logger.exception("Notification email for complaint %s failed", pk)
        send_sms(complaint.phone, sms_text)
