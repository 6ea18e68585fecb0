"""The record itself: corrections of facts recorded wrongly, complaints recorded closed from an import, legal holds
and reclassification.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.display import person_name
from portal.models import PROVINCES, Branch
from portal.phones import normalize_phone
from portal.privacy import mask_name, mask_phone

from .. import people
from ..models import (
    BusinessChannel,
    Category,
    Complaint,
    Outcome,
    ProductLine,
    Remedy,
)
from .core import (
    A,
    S,
    WorkflowError,
    _check_actor,
    _check_conflict,
    _locked,
    _staff_actor,
    acts_unchecked,
    record_event,
    recording_history,
)
from .escalations import suggest_outside_escalations
from .intake import IMPORT_PERMISSION
from .steps import _root_cause
from .transitions import (
    _apply,
    _begin,
    _transition,
)

# What complaints.services re-exports from this module.
__all__ = [
    "RECLASSIFIABLE_FIELDS",
    "complaint_correct",
    "complaint_reclassify",
    "complaint_record_closed",
    "complaint_set_legal_hold",
]

# What a correction may change, and how each value appears in the event (personal data masked: the event log
# is read by more people than may see the complainant's data in full).
CORRECTABLE_FIELDS = {
    "name": mask_name,
    "phone": mask_phone,
    "channel": str,
    "business_channel": str,
    "category": str,
    "province": str,
    "description": None,  # the complainant's own words: the event says it changed, not what it said
}
CORRECTION_PERMISSION = IMPORT_PERMISSION


def _refuse_unknown(changes: dict, allowed, message) -> None:
    """Refuse `changes` naming any field not in `allowed`; `message` names the refused fields as %(fields)s."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise WorkflowError(message, code="field", params={"fields": ", ".join(sorted(unknown))})


@transaction.atomic
def complaint_correct(*, complaint: Complaint, actor, changes: dict, note: str = "") -> Complaint:
    """Correct facts recorded wrongly (a later list from the regulator, a mistyped name or phone). Only the
    fields in CORRECTABLE_FIELDS; the status and the clock are untouched. The event names every changed field
    with its value before and after, personal values masked. Allowed to the system (its account, or None: an
    import run by an operator), to whoever may import complaints, and to the complaint's handler."""
    complaint = _locked(complaint)
    _check_conflict(actor, complaint)
    if not acts_unchecked(actor) and not actor.has_perm(CORRECTION_PERMISSION):
        _check_actor(actor, complaint, A.CORRECT)
    _refuse_unknown(changes, CORRECTABLE_FIELDS, _("These fields cannot be corrected: %(fields)s."))
    if "phone" in changes:
        changes = {**changes, "phone": normalize_phone(changes["phone"])}
    changed = {name: value for name, value in changes.items() if getattr(complaint, name) != value}
    if not changed:
        return complaint
    lines = [note.strip()] if note.strip() else []
    for name, value in changed.items():
        show = CORRECTABLE_FIELDS[name]
        lines.append(f"{name}: {show(getattr(complaint, name))} → {show(value)}" if show else name)
        setattr(complaint, name, value)
    complaint.full_clean(
        exclude=["tracking_number", "idempotency_key"], validate_unique=False, validate_constraints=False
    )
    record_event(
        complaint,
        A.CORRECT,
        actor=actor,
        note="\n".join(lines),
        data={"fields": sorted(changed)},
    )
    complaint.save()
    if "phone" in changed:
        # A corrected phone may name a person who complained to us directly before (outside escalation).
        suggest_outside_escalations(complaint)
    return complaint


@transaction.atomic
def complaint_record_closed(
    *, complaint: Complaint, actor, closed_at: datetime, outcome: str = "", note: str
) -> Complaint:
    """A complaint decided and closed elsewhere, as its record says (an imported list): accepted, decided and
    closed through the workflow's transitions, each an event, as of the record's closing moment
    (recording_history): the rules are judged on that day, so a complaint closed after its limit is late in the
    reports exactly as one worked in the portal, and one closed in time is not. The events keep the moment they
    were recorded beside the day they happened, and their note says where the record came from. The outcome is
    stored as recorded, blank when the record gives none. For the system (its account, or None) and for
    whoever may import complaints."""
    if not acts_unchecked(actor) and not actor.has_perm(CORRECTION_PERMISSION):
        raise PermissionDenied(_("You do not have permission to do this."))
    _check_conflict(actor, complaint)
    if outcome and outcome not in Outcome.values:
        raise WorkflowError(_("Choose the outcome."), code="outcome")
    closed_on = timezone.localdate(closed_at)
    decision = _("Closed on %(date)s according to the imported record.") % {"date": closed_on.isoformat()}
    with recording_history(closed_at):
        if _locked(complaint).status == S.RECEIVED:
            complaint = _transition(complaint, A.ACCEPT, actor=actor, note=note, public=False, checked=True)
        complaint = _transition(
            complaint,
            A.DECIDE,
            actor=actor,
            note=note,
            public=False,
            data={"decided_on": closed_on.isoformat()},
            fields={
                "decision": decision,
                "outcome": outcome,
                "remedies": Remedy.values,
                "decided_at": closed_at,
                "decision_delivered_on": closed_on,
            },
            checked=True,
        )
        return _transition(
            complaint,
            A.CLOSE,
            actor=actor,
            note=note,
            public=False,
            fields={
                "cause": _root_cause("other"),
                "root_cause": note,
                "responsible_unit": str(_("As recorded in the source")),
                "ended_on": closed_on,
            },
            checked=True,
        )


