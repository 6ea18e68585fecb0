"""Remediation items (整改事项): the fixes a complaint's root cause calls for, each with an owner, a due date,
a status and a closing note, followed in the admin's remediation queue until done (溯源整改).

The rules:
- Whoever may see the complaint and holds the remediation permissions (handlers for their own complaints,
  supervisors and compliance officers for all) adds and updates items; the owner must be an active staff
  member.
- An item ends as done or dropped, never silently: ending it needs a closing note. An ended item is not
  reopened (a new item is added instead), so the record of what was done stays as it was.
- Every change leaves a complaint event (complaints.services.record_event) naming the item.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import people, services
from ..models import Complaint, EventAction, RemediationItem

ADD_PERMISSION = "complaints.add_remediationitem"
CHANGE_PERMISSION = "complaints.change_remediationitem"


def _check(actor, complaint: Complaint, permission: str) -> None:
    if actor is None or not actor.is_active or not actor.has_perm(permission):
        raise PermissionDenied(_("You do not have permission to do this."))
    if not Complaint.objects.visible_to(actor).filter(pk=complaint.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))


def validate_item(*, action: str, owner, due_date: date | None, due_date_changed: bool = True) -> None:
    """The rules of an item's fields (the admin's form asks them too, to show the errors beside the fields)."""
    if not (action or "").strip():
        raise ValidationError({"action": _("Say what is to be fixed.")}, code="required")
    if not people.may_own(owner):
        raise ValidationError(
            {"owner": _("The owner must be an active compliance officer, supervisor or senior manager.")}, code="owner"
        )
    if due_date is None or (due_date_changed and due_date < timezone.localdate()):
        raise ValidationError({"due_date": _("The due date is in the past.")}, code="due_date")


def validate_ending(*, status: str, closing_note: str) -> None:
    if status not in RemediationItem.Status.values:
        raise ValidationError({"status": _("Choose the status.")}, code="status")
    if status != RemediationItem.Status.OPEN and not (closing_note or "").strip():
        raise ValidationError({"closing_note": _("Say how the item ended before closing it.")}, code="closing_note")


@transaction.atomic
def remediation_add(*, complaint: Complaint, actor, action: str, owner, due_date: date) -> RemediationItem:
    """Add a remediation item to a complaint; the owner is an active staff member, the due date not past."""
    _check(actor, complaint, ADD_PERMISSION)
    action = (action or "").strip()
    validate_item(action=action, owner=owner, due_date=due_date)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    item = RemediationItem.objects.create(complaint=complaint, action=action, owner=owner, due_date=due_date)
    services.record_event(
        complaint,
        EventAction.REMEDIATION,
        actor=actor,
        note=action,
        data={"item": item.pk, "owner": owner.get_username(), "due_date": due_date.isoformat(), "status": "open"},
    )
    return item


@transaction.atomic
def remediation_update(
    *, item: RemediationItem, actor, status: str, closing_note: str = "", due_date: date | None = None
) -> RemediationItem:
    """Move an open item to done or dropped (with a closing note), or give it a new due date."""
    item = RemediationItem.objects.select_for_update().get(pk=item.pk)
    if item.issue_id is not None:  # an item of a systemic issue: compliance.systemic.issue_item_update
        raise ValidationError(_("This item belongs to a systemic issue: close it on the issue's page."), code="issue")
    complaint = Complaint.objects.select_for_update().get(pk=item.complaint_id)
    _check(actor, complaint, CHANGE_PERMISSION)
    if item.status != RemediationItem.Status.OPEN:
        raise ValidationError(_("This item is closed; add a new item instead."), code="closed")
    validate_ending(status=status, closing_note=closing_note)
    if due_date is not None and due_date != item.due_date:
        validate_item(action=item.action, owner=item.owner, due_date=due_date)
    closing_note = (closing_note or "").strip()
    changes = {}
    if status != RemediationItem.Status.OPEN:
        item.status, item.closing_note, item.closed_at = status, closing_note, timezone.now()
        changes["status"] = status
    if due_date is not None and due_date != item.due_date:
        item.due_date = due_date
        changes["due_date"] = due_date.isoformat()
    if not changes:
        return item
    item.save()
    services.record_event(
        complaint, EventAction.REMEDIATION, actor=actor, note=closing_note, data={"item": item.pk, **changes}
    )
    return item
