"""The staff forms of care (complaints/workflow/care.py): the complainant's circumstances and the help they asked
for, a further material asked for after the one-time list, and the decision's two data points. Plain forms:
complaints/staff/forms.py puts them in its ACTION_FORMS and the decide form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Need, Vulnerability

YES_NO = [("", _("Not recorded")), ("yes", _("Yes")), ("no", _("No"))]


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class CareFields(forms.Form):
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Circumstances"),
        choices=Vulnerability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Aged 60 or over is ticked from a resident ID number's birth date, foreign national from a passport, "
            "bereaved from a complaint made as an heir; untick what does not apply. No deadline or right changes."
        ),
    )
    needs = forms.MultipleChoiceField(
        label=_("Help asked for"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A call back asked for is added to the call-back requests."),
    )
    note = forms.CharField(
        label=_("Note (internal)"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def start_from(self, complaint) -> None:
        if complaint is not None and not self.is_bound:
            self.initial.update(vulnerabilities=complaint.vulnerabilities, needs=complaint.needs)


class FurtherFields(forms.Form):
    what = forms.CharField(
        label=_("What else the complainant must provide (shown and sent to them)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )
    reason = forms.CharField(
        label=_("Why it was not on the list sent at acceptance (internal, counted in the report)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


def _yes_no_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=YES_NO, required=False, coerce=_yes_no, empty_value=None)


def decision_care_fields() -> dict[str, forms.Field]:
    """The decision's two data points (FCA PS25/19), offered when the complainant is flagged."""
    return {
        "vulnerable": _yes_no_field(_("Was the complainant vulnerable?")),
        "vulnerability_cause": _yes_no_field(_("Did the complaint arise from failing to consider the vulnerability?")),
    }