LEGAL_HOLD_PERMISSION = "complaints.set_legal_hold"


@transaction.atomic
def complaint_set_legal_hold(*, complaint: Complaint, actor, hold: bool, reason: str = "") -> Complaint:
    """Place a complaint on legal hold (litigation, a regulator's inquiry) or lift it. While on hold the
    complaint keeps its personal data past the retention period (compliance/retention.py). Only staff with the
    legal-hold permission; the event names who and why."""
    if actor is None or not actor.has_perm(LEGAL_HOLD_PERMISSION):
        raise PermissionDenied(_("You do not have permission to do this."))
    complaint = _locked(complaint)
    _check_conflict(actor, complaint)
    if complaint.legal_hold == hold:
        return complaint
    complaint.legal_hold = hold
    complaint.save(update_fields=["legal_hold", "updated_at"])
    record_event(complaint, A.LEGAL_HOLD, actor=actor, note=reason.strip(), data={"hold": hold})
    return complaint


# What a reclassification may change: the complaint's classification for the statistics and its routing.
RECLASSIFIABLE_FIELDS = ("category", "business_channel", "product_line", "branch", "province", "named_employee")
_CODED_FIELDS = {
    "category": (Category.values, False),
    "business_channel": (BusinessChannel.values, True),
    "product_line": (ProductLine.values, True),
    "province": (PROVINCES, True),
}


def _checked_value(complaint: Complaint, name: str, value):
    """A reclassification's new value, refused with the field's name when it is not one of its choices."""
    field = Complaint._meta.get_field(name)
    if name in _CODED_FIELDS:
        allowed, may_be_empty = _CODED_FIELDS[name]
        value = "" if value is None else str(value)
        if value in allowed or (may_be_empty and value == ""):
            return value
    elif name == "branch":
        if value is None or isinstance(value, Branch):
            return value
    elif name == "named_employee":
        if value is None:
            return value
        if getattr(value, "is_staff", False):
            if value.pk == complaint.handler_id:
                raise WorkflowError(
                    _("%(name)s handles this complaint: assign it to someone else before naming them."),
                    code="named_handler",
                    params={"name": person_name(value)},
                )
            return value
    raise WorkflowError(
        _("“%(value)s” is not a valid %(field)s."), code="invalid", params={"value": value, "field": field.verbose_name}
    )


def _check_employee(user, branch) -> None:
    """The employee named must be one of the complaint's branch's or head office's staff (complaints.people)."""
    if not people.may_be_named(user, branch):
        raise WorkflowError(
            _("%(name)s is not a member of staff of this complaint's branch or of head office."),
            code="named_employee",
            params={"name": person_name(user)},
        )


def _kept(name: str, value) -> str:
    """How a value is kept in the event: a code for coded fields, the name of a branch or a member of staff."""
    if name == "branch":
        return value.name if value is not None else ""
    if name == "named_employee":
        return value.get_username() if value is not None else ""
    return value or ""


@transaction.atomic
def complaint_reclassify(*, complaint: Complaint, actor, changes: dict, note: str = "") -> Complaint:
    """Correct how a complaint is classified and routed while it is worked: its category, business channel,
    product line, branch, province and the employee it is about (RECLASSIFIABLE_FIELDS). Whoever may act on
    the complaint (its handler, a supervisor), at any step; the status and the clock are untouched. A value
    that is not a choice of its field, or a change that changes nothing, is refused. The event keeps each
    changed field's value before and after (codes and names; the history shows their labels), never public.
    A complaint given a branch is from then on that branch's: its reports, exports and lists by branch."""
    _staff_actor(actor)
    _refuse_unknown(changes, RECLASSIFIABLE_FIELDS, _("These fields cannot be reclassified: %(fields)s."))
    current = _begin(complaint, A.RECLASSIFY, actor=actor)
    values = {name: _checked_value(current, name, value) for name, value in changes.items()}
    named = values.get("named_employee")
    if named is not None and named.pk != current.named_employee_id:
        _check_employee(named, values.get("branch", current.branch))
    changed = {name: value for name, value in values.items() if getattr(current, name) != value}
    if not changed:
        raise WorkflowError(_("Nothing changes: the values chosen are the ones recorded."), code="unchanged")
    record = {
        name: [_kept(name, getattr(current, name)), _kept(name, value)]
        for name, value in sorted(changed.items(), key=lambda item: RECLASSIFIABLE_FIELDS.index(item[0]))
    }
    if "named_employee" in changed:
        current._conflicted_ids = None
    return _apply(
        current,
        A.RECLASSIFY,
        actor=actor,
        note=(note or "").strip(),
        public=False,
        data={"changes": record},
        fields=changed,
    )
