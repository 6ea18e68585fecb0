"""A complaint's history in human words: each event's details (event.data, stored with short keys for the
code) as labelled sentences, and staff named by their names, for the record's timeline. The one mapping from
a stored key to what staff read."""

from datetime import date

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal import roles
from portal.display import names_of, person_name, recorded_name

from .models import (
    LANGUAGE_CHOICES,
    AuthorityLevel,
    CallDirection,
    CallOutcome,
    Category,
    Complaint,
    EventAction,
    FeedbackChannel,
    MediationBodyKind,
    MediationOrigin,
    MediationOutcome,
    Need,
    Relief,
    RemediationItem,
    RootCause,
    Status,
    Vulnerability,
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
    "cause": pgettext_lazy("cause code", "Root cause"),
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
    "earlier": _("Earlier direct complaint"),
    # Care and the one-time list of materials (complaints/workflow/care.py).
    "vulnerabilities": _("Circumstances"),
    "needs": _("Help asked for"),
    "zh-hans": _("Materials"),
    "en": _("Materials"),
    "reason": _("Why it was not on the list"),
    # A group's members, several issues, first contact (complaints/workflow/groups.py, firstcontact.py).
    "members": _("Group members"),
    "representatives": _("Representatives"),
    "secondary_categories": _("Secondary categories"),
    "agreed": _("The complainant agreed to this resolution"),
}
# A mediation's steps (complaints/workflow/mediation.py): their keys, and those whose value is a code of a list.
LABELS.update(
    {
        "mediation_origin": _("Requested by"),
        "mediation_body_kind": _("Kind of mediation body"),
        "response_due": _("Answer due by"),
        "answered_on_time": _("Answered in time"),
        "settlement": _("Settlement proposed (yuan)"),
        "authority_needed": _("Authority needed"),
        "authority_held": _("Approver's authority"),
        "mediation_outcome": _("Outcome of the mediation"),
        "settled_amount": _("Amount settled (yuan)"),
        "confirmed_on": _("Judicially confirmed on"),
    }
)
MEDIATION_CODES = {
    "mediation_origin": MediationOrigin,
    "mediation_body_kind": MediationBodyKind,
    "authority_needed": AuthorityLevel,
    "authority_held": AuthorityLevel,
    "mediation_outcome": MediationOutcome,
}
# The files of an event that lists them by name (the number of files is "files attached").
FILE_NAMES_LABEL = _("Files")
GROUP_LABELS = {
    roles.COMPLAINT_HANDLER: _("Complaint handlers"),
    roles.SUPERVISOR: _("Supervisors"),
    roles.SENIOR_MANAGER: _("Senior managers"),
    roles.COMPLIANCE_OFFICER: _("Compliance officers"),
}
# Keys kept for the code (a request's or an item's row id) that say nothing to a reader.
HIDDEN = {"request", "item", "list", "before", "mediation"}
USER_KEYS = {"handler", "approved_by", "requested_by", "owner", "users"}
# A reclassification's fields whose before and after are kept as usernames.
USER_FIELDS = {"named_employee"}


def joined(values) -> str:
    """Several values as a list in the reader's language: 甲、乙 in Chinese, "a, b" in English."""
    separator = "、" if (get_language() or "").startswith("zh") else ", "
    return separator.join(str(value) for value in values)


def _yes_no(value) -> str:
    return str(_("yes")) if value else str(_("no"))


