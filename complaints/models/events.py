"""The append-only event log of a complaint.

A complaint's status only changes through complaints/services.py, which writes a ComplaintEvent in the same
transaction. The event log refuses updates and deletes (in Python here, and in PostgreSQL
through the triggers installed by migration 0002).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import AppendOnly
from portal.display import names_of, person_name, recorded_name

from .complaint import Complaint
from .vocabulary import COMPLAINANT_ACTIONS, PUBLIC_NOTE_ACTIONS, CallDirection, CallOutcome, EventAction, Status, _in


class ComplaintEvent(AppendOnly):
    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="events"
    )
    # When the step was recorded; `happened_on` is the day it happened (an appraisal that began last Monday, a
    # withdrawal letter received yesterday). Rows written before that field existed have none: their day is
    # the day they were recorded (see `day`).
    at = models.DateTimeField(_("recorded at"))
    happened_on = models.DateField(_("happened on"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, null=True, blank=True
    )
    action = models.CharField(_("action"), max_length=24, choices=EventAction.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("shown to the complainant"), default=False)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=_in("action", EventAction), name="complaintevent_action_valid")]

    def __str__(self):
        # In Beijing time, as every time the admin shows (the stored time is UTC).
        return f"{self.get_action_display()} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"

    @property
    def day(self):
        """The day the step happened (Beijing time)."""
        return self.happened_on or timezone.localdate(self.at)

    @property
    def dated_earlier(self) -> bool:
        """Whether the step happened on an earlier day than it was recorded."""
        return self.happened_on is not None and self.happened_on != timezone.localdate(self.at)

    @property
    def public_note(self) -> str:
        """The note as the complainant may read it: reasons they must be told, and what they wrote themselves."""
        return self.note if self.public and self.action in PUBLIC_NOTE_ACTIONS else ""

    @property
    def detail_pairs(self) -> list[tuple[str, str]]:
        """The details of a reclassification or a call as people read them, as (label, value) pairs: the fields'
        names and the choices' labels in the reader's language, not the codes kept in `data`."""
        pairs = []
        if self.action == EventAction.RECLASSIFY:
            changes = self.data.get("changes") or {}
            # The employee complained about is kept by username and shown by name (a gone account: the username).
            names = names_of(changes.get("named_employee") or [])
            for name, (before, after) in changes.items():
                label = str(Complaint._meta.get_field(name).verbose_name)
                if name == "named_employee":
                    shown = [recorded_name(value, names) if value else "—" for value in (before, after)]
                else:
                    shown = [_choice_label(name, before), _choice_label(name, after)]
                pairs.append((label, f"{shown[0]} → {shown[1]}"))
        elif self.action == EventAction.CALL:
            directions, outcomes = dict(CallDirection.choices), dict(CallOutcome.choices)
            direction = directions.get(self.data.get("direction"), self.data.get("direction", ""))
            outcome = outcomes.get(self.data.get("outcome"), self.data.get("outcome", ""))
            pairs.append((str(direction), str(outcome)))
        return pairs

    @property
    def detail_lines(self) -> list[str]:
        return [f"{label}: {value}" for label, value in self.detail_pairs]

    @property
    def actor_label(self) -> str:
        if self.actor_id:
            return person_name(self.actor)
        return str(_("Complainant")) if self.action in COMPLAINANT_ACTIONS else str(_("System"))


def _choice_label(field_name: str, value) -> str:
    """A stored value of a complaint's field as shown: a choice's label, a name as kept, or a dash."""
    if value in ("", None):
        return "—"
    choices = dict(Complaint._meta.get_field(field_name).flatchoices or ())
    return str(choices.get(value, value))
