"""A complaint's history in human words: each event's details (event.data, stored with short keys for the
code) as labelled sentences, and staff named by their names, for the record's timeline. The one mapping from
a stored key to what staff read."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal import roles

from .models import (
    LANGUAGE_CHOICES,
    CallDirection,
    CallOutcome,
    Complaint,
    FeedbackChannel,
    Relief,
    RemediationItem,
    Status,
)
from .models import _choice_label as choice_label

# key -> label; the value is shown after it (a date, a number, a name, a tracking number).
LABELS = {
    "handler": _("Handler"),
    "approved_by": _("Approved by"),
    "requested_by": _("Requested by"),
    "owner": _("Owner"),
    "users": _("Alerted"),
    "due": _("Time limit"),
    "due_date": _("Due date"),
    "decided_on": _("Decided on"),
    "days": _("Days"),
    "number": _("Extension"),
    "into": _("Merged into"),
    "repeat": _("Repeat complaint merged in"),
    "files": _("Files attached"),
    "reference": _("Reference of the reply"),
    "on_time": _("Reported in time"),
    "cause": _("Root cause code"),
    "fields": _("Fields changed"),
    "hold": _("Legal hold"),
    "level": _("Escalation level"),
    "to": _("Escalated to"),
    "retention_years": _("Retention period (years)"),
    "lapsed_requests": _("Extension requests lapsed"),
    "status": _("Status"),
    "item": _("Remediation item"),
    "direction": _("Call"),
    "outcome": _("How the call went"),
    "at": _("Time of the call"),
    "language": _("Language"),
    "template": _("Letter template"),
    "outcome_reason": _("Why the outcome differs from the template's"),
    "score": _("Score (1 to 5)"),
    "asked": pgettext_lazy("feedback", "how asked"),
    "reliefs": _("Redress"),
    "amount": _("Amount paid (yuan)"),
    "paid_on": _("Day paid"),
}
GROUP_LABELS = {
    roles.COMPLAINT_HANDLER: _("Complaint handlers"),
    roles.SUPERVISOR: _("Supervisors"),
    roles.SENIOR_MANAGER: _("Senior managers"),
    roles.COMPLIANCE_OFFICER: _("Compliance officers"),
}
# Keys kept for the code (a request's or an item's row id) that say nothing to a reader.
HIDDEN = {"request", "item"}
USER_KEYS = {"handler", "approved_by", "requested_by", "owner", "users"}


def _yes_no(value) -> str:
    return str(_("yes")) if value else str(_("no"))


def _field_label(name: str) -> str:
    try:
        return str(Complaint._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field since removed: its name is all there is
        return name


def _changes(value: dict) -> list[tuple[str, str]]:
    """A reclassification's {field: [before, after]} as one "before → after" line per field."""
    return [
        (_field_label(name), f"{choice_label(name, before)} → {choice_label(name, after)}")
        for name, (before, after) in value.items()
    ]


def _value(key: str, value, names: dict[str, str]) -> str:
    if key in USER_KEYS:
        values = value if isinstance(value, list) else [value]
        return "、".join(names.get(str(item), str(item)) for item in values) if values else "—"
    if key in ("on_time", "hold"):
        return _yes_no(value)
    if key == "fields":
        return "、".join(_field_label(name) for name in value)
    if key == "status":
        # A remediation item's status or a complaint's.
        choices = {**dict(RemediationItem.Status.choices), **dict(Status.choices)}
        return str(choices.get(value, value))
    if key in ("due", "due_date", "decided_on") and isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return value
    if key == "to":
        return str(GROUP_LABELS.get(value, value))
    if key == "language":
        return str(dict(LANGUAGE_CHOICES).get(value, value))
    if key == "reliefs" and isinstance(value, list):
        labels = dict(Relief.choices)
        return "、".join(str(labels.get(code, code)) for code in value)
    if key == "asked":
        return str(dict(FeedbackChannel.choices).get(value, value))
    if key in ("direction", "outcome"):
        model = CallDirection if key == "direction" else CallOutcome
        return str(dict(model.choices).get(value, value))
    if key == "at" and isinstance(value, str):
        return value[:16].replace("T", " ")
    return str(value)


def staff_names(events) -> dict[str, str]:
    """The display names of the staff the events' details name (by username), in one query."""
    usernames = set()
    for event in events:
        for key in USER_KEYS & set(event.data or {}):
            value = event.data[key]
            usernames.update(str(item) for item in (value if isinstance(value, list) else [value]))
    if not usernames:
        return {}
    User = get_user_model()
    field = User.USERNAME_FIELD
    return {
        getattr(user, field): user.get_full_name() or getattr(user, field)
        for user in User.objects.filter(**{f"{field}__in": usernames})
    }


def describe(event, names: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The event's details as (label, value) pairs in reading order, without the keys kept for the code."""
    names = names if names is not None else staff_names([event])
    pairs = []
    for key, value in (event.data or {}).items():
        if key in HIDDEN or value in (None, "", [], {}):
            continue
        if key == "changes" and isinstance(value, dict):
            pairs.extend(_changes(value))
            continue
        pairs.append((str(LABELS.get(key, key.replace("_", " "))), _value(key, value, names)))
    return pairs


def actor_name(event) -> str:
    if event.actor_id:
        return event.actor.get_full_name() or event.actor.get_username()
    return event.actor_label


def timeline(complaint, scrub=None) -> list[dict]:
    """The complaint's events, newest first, each with its translated label, its actor's name, its note (passed
    through `scrub` for those who see complainants masked) and its details in words. Times are aware datetimes:
    templates show them in Beijing time (TIME_ZONE)."""
    events = list(complaint.events.select_related("actor").order_by("-at", "-id"))
    names = staff_names(events)
    return [
        {
            "event": event,
            "label": event.get_action_display(),
            "who": actor_name(event),
            "note": scrub(event.note) if scrub and event.note else event.note,
            "details": describe(event, names),
        }
        for event in events
    ]
