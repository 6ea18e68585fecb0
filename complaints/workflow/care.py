"""Care for vulnerable complainants, and the one-time list of materials (一次性告知, T/IAC 54-2025).

- Circumstances (`Vulnerability`) and needs (`Need`) come in with the complaint (ticked on the public form, or
  derived: elderly from a resident ID number's birth date, foreign national from a passport or a foreigner's
  card, bereaved from a complaint made as an heir) and are set by staff afterwards (`complaint_set_care`, an
  internal event with the lists before and after).
- A call back asked for is a call-back request in the staff queue (complaints/account: `Callback`), linked to
  the complaint; messages go in the complainant's language as before.
- At the decision, the two data points (`decision_points`): was the complainant vulnerable, did the complaint
  arise from failing to consider it.
- At acceptance, the list of materials kept for the complaint's category and product line is sent once
  (`materials_send`: a public event keeping the list as sent, in both languages, and the message
  `complaint.materials`); anything asked for later is a further request with its reason
  (`complaint_request_further`), counted in the report as `further_requests` (aimed at zero).

Nothing here touches a deadline, a status rule or a right: the flags are read by the queue, the messages and the
reports only."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.actors import is_system_actor

from .. import notifications
from ..account.requests import callback_create
from ..identity import is_elderly
from ..models import (
    Callback,
    CallbackStatus,
    CallbackTime,
    Capacity,
    Complaint,
    IdType,
    MaterialsList,
    Need,
    Vulnerability,
)
from .core import A, WorkflowError, _require, _staff_actor, record_event
from .transitions import _apply, _begin, _transition

# What complaints.services re-exports from this module.
__all__ = [
    "check_materials",
    "complaint_request_further",
    "complaint_set_care",
    "materials_for",
    "materials_list_save",
    "materials_sent",
]

# The messages of the one-time list (portal/messaging/catalogue.py: complaint.materials, complaint.further).
MATERIALS_MESSAGE, FURTHER_MESSAGE = "materials", "further"
# Documents suggesting a foreign national (a passport may be a citizen's: staff untick it then).
FOREIGN_DOCUMENTS = (IdType.PASSPORT, IdType.FOREIGNER)


def _staff_or_system(actor) -> None:
    """Staff (their rights are checked by the step), or the system's account (the demo, imports); never the
    complainant (None) on the public pages."""
    if not is_system_actor(actor):
        _staff_actor(actor)


def ordered(codes, choices) -> list[str]:
    """The codes given, in the vocabulary's order, each once; an unknown code is refused."""
    given = set(codes or ())
    unknown = given - set(choices.values)
    if unknown:
        raise WorkflowError(_("Choose from the list."), code="unknown")
    return [code for code in choices.values if code in given]


def derived_vulnerabilities(complaint: Complaint) -> set[str]:
    """What the record itself suggests: 60 or over on the day received (a resident ID number's birth date), a
    foreign national (a passport or a foreigner's card), bereaved (complaining as an heir)."""
    found = set()
    received = timezone.localdate(complaint.received_at)
    if complaint.id_type in ("", IdType.RESIDENT) and is_elderly(complaint.id_number, received):
        found.add(Vulnerability.ELDERLY)
    if complaint.id_type in FOREIGN_DOCUMENTS:
        found.add(Vulnerability.FOREIGN_NATIONAL)
    if complaint.capacity == Capacity.HEIR:
        found.add(Vulnerability.BEREAVED)
    return found


def care_on_intake(complaint: Complaint) -> None:
    """Before a new complaint is saved: its circumstances as given, with those its record suggests."""
    complaint.vulnerabilities = ordered(
        set(complaint.vulnerabilities or ()) | derived_vulnerabilities(complaint), Vulnerability
    )
    complaint.needs = ordered(complaint.needs, Need)


def care_after_intake(complaint: Complaint) -> None:
    """After a new complaint is saved: a call back asked for waits in the staff queue."""
    if Need.CALL_BACK in complaint.needs:
        _ask_call_back(complaint)


def _ask_call_back(complaint: Complaint) -> Callback | None:
    """A call-back request for the complaint (one waiting at a time), in the queue of those who call back."""
    if complaint.callbacks.filter(status=CallbackStatus.WAITING).exists():
        return None
    callback = callback_create(
        name=complaint.name[:60],
        phone=complaint.phone,
        preferred_time=CallbackTime.ANY,
        language=complaint.language,
        topic=complaint.tracking_number,
    )
    Callback.objects.filter(pk=callback.pk).update(complaint=complaint)
    return callback