def _field_label(name: str) -> str:
    try:
        return str(Complaint._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field since removed: its name is all there is
        return name


def _changes(value: dict, names: dict[str, str]) -> list[tuple[str, str]]:
    """A reclassification's {field: [before, after]} as one "before → after" line per field; a person named by
    their name (the event keeps the username)."""

    def shown(name, stored):
        if name in USER_FIELDS and stored:
            return recorded_name(str(stored), names)
        return choice_label(name, stored)

    return [
        (_field_label(name), f"{shown(name, before)} → {shown(name, after)}") for name, (before, after) in value.items()
    ]


def _value(key: str, value, names: dict[str, str], causes: dict[str, str]) -> str:
    if key in USER_KEYS:
        values = value if isinstance(value, list) else [value]
        return joined(recorded_name(str(item), names) for item in values) if values else "—"
    if key == "secondary_categories" and isinstance(value, dict):
        labels = dict(Category.choices)
        before, after = (
            joined(labels.get(code, code) for code in value.get(end) or []) or "—" for end in ("from", "to")
        )
        return f"{before} → {after}"
    if key in ("on_time", "hold", "agreed"):
        return _yes_no(value)
    if key == "fields":
        return joined(_field_label(name) for name in value)
    if key == "files" and isinstance(value, list):
        return joined(value)
    if key == "cause":
        return causes.get(str(value), str(value))
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
        return joined(labels.get(code, code) for code in value)
    if key in ("vulnerabilities", "needs") and isinstance(value, list):
        labels = dict((Vulnerability if key == "vulnerabilities" else Need).choices)
        return joined(labels.get(code, code) for code in value)
    if key in ("zh-hans", "en") and isinstance(value, list):
        return joined(value)
    if key == "asked":
        return str(dict(FeedbackChannel.choices).get(value, value))
    if key in ("direction", "outcome"):
        model = CallDirection if key == "direction" else CallOutcome
        return str(dict(model.choices).get(value, value))
    if key == "at" and isinstance(value, str):
        return value[:16].replace("T", " ")
    if key in MEDIATION_CODES:
        return str(dict(MEDIATION_CODES[key].choices).get(value, value))
    if key == "answered_on_time":
        return _yes_no(value)
    return str(value)


def staff_names(events) -> dict[str, str]:
    """The display names of the staff the events' details name (by username), in one query."""
    usernames = set()
    for event in events:
        data = event.data or {}
        for key in USER_KEYS & set(data):
            value = data[key]
            usernames.update(str(item) for item in (value if isinstance(value, list) else [value]))
        for name, pair in (data.get("changes") or {}).items() if isinstance(data.get("changes"), dict) else ():
            if name in USER_FIELDS:
                usernames.update(str(item) for item in pair if item)
    return names_of(usernames)


def cause_names(events) -> dict[str, str]:
    """code -> the root cause's name in the reader's language, for the causes the events name, in one query."""
    codes = {str(event.data["cause"]) for event in events if (event.data or {}).get("cause")}
    if not codes:
        return {}
    return {cause.code: str(cause) for cause in RootCause.objects.filter(code__in=codes)}


def describe(event, names: dict[str, str] | None = None, causes: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The event's details as (label, value) pairs in reading order, without the keys kept for the code."""
    names = names if names is not None else staff_names([event])
    causes = causes if causes is not None else cause_names([event])
    pairs = []
    # A list of materials is kept in both languages: the reader's is shown.
    other_language = "zh-hans" if (get_language() or "").startswith("en") else "en"
    for key, value in (event.data or {}).items():
        if key in HIDDEN or key == other_language or value in (None, "", [], {}):
            continue
        if key == "changes" and isinstance(value, dict):
            pairs.extend(_changes(value, names))
            continue
        label = FILE_NAMES_LABEL if key == "files" and isinstance(value, list) else LABELS.get(key)
        pairs.append((str(label or key.replace("_", " ")), _value(key, value, names, causes)))
    return pairs


def actor_name(event) -> str:
    if event.actor_id:
        return person_name(event.actor)
    return event.actor_label


def _event_label(event, complaint) -> str:
    """An event's label; the report-back names the platform when the platform transferred the case."""
    if event.action == EventAction.REPORT_BACK and complaint.source == "platform":
        return str(_("Reported back to the platform"))
    return event.get_action_display()


def timeline(complaint, scrub=None) -> list[dict]:
    """The complaint's events, newest first, each with its translated label, its actor's name, its note (passed
    through `scrub` for those who see complainants masked) and its details in words. Times are aware datetimes:
    templates show them in Beijing time (TIME_ZONE)."""
    events = list(complaint.events.select_related("actor").order_by("-at", "-id"))
    names, causes = staff_names(events), cause_names(events)
    return [
        {
            "event": event,
            "label": _event_label(event, complaint),
            "who": actor_name(event),
            "note": scrub(event.note) if scrub and event.note else event.note,
            "details": describe(event, names, causes),
        }
        for event in events
    ]
