"""A copy of everything held about a phone (PIPL Art. 45): complaints with their public steps and documents,
bookings (reception, through portal.registry), messages sent, call backs, requests about one's data, and the
record of who on the staff saw the data in full (portal.audit). One structure, written as a readable page and
as JSON (docs/design.md, "Accounts")."""

from django.utils import timezone

from portal import registry
from portal.audit import PersonalDataSeen
from portal.messaging.models import Message

from ..models import Callback, Complaint, DataRequest

COPY_FORMAT = "portal.personal-data-copy/1"


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _complaint(complaint: Complaint) -> dict:
    fields = (
        "name",
        "phone",
        "email",
        "id_type",
        "id_number",
        "capacity",
        "principal_name",
        "policy_number",
        "category",
        "description",
        "desired_outcome",
        "status",
        "decision",
        "language",
    )
    seen = PersonalDataSeen.objects.about(complaint).select_related("user")
    return {
        "tracking_number": complaint.tracking_number,
        "received_at": _iso(complaint.received_at),
        "due_date": _iso(complaint.due_date),
        "ended_on": _iso(complaint.ended_on),
        **{field: getattr(complaint, field) for field in fields},
        "steps": [
            {"at": _iso(event.at), "action": event.action, "note": event.note}
            for event in complaint.events.filter(public=True).order_by("at", "id")
        ],
        "documents": [
            {"name": item.original_name, "type": item.content_type, "size": item.size, "at": _iso(item.uploaded_at)}
            for item in complaint.attachments.all()
        ],
        "seen_by_staff": [{"at": _iso(row.at), "where": row.where, "fields": row.fields} for row in seen],
    }


def personal_data(phone: str) -> dict:
    """Everything held about `phone` (E.164), as plain values (the JSON download and the readable page)."""
    complaints = list(Complaint.objects.filter(phone=phone).order_by("received_at", "id"))
    requests = list(DataRequest.objects.filter(phone=phone).order_by("received_at", "id"))
    callbacks = list(Callback.objects.filter(phone=phone).select_related("complaint").order_by("created_at", "id"))
    messages = Message.objects.filter(recipient=phone).order_by("created_at", "id")
    copy = {
        "format": COPY_FORMAT,
        "phone": phone,
        "made_at": _iso(timezone.now()),
        "complaints": [_complaint(complaint) for complaint in complaints],
        "messages": [
            {
                "at": _iso(message.created_at),
                "channel": message.channel,
                "about": message.reference,
                "text": message.text,
                "status": message.status,
            }
            for message in messages
        ],
        "call_backs": [
            {
                "number": callback.number,
                "requested_at": _iso(callback.created_at),
                "name": callback.name,
                "phone": callback.phone,
                "preferred_time": callback.preferred_time,
                "language": callback.language,
                "topic": callback.topic,
                "outcome": callback.outcome,
                "called_at": _iso(callback.answered_at),
                "complaint": callback.complaint.tracking_number if callback.complaint_id else None,
            }
            for callback in callbacks
        ],
        "data_requests": [
            {
                "number": request.number,
                "kind": request.kind,
                "received_at": _iso(request.received_at),
                "due_on": _iso(request.due_on),
                "status": request.status,
                "answer": request.answer,
                "kept_until": request.kept_until,
            }
            for request in requests
        ],
    }
    for name, source in sorted(registry.account_sources.items()):
        copy[name] = source.export(phone)
    return copy
