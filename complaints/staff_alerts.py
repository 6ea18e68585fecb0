"""Telling staff what needs them, as it happens (the periodic digests and escalations are in escalation.py).

- a handler, when a complaint is assigned to them and when its complainant adds information;
- the supervisors, when a web complaint arrives with nobody assigned (and when information arrives for one).
Each is a line in the inbox and an email (portal.messaging.alerts.staff_alert), written in the transaction of
the change.
"""

from django.utils import formats

from portal import roles
from portal.messaging.alerts import admin_url, staff_alert, users_in_group

from .models import Complaint, EventAction


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
