"""Taking a step: lock the complaint, record lateness, check the action against TRANSITIONS and the actor, then
apply it (fields, status, event, due date); and what the workflow allows now.
"""

from datetime import date

from django.utils.translation import gettext_lazy as _

from ..deadlines import (
    CLOCK_ACTIONS,
    MAX_EXTENSIONS,
)
from ..models import (
    FORWARDED_SOURCES,
    Complaint,
)
from .core import (
    _WORKING,
    ACTION_LABELS,
    TRANSITIONS,
    A,
    WorkflowError,
    _check_actor,
    _locked,
    may_act,
    record_event,
)
from .review_rules import review_eligibility
from .timing import (
    _lapse_requests,
    _limit_passed,
    _limit_passed_error,
    _mark_late,
    _pending_request,
    _refresh_deadline,
)

# What complaints.services re-exports from this module.
__all__ = [
    "allowed_actions",
    "can_act",
    "why_not_now",
]

# A review is the complainant's request that the superior unit re-examine a decision: it is never a repeat.
REVIEW_NOT_MERGED = _(
    "A review is not a repeat complaint: it is decided on its own, never merged into another complaint."
)


def allowed_actions(complaint: Complaint) -> list[str]:
    """The actions the workflow allows now (before permissions). An extension is bounded by the count, needs
    no other request waiting, and, like a pause, must come before the time limit ends (Art. 20); only a
    forwarded complaint is reported back to the regulator, once; a review is never merged; a review is asked once
    per decision, within its window (review_eligibility)."""
    return [action for action in TRANSITIONS if why_not_now(complaint, action) is None]


def why_not_now(complaint: Complaint, action: str):
    """Why the workflow does not allow `action` now (a translated sentence for the person who tried it), or
    None when it does. The one rule of allowed_actions."""
    sources, _to = TRANSITIONS[action]
    if complaint.status not in sources:
        return _("“%(action)s” is not possible while the complaint is “%(status)s”.") % {
            "action": ACTION_LABELS.get(action, action),
            "status": complaint.get_status_display(),
        }
    if action in (A.REQUEST_EXTENSION, A.EXTEND) and complaint.extensions >= MAX_EXTENSIONS:
        return _("The time limit has already been extended twice; no further extension is possible.")
    if action == A.REQUEST_EXTENSION and complaint.review_of_id:
        return _("The time limit of a review cannot be extended.")
    if action in (A.REQUEST_EXTENSION, A.PAUSE) and _limit_passed(complaint):
        return _limit_passed_error(complaint).messages[0]
    if action == A.REQUEST_EXTENSION and _pending_request(complaint) is not None:
        return _("An extension request is already waiting for approval.")
    if action == A.MERGE and complaint.review_of_id:
        return REVIEW_NOT_MERGED
    if action == A.REQUEST_REVIEW:
        refusal = review_eligibility(complaint).refusal
        if refusal is not None:
            return refusal.messages[0]
    if action == A.REPORT_BACK and complaint.source not in FORWARDED_SOURCES:
        return _("Only a complaint forwarded by the regulator or transferred by the platform is reported back.")
    if action == A.SEND_DOCUMENTS and not complaint.attachments.internal().exists():
        return _(
            "There is no internal staff document to send; upload one first, or choose “Send to the complainant” "
            "when you do."
        )
    if action == A.REPORT_BACK and complaint.reported_back_on:
        return _("The report-back has already been recorded.")
    return None


def can_act(user, complaint: Complaint, action: str) -> bool:
    """Whether `user` may take `action` on `complaint` now (status, permission, conflict of interest). The
    workflow's check is that action's alone (why_not_now), not every action's: a record asks this of each of its
    steps, and asking allowed_actions each time made the page's checks grow with the square of the steps."""
    return action in TRANSITIONS and why_not_now(complaint, action) is None and may_act(user, complaint, action)


def _begin(complaint: Complaint, action: str, *, actor, checked: bool = False) -> Complaint:
    """Lock the complaint, record that it is late if its limit has passed (a step recorded after the limit comes
    after it), and check `action` against TRANSITIONS and, unless already done, the actor's rights."""
    complaint = _locked(complaint)
    _mark_late(complaint)
    sources, _target = TRANSITIONS[action]
    if complaint.status not in sources:
        raise WorkflowError(
            _("“%(action)s” is not possible while the complaint is “%(status)s”."),
            code="illegal_transition",
            params={"action": ACTION_LABELS[action], "status": complaint.get_status_display()},
        )
    if not checked:
        _check_actor(actor, complaint, action)
    return complaint


def _apply(
    complaint: Complaint,
    action: str,
    *,
    actor,
    note: str = "",
    public: bool = True,
    data: dict | None = None,
    fields: dict | None = None,
    happened_on: date | None = None,
) -> Complaint:
    """Apply a checked action to a locked complaint: its fields and status, the event, the due date, lateness."""
    _sources, target = TRANSITIONS[action]
    before = complaint.status
    for name, value in (fields or {}).items():
        setattr(complaint, name, value)
    if target is not None:
        complaint.status = target
    record_event(
        complaint, action, actor=actor, note=note, public=public, data=data, from_status=before, happened_on=happened_on
    )
    if action in CLOCK_ACTIONS:
        _refresh_deadline(complaint)
    # A resumption dated back, a reopening: the limit may have passed in the meantime.
    _mark_late(complaint)
    if complaint.status not in _WORKING:
        _lapse_requests(complaint)
    complaint.save()
    return complaint


def _transition(complaint: Complaint, action: str, *, actor, checked: bool = False, **changes) -> Complaint:
    """Check `action` against TRANSITIONS and the actor's rights (unless the calling service `checked` them by
    its own rule), then apply it (`_apply`: its fields, status, event, due date and lateness)."""
    return _apply(_begin(complaint, action, actor=actor, checked=checked), action, actor=actor, **changes)
