"""Telling staff what needs them, as it happens (the periodic digests and escalations are in escalation.py).

- a handler, when a complaint is assigned to them and when its complainant adds information;
- the supervisors, when a web complaint arrives with nobody assigned (and when information arrives for one);
- the approvers who may decide it, when an extension is requested (a first one: the supervisors; a second one:
  the senior managers), and the requester when it is granted or refused.
Each is a line in the inbox and an email (portal.messaging.alerts.staff_alert), written in the transaction of
the change.
"""

from django.utils import formats

from portal import roles
from portal.display import person_name
from portal.messaging.alerts import admin_url, staff_alert, users_in_group

from .models import Complaint, EventAction, ExtensionRequest, ExtensionStatus


def case_url(complaint: Complaint) -> str:
    return admin_url("admin:complaints_complaint_change", complaint.pk)


def case_params(complaint: Complaint) -> dict:
    return {
        "number": complaint.tracking_number,
        "due": formats.date_format(complaint.due_date, "Y-m-d") if complaint.due_date else "—",
    }


def _alert(complaint: Complaint, users, template: str, key: str) -> None:
    staff_alert(
        users=users,
        template=template,
        params=case_params(complaint),
        key=key,
        reference=complaint.tracking_number,
        url=case_url(complaint),
    )


def assigned(complaint: Complaint) -> None:
    event = complaint.events.filter(action=EventAction.ASSIGN).order_by("-at", "-id").first()
    _alert(complaint, [complaint.handler], "assigned", f"assigned:{complaint.pk}:{event.pk if event else 0}")


def information_added(complaint: Complaint) -> None:
    event = complaint.events.filter(action=EventAction.ADD_INFORMATION).order_by("-at", "-id").first()
    users = [complaint.handler] if complaint.handler_id else users_in_group(roles.SUPERVISOR)
    _alert(complaint, users, "information_added", f"information:{complaint.pk}:{event.pk if event else 0}")


def unassigned(complaint: Complaint) -> None:
    _alert(complaint, users_in_group(roles.SUPERVISOR), "unassigned", f"unassigned:{complaint.pk}")


def person(user) -> str:
    """A member of staff in words (their name, else their user name)."""
    if user is None:
        return "—"
    return person_name(user)


def _request_params(request: ExtensionRequest) -> dict:
    return {
        **case_params(request.complaint),
        "extension": request.number,
        "days": request.days,
        "requester": person(request.requested_by),
    }


def extension_requested(request: ExtensionRequest, users) -> list:
    """The approvers who may decide a new request learn of it (inbox and email), with a link to the decision."""
    return _to_approvers(request, users, "extension_requested")


def extension_undecided(request: ExtensionRequest, users) -> list:
    """A request still waiting on the working day before the limit: every approver who may decide it, the
    senior managers included, is told it lapses when the limit ends."""
    return _to_approvers(request, users, "extension_undecided")


def _to_approvers(request: ExtensionRequest, users, template: str) -> list:
    return staff_alert(
        users=users,
        template=template,
        params=_request_params(request),
        key=f"{template.replace('_', '-')}:{request.pk}",
        reference=request.complaint.tracking_number,
        url=admin_url("admin:complaints_extensionrequest_decide", request.pk),
    )


def extension_decided(request: ExtensionRequest) -> None:
    """The requester learns that their request was granted or refused, by whom, and the approver's note."""
    granted = request.status == ExtensionStatus.GRANTED
    staff_alert(
        users=[request.requested_by],
        template="extension_granted" if granted else "extension_refused",
        params={
            **_request_params(request),
            "approver": person(request.decided_by),
            "note": request.decision_note or "—",
        },
        key=f"extension-decided:{request.pk}",
        reference=request.complaint.tracking_number,
        url=case_url(request.complaint),
    )
