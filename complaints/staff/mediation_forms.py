"""The forms of a complaint's mediation steps (complaints/staff/views/mediation.py) and of the settlement authority
pages (complaints/compliance/staff/views/mediation.py). They check input only; the services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.display import person_name

from .. import people, services
from ..models import AuthorityLevel, MediationBodyKind, MediationOrigin, MediationOutcome
from .forms import ActionForm, _day

_AMOUNT = {"min_value": Decimal("0.01"), "max_digits": 12, "decimal_places": 2}


class MediationOpenForm(ActionForm):
    origin = forms.ChoiceField(label=_("Requested by"), choices=[("", "—"), *MediationOrigin.choices])
    body_kind = forms.ChoiceField(label=_("Kind of mediation body"), choices=[("", "—"), *MediationBodyKind.choices])
    body = forms.CharField(label=_("Mediation body"), max_length=200)
    mediator = forms.CharField(label=_("Mediator"), max_length=100, required=False)
    requested_on = _day(_("Day the mediation was requested"), _("Today unless you change it."))
    invited_on = _day(_("Day the company was invited"), _("The answer is due within the response limit from this day."))

    def save(self, complaint, actor):
        return services.mediation_open(complaint=complaint, actor=actor, **self.cleaned_data)


class MediationRespondForm(ActionForm):
    responded_on = _day(_("Day the company answered"), _("Today unless you change it."))
    mediator = forms.CharField(label=_("Mediator"), max_length=100, required=False)

    def save(self, mediation, actor):
        return services.mediation_respond(mediation=mediation, actor=actor, **self.cleaned_data)


class SettlementProposeForm(ActionForm):
    amount = forms.DecimalField(label=_("Settlement proposed (yuan)"), **_AMOUNT)
    note = forms.CharField(
        label=_("Note (internal)"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def save(self, mediation, actor):
        return services.mediation_propose_settlement(mediation=mediation, actor=actor, **self.cleaned_data)


class SettlementApproveForm(ActionForm):
    def save(self, mediation, actor):
        return services.mediation_approve_settlement(mediation=mediation, actor=actor)


class MediationOutcomeForm(ActionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *MediationOutcome.choices])
    ended_on = _day(_("Day the mediation ended"), _("Today unless you change it."))
    settled_amount = forms.DecimalField(
        label=_("Amount settled (yuan)"),
        required=False,
        help_text=_("Settled with money: at most the approved settlement. Leave empty when no money is paid."),
        **_AMOUNT,
    )
    recommendations = forms.CharField(
        label=_("Mediator's recommendations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Feeds the root cause; the record then offers to follow it up as a remediation item."),
    )

    def save(self, mediation, actor):
        return services.mediation_record_outcome(mediation=mediation, actor=actor, **self.cleaned_data)


class JudicialConfirmationForm(ActionForm):
    confirmed_on = _day(_("Day of the court's confirmation"), _("Not before the settlement was reached."))

    def save(self, mediation, actor):
        return services.mediation_confirm_judicially(mediation=mediation, actor=actor, **self.cleaned_data)


# A step of an open mediation: (form, its button's label).
MEDIATION_STEPS = {
    "respond": (MediationRespondForm, _("Record the company's answer")),
    "propose": (SettlementProposeForm, _("Propose a settlement")),
    "approve": (SettlementApproveForm, _("Approve the settlement")),
    "outcome": (MediationOutcomeForm, _("Record the outcome")),
    "confirm": (JudicialConfirmationForm, _("Record the judicial confirmation")),
}
OPEN_LABEL = _("Take to mediation")


class AuthorityTableForm(forms.Form):
    effective_from = forms.DateField(
        label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    branch_limit = forms.DecimalField(label=_("A branch approves up to (yuan)"), **_AMOUNT)
    head_office_limit = forms.DecimalField(label=_("The head office approves up to (yuan)"), **_AMOUNT)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StaffLevelForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Member of staff"), queryset=people.settlement_staff())
    level = forms.ChoiceField(
        label=_("Settlement authority"), choices=[("", _("None")), *AuthorityLevel.choices], required=False
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].label_from_instance = person_name
