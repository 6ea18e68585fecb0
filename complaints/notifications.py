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

from portal.messaging.models import HeldReason, Message, MessageChannel, MessageStatus
from portal.messaging.outbox import message_queue, messages_hold

from .models import Complaint, GroupMember, Remedy
from .review import remedies_offered, review_window_ends
from .workflow.review_rules import review_under_way
from .workflow.timing import decision_date

RECEIVED, ACCEPTED, EXTENDED, PAUSED, DECIDED = "received", "accepted", "extended", "paused", "decided"
RESUMED, RESTARTED, REJECTED, MERGED, WITHDRAWN = "resumed", "restarted", "rejected", "merged", "withdrawn"
REOPENED, REVIEW_OPENED, REVIEW_DECIDED = "reopened", "review_opened", "review_decided"
# A repeat merged before the complainant was told of it (its receipt still in the outbox, now held): one message
# naming the original only.
REPEAT_MERGED = "repeat_merged"
# Resolved on the spot (complaints/workflow/firstcontact.py): one short confirmation instead of the receipt,
# acceptance and decision.
FIRST_CONTACT = "first_contact"
# The messages a group complaint's members get too (one SMS each, complaints/models/groups.py): its decision.
TO_MEMBERS = frozenset({DECIDED, REVIEW_DECIDED, FIRST_CONTACT})

# The messages that state the date of the decision, and their wording when no true date can be given (the limit
# has passed: a letter registered after its limit, an appraisal back after it): "handled with priority", never a
# past date. An extension and a restart always give a date ahead (an extension is refused once the limit has
# passed; a restart starts a new period), so they have no such wording.
PAST_LIMIT = {
    RECEIVED: "received_late",
    ACCEPTED: "accepted_late",
    RESUMED: "resumed_late",
    REVIEW_OPENED: "review_opened_late",
}

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
        until = review_window_ends(complaint) if code == Remedy.REVIEW else None
        if until is not None:
            # The status page's date: 30 days from the day the complainant received the decision.
            label = _("%(remedy)s (ask by %(date)s)") % {"remedy": label, "date": _day(until)}
        parts.append(label)
    return pgettext("list separator", ", ").join(parts)


def params(complaint: Complaint, kind: str, **extra) -> dict:
    """The template parameters of message `kind`, in the active language."""
    values = {
        "number": complaint.tracking_number,
        # The date the record and the status page show (complaints.workflow.timing.decision_date), never a past one.
        "due": _day(decision_date(complaint)),
        "received": _day(timezone.localdate(complaint.received_at)),
        "reason": extra.get("reason", ""),
        "day": _day(complaint.ended_on or timezone.localdate()),
        "original": "",
    }
    if complaint.merged_into_id:
        values["original"] = complaint.merged_into.tracking_number
    elif complaint.review_of_id:
        values["original"] = complaint.review_of.tracking_number
    if kind in (DECIDED, REVIEW_DECIDED, FIRST_CONTACT):
        values["outcome"] = complaint.get_outcome_display()
        values["remedies"] = _remedies(complaint)
    # A step's own values (the mediation body, its outcome), rendered in the complainant's language.
    values.update({name: str(value) for name, value in extra.items() if name not in values})
    return values


def template_for(complaint: Complaint, kind: str) -> str:
    """The catalogue key of message `kind` for `complaint` now: its past-the-limit wording when it would state a
    date and no date ahead can be given."""
    if kind in PAST_LIMIT and decision_date(complaint) is None:
        kind = PAST_LIMIT[kind]
    return f"complaint.{kind}"


def notify(complaint: Complaint, kind: str, **extra) -> None:
    """Queue message `kind` for the complainant, by SMS and (with an address) by email, in their language; a
    decision also to each member of a group complaint by SMS."""
    if _muted.get():
        return
    template = template_for(complaint, kind)
    with translation.override(complaint.language):
        values = params(complaint, kind, **extra)
    recipients = [(MessageChannel.SMS, complaint.phone), (MessageChannel.EMAIL, complaint.email)]
    if kind in TO_MEMBERS:
        # A group complaint's decision reaches every member: one SMS each (the complainant's own phone once).
        members = GroupMember.objects.filter(complaint=complaint).exclude(phone=complaint.phone)
        recipients += [(MessageChannel.SMS, phone) for phone in dict.fromkeys(members.values_list("phone", flat=True))]
    for number, (channel, recipient) in enumerate(recipients):
        message_queue(
            channel=channel,
            recipient=recipient,
            language=complaint.language,
            template=template,
            params=values,
            about=complaint,
            reference=complaint.tracking_number,
            # Only the complainant's own receipts count against the daily limit; members get the decision.
            limit=LIMITED.get(kind, "") if number < 2 else "",
        )


def merged(complaint: Complaint) -> None:
    """A repeat was merged into its original (complaint.merged_into): one message for the call, one number. Its
    own messages not yet handed to the gateway (its receipt, its acceptance) are held, never sent. If the
    complainant was told nothing of the repeat, one message names only the original; if a message about it
    already went, the merge notice names both numbers (they were told the repeat's)."""
    if _muted.get():
        return
    messages_hold(about=complaint, reason=HeldReason.MERGED)
    told = Message.objects.about(complaint).filter(status__in=(MessageStatus.SENT, MessageStatus.SENDING)).exists()
    notify(complaint, MERGED if told else REPEAT_MERGED)
