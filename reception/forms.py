from django import forms
from django.utils.translation import gettext_lazy as _

from portal import codes
from portal.forms import HoneypotMixin
from portal.models import province_label
from portal.phones import PHONE_HELP, validate_phone


class ScheduleFilterForm(forms.Form):
    """The schedule's GET filter (no CSRF token: it changes nothing)."""

    branch = forms.ChoiceField(label=_("Branch"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)

    def __init__(self, *args, branches, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [("", _("All branches"))] + [(branch.slug, branch.name) for branch in branches]
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (province, province_label(province)) for province in provinces
        ]


class BookingForm(HoneypotMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=60)
    phone = forms.CharField(
        label=_("Mobile or phone number"),
        max_length=32,
        validators=[validate_phone],
        help_text=_(
            "If the day changes we send a text message to this number; you need it to cancel. A number outside "
            "mainland China: + and its country code (e.g. +852 6123 4567)."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    topic = forms.CharField(
        label=_("What would you like to talk about?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A few sentences are enough, e.g. the policy concerned and what happened."),
    )
    tracking_number = forms.CharField(
        label=_("Complaint tracking number (optional)"),
        max_length=40,
        required=False,
        help_text=_("If you have already filed a complaint, e.g. TS-20261121-7KQ2M9XD."),
    )
    consent = forms.BooleanField(
        label=_("I agree that my name, phone number and topic are used to arrange this visit."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean_tracking_number(self):
        value = self.cleaned_data.get("tracking_number", "")
        if value and not codes.is_well_formed(codes.normalize(value)):
            raise forms.ValidationError(_("This is not a tracking number: check it, or leave the field empty."))
        return value

    def booking_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "phone": data["phone"],
            "topic": data["topic"],
            "tracking_number": data.get("tracking_number", ""),
        }


class CancelForm(forms.Form):
    number = forms.CharField(
        label=_("Booking number"), max_length=40, help_text=_("As shown when you booked, e.g. BK-20261121-7KQ2M9XD.")
    )
    phone = forms.CharField(
        label=_("Phone number given when booking"),
        max_length=32,
        help_text=PHONE_HELP,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def typed_number(self) -> str:
        return codes.normalize(self.data.get("number", "")) if self.is_bound else ""