@transaction.atomic
def complaint_set_care(*, complaint: Complaint, actor, vulnerabilities, needs, note: str = "") -> Complaint:
    """Staff record the complainant's circumstances and the help they asked for (at any step; an internal event
    keeps the lists before and after). A call back newly asked for is queued."""
    _staff_or_system(actor)
    after = {"vulnerabilities": ordered(vulnerabilities, Vulnerability), "needs": ordered(needs, Need)}
    current = _begin(complaint, A.CARE, actor=actor)
    before = {"vulnerabilities": list(current.vulnerabilities or []), "needs": list(current.needs or [])}
    if before == after:
        raise WorkflowError(_("Nothing has changed: tick or untick a circumstance or a help."), code="unchanged")
    complaint = _apply(
        current,
        A.CARE,
        actor=actor,
        note=(note or "").strip(),
        public=False,
        data={**after, "before": before},
        fields=after,
    )
    if Need.CALL_BACK in after["needs"] and Need.CALL_BACK not in before["needs"]:
        _ask_call_back(complaint)
    return complaint


def decision_points(vulnerable: bool | None, cause: bool | None) -> dict:
    """The decision's two data points as the complaint's fields; a cause needs a vulnerable complainant."""
    if cause and not vulnerable:
        raise WorkflowError(
            _("A complaint can arise from failing to consider a vulnerability only if the complainant was vulnerable."),
            code="vulnerability_cause",
        )
    return {"vulnerable_at_decision": vulnerable, "vulnerability_cause": cause}


def materials_for(category: str, product_line: str = "") -> MaterialsList | None:
    """The list kept for a category and product line, else the category's list for every product line."""
    kept = {item.product_line: item for item in MaterialsList.objects.filter(category=category)}
    return kept.get(product_line or "") or kept.get("")


def materials_send(complaint: Complaint, *, actor) -> bool:
    """Send the list of materials once (the caller holds the complaint's lock): a public event keeping the list
    as sent, in both languages, and a message to the complainant. Nothing when one was sent or none is kept, nor
    for a review (it re-examines a decision: the materials were listed for the original)."""
    if complaint.review_of_id or complaint.events.filter(action=A.MATERIALS).exists():
        return False
    kept = materials_for(complaint.category, complaint.product_line)
    if kept is None:
        return False
    record_event(
        complaint,
        A.MATERIALS,
        actor=actor,
        public=True,
        data={"list": kept.pk, "zh-hans": kept.items("zh-hans"), "en": kept.items("en")},
    )
    notifications.notify(complaint, MATERIALS_MESSAGE)
    return True


def materials_sent(complaint: Complaint) -> list[str] | None:
    """The list sent at acceptance, in the complainant's language (the status page), or None."""
    event = complaint.events.filter(action=A.MATERIALS).order_by("at", "id").first()
    if event is None:
        return None
    return event.data.get(complaint.language) or event.data.get("zh-hans") or []


@transaction.atomic
def complaint_request_further(*, complaint: Complaint, actor, what: str, reason: str) -> Complaint:
    """Ask for something that was not on the list sent at acceptance: what (shown to the complainant and sent to
    them) and why it was not on the list (kept for the report's count of further requests)."""
    _staff_or_system(actor)
    what = _require(what, _("Say what else the complainant must provide."))
    reason = _require(reason, _("Say why this was not on the list sent at acceptance."))
    complaint = _transition(complaint, A.FURTHER_REQUEST, actor=actor, note=what, public=True, data={"reason": reason})
    notifications.notify(complaint, FURTHER_MESSAGE, reason=what)
    return complaint


def check_materials(materials: MaterialsList) -> tuple[str, str]:
    """Both languages, one item a line, the same number of items in each: the texts as kept (blank lines and
    spaces at the ends dropped), or a WorkflowError saying what is wrong."""
    chinese, english = materials.items("zh-hans"), materials.items("en")
    if not chinese or not english:
        raise WorkflowError(_("List the materials in both languages, one item a line."), code="items")
    if len(chinese) != len(english):
        raise WorkflowError(
            _("The Chinese and the English lists must have the same items (%(zh)d and %(en)d lines now)."),
            code="items",
            params={"zh": len(chinese), "en": len(english)},
        )
    return "\n".join(chinese), "\n".join(english)


@transaction.atomic
def materials_list_save(*, actor, materials: MaterialsList) -> MaterialsList:
    """A supervisor keeps a category's list (its history records who changed what): both languages, one item a
    line, the same number of items in each."""
    permission = "complaints.change_materialslist" if materials.pk else "complaints.add_materialslist"
    if not (is_system_actor(actor) or (actor is not None and actor.has_perm(permission))):
        raise PermissionDenied(_("You do not have permission to do this."))
    materials.items_zh, materials.items_en = check_materials(materials)
    materials.updated_by = actor
    materials.full_clean()
    materials.save()
    return materials
