"""Telling the complainant of every step that changes what they should expect (Art. 20 asks that they be told of
every extension and pause; Art. 21 that the decision names the remedies and the regulator's route).

`notify` is called by the services inside their transaction: it queues an SMS (always) and an email (when an
address was given) in the outbox (portal/messaging), in the language the complainant used, with the texts of
portal/messaging/catalogue.py. The worker delivers them after the commit; a failure is retried and recorded,
never undoes the change.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal.messaging.models import HeldReason, MessageChannel
from portal.messaging.outbox import message_queue

from .deadlines import review_deadline
from .models import Complaint, Remedy
from .review import remedies_offered
from .workflow.review_rules import review_under_way

RECEIVED, ACCEPTED, EXTENDED, PAUSED, DECIDED = "received", "accepted", "extended", "paused", "decided"
RESUMED, RESTARTED, REJECTED, MERGED, WITHDRAWN = "resumed", "restarted", "rejected", "merged", "withdrawn"
REOPENED, REVIEW_OPENED, REVIEW_DECIDED = "reopened", "review_opened", "review_decided"

# Receipts: anyone who types a phone into the complaint form (or asks for a review) makes the portal send one, so
# they count against the daily limit per recipient (portal/messaging/outbox.py); beyond it they are held, and the
# complaint is stored and receipted on screen all the same. Messages a case step sends are never limited.
LIMITED = {RECEIVED: HeldReason.RECEIPTS, REVIEW_OPENED: HeldReason.RECEIPTS}

_muted: ContextVar[bool] = ContextVar("complaint_notifications_muted", default=False)


@contextmanager
def muted():
    """No notifications inside this block (demo data and imported history: nobody is there to be told)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _day(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _remedies(complaint: Complaint) -> str:
    labels = dict(Remedy.choices)
    parts = []
    reviewed = Remedy.REVIEW in complaint.remedies and review_under_way(complaint) is not None
    for code in remedies_offered(complaint):
        if code not in labels or (code == Remedy.REVIEW and reviewed):
            continue  # a review already asked for is not offered again
        label = str(labels[code])
        if code == Remedy.REVIEW and complaint.decided_at:
            # 30 days from the day the complainant received the decision (the day it was made unless recorded).
            delivered = complaint.decision_delivered_on or timezone.localdate(complaint.decided_at)
            until = review_deadline(delivered)
            label = _("%(remedy)s (ask by %(date)s)") % {"remedy": label, "date": _day(until)}
        parts.append(label)
    return pgettext("list separator", ", ").join(parts)


def params(complaint: Complaint, kind: str, **extra) -> dict:
    """The template parameters of message `kind`, in the active language."""
    values = {
        "number": complaint.tracking_number,
        "due": _day(complaint.due_date),
        "received": _day(timezone.localdate(complaint.received_at)),
        "reason": extra.get("reason", ""),
        "day": _day(complaint.ended_on or timezone.localdate()),
        "original": "",
    }
    if complaint.merged_into_id:
        values["original"] = complaint.merged_into.tracking_number
    elif complaint.review_of_id:
        values["original"] = complaint.review_of.tracking_number
    if kind in (DECIDED, REVIEW_DECIDED):
        values["outcome"] = complaint.get_outcome_display()
        values["remedies"] = _remedies(complaint)
    return values


def notify(complaint: Complaint, kind: str, **extra) -> None:
    """Queue message `kind` for the complainant, by SMS and (with an address) by email, in their language."""
    if _muted.get():
        return
    template = f"complaint.{kind}"
    with translation.override(complaint.language):
        values = params(complaint, kind, **extra)
    for channel, recipient in ((MessageChannel.SMS, complaint.phone), (MessageChannel.EMAIL, complaint.email)):
        message_queue(
            channel=channel,
            recipient=recipient,
            language=complaint.language,
            template=template,
            params=values,
            about=complaint,
            reference=complaint.tracking_number,
            limit=LIMITED.get(kind, ""),
        )
