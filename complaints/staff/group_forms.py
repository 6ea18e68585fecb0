"""The staff forms of group complaints, several issues and first-contact resolution: the group's members (one per
line, so that a list typed or pasted from a spreadsheet goes in at once), the classification with its secondary
categories, and the registration form that also records the decision (services.complaint_resolve_at_first_contact).
"""

import re

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.phones import display_phone

from .. import services
from ..models import Category, Outcome, Relief, Source
from .forms import ActionForm, DecideForm, ReclassifyForm, RegisterForm, _note

A = services.A
# A member's line: name, phone and policy number separated by commas (either width) or tabs (a spreadsheet's copy).
_SEPARATORS = re.compile(r"\s*[,，\t]\s*")


def _lines(members, representative: bool) -> str:
    return "\n".join(
        ", ".join(filter(None, [m.name, display_phone(m.phone), m.policy_number]))
        for m in members
        if m.representative == representative
    )


class MembersForm(ActionForm):
    representatives = forms.CharField(
        label=_("Representatives"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("At most five, one per line: name, phone, policy number (Art. 12 of the complaint measures)."),
    )
    others = forms.CharField(
        label=_("Other members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=50000,
        help_text=_(
            "One per line: name, phone, policy number. Separate them with commas or tabs (a spreadsheet's rows "
            "pasted in). Members are numbered from the representatives on. Leave both empty for an individual "
            "complaint."
        ),
    )
    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.complaint is not None and not self.is_bound:
            members = list(self.complaint.members.all())
            self.initial["representatives"] = _lines(members, True)
            self.initial["others"] = _lines(members, False)

    def clean(self):
        cleaned = super().clean()
        members = []
        for field, representative in (("representatives", True), ("others", False)):
            for line in (cleaned.get(field) or "").splitlines():
                if not line.strip():
                    continue
                parts = [*_SEPARATORS.split(line.strip()), "", ""]
                members.append(
                    {"name": parts[0], "phone": parts[1], "policy_number": parts[2], "representative": representative}
                )
        cleaned["members"] = members
        return cleaned


class ClassifyForm(ReclassifyForm):
    """The reclassification form with the complaint's secondary categories at its end."""

    secondary_categories = forms.MultipleChoiceField(
        label=_("Secondary categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Further things the complaint is about. Counting uses the main category only."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The note stays last.
        self.fields["note"] = self.fields.pop("note")
        if self.complaint is not None and not self.is_bound:
            self.initial["secondary_categories"] = list(self.complaint.secondary_categories or [])


@transaction.atomic
def classify(complaint, actor, data):
    """The changed classification (a reclassification) and the secondary categories (their own event), in one
    transaction; nothing changed at all is refused as a reclassification alone is."""
    changes = {name: data[name] for name in ClassifyForm.FIELDS}
    secondary = services.check_secondary_categories(data["category"], data["secondary_categories"])
    recorded = {
        name: getattr(complaint, f"{name}_id" if name in ("branch", "named_employee") else name)
        for name in ClassifyForm.FIELDS
    }
    moved = any((value.pk if hasattr(value, "pk") else value) != recorded[name] for name, value in changes.items())
    if moved:
        complaint = services.complaint_reclassify(complaint=complaint, actor=actor, changes=changes, note=data["note"])
    elif secondary == list(complaint.secondary_categories or []):
        raise services.WorkflowError(gettext("Nothing changes: the values chosen are the ones recorded."))
    return services.complaint_set_secondary_categories(
        complaint=complaint, actor=actor, categories=secondary, note=data["note"]
    )


GROUP_ACTION_FORMS = {
    A.MEMBERS: (
        MembersForm,
        lambda c, u, d: services.complaint_set_members(complaint=c, actor=u, members=d["members"], note=d["note"]),
    ),
    A.RECLASSIFY: (ClassifyForm, classify),
}


class FirstContactForm(RegisterForm):
    """Registration and decision in one, for a complaint resolved on the spot: the complaint's own source only
    (no regulator's or platform's case), received today, the complainant's agreement ticked."""

    decision = DecideForm.base_fields["decision"]
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Outcome.choices])
    reliefs = forms.MultipleChoiceField(
        label=_("What the complainant gets (redress)"),
        choices=Relief.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=DecideForm.base_fields["reliefs"].help_text,
    )
    complainant_agreed = forms.BooleanField(
        label=_("The complainant agreed to this resolution"),
        required=False,
        help_text=_("Only a complaint settled today with the complainant's agreement is resolved at first contact."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("source", "regulator_ref", "regulator_deadline"):
            del self.fields[name]
        self.fields["received_at"].help_text = _(
            "Today: a complaint received on another day is registered the usual way."
        )

    def clean(self):
        cleaned = super().clean()
        cleaned["source"] = Source.SELF
        if not cleaned.get("complainant_agreed"):
            self.add_error(
                "complainant_agreed",
                gettext("A complaint is resolved at first contact only when the complainant agrees to the resolution."),
            )
        received = cleaned.get("received_at")
        if received and timezone.localdate(received) != timezone.localdate():
            self.add_error(
                "received_at",
                gettext(
                    "A complaint is resolved at first contact on the day it is received. Register one received "
                    "on another day the ordinary way."
                ),
            )
        return cleaned
