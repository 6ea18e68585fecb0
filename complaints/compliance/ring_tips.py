"""Tips passed on about a ring (线索移送): the one service that records one, for supervisors and compliance
officers only (complaints.add_ringtip). It writes the tip and an internal event on each of the ring's complaints,
and changes nothing else on them: a flagged complaint keeps its deadlines and every right."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Complaint, EventAction
from ..workflow.core import record_event
from .models import RingTip

PERMISSION = "complaints.add_ringtip"
VIEW_PERMISSION = "complaints.view_ringtip"


@transaction.atomic
def ring_tip_record(
    *,
    actor,
    ring_key: str,
    complaint_ids,
    recipient: str,
    sent_on: date,
    reference: str,
    note: str = "",
) -> RingTip:
    """Record that the ring `ring_key` (its complaints `complaint_ids`) was passed to `recipient` on `sent_on`
    under `reference`. Refused without the permission; a day in the future, an unknown recipient, an empty
    reference or no complaint are refused with the reason."""
    if actor is None or not actor.is_active or not actor.has_perm(PERMISSION):
        raise PermissionDenied(_("You do not have permission to do this."))
    reference = (reference or "").strip()
    problems = {}
    if recipient not in RingTip.Recipient.values:
        problems["recipient"] = _("Choose whom the tip was passed to.")
    if not reference:
        problems["reference"] = _("Give the reference of the letter or the case the tip was passed under.")
    if sent_on > timezone.localdate():
        problems["sent_on"] = _("The day a tip was passed on cannot be in the future.")
    complaints = list(Complaint.objects.select_for_update().filter(pk__in=list(complaint_ids)).order_by("pk"))
    if not complaints:
        problems["complaints"] = _("A tip concerns at least one complaint.")
    if problems:
        raise ValidationError(problems)
    tip = RingTip.objects.create(
        ring_key=ring_key,
        recipient=recipient,
        sent_on=sent_on,
        reference=reference,
        note=(note or "").strip(),
        recorded_by=actor,
    )
    tip.complaints.set(complaints)
    for complaint in complaints:
        record_event(
            complaint,
            EventAction.RING_TIP,
            actor=actor,
            note=_("Passed to %(recipient)s under %(reference)s.")
            % {"recipient": tip.get_recipient_display(), "reference": reference},
            data={"ring": ring_key, "recipient": recipient, "reference": reference, "sent_on": sent_on.isoformat()},
            happened_on=sent_on,
        )
    return tip
