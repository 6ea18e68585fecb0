"""The forms of a complainant's account and of the call-back request (docs/design.md, "Accounts")."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.forms import HoneypotMixin

from ..forms import PhoneField
from ..models import LANGUAGE_CHOICES, CallbackOutcome, CallbackTime, DataRequestKind, IdentityMethod


class PhoneForm(HoneypotMixin, forms.Form):
    phone = PhoneField(
        label=_("Phone number"),
        help_text=_("The number you gave with your complaints or bookings. We send a 6-digit code to it."),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=12,
        help_text=_("6 digits, valid for 5 minutes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise ValidationError(_("Enter the 6 digits of the code we sent."), code="format")
        return code


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you asking for?"),
        choices=[(value, label) for value, label in DataRequestKind.choices if value != DataRequestKind.COPY],
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=2000,
        help_text=_("For a correction: what is wrong and what it should be. Otherwise optional."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == DataRequestKind.CORRECT and not (data.get("details") or "").strip():
            self.add_error("details", _("Say what is wrong and what it should be."))
        return data


class CallbackForm(HoneypotMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = PhoneField(label=_("Phone number"), help_text=_("We call you on this number."))
    preferred_time = forms.ChoiceField(
        label=_("When should we call?"),
        choices=CallbackTime.choices,
        initial=CallbackTime.ANY,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(label=_("Language of the call"), choices=LANGUAGE_CHOICES, widget=forms.RadioSelect)
    topic = forms.CharField(
        label=_("What is it about? (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IdentityForm(forms.Form):
    method = forms.ChoiceField(label=_("Identity confirmed by"), choices=IdentityMethod.choices)
    note = forms.CharField(
        label=_("How identity was confirmed"),
        max_length=300,
        help_text=_("E.g. called back 138… on record, policy number and date of birth matched."),
    )


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("answer", _("Answer the request")), ("refuse", _("Refuse, with the reason"))],
        widget=forms.RadioSelect,
        initial="answer",
    )
    text = forms.CharField(label=_("Answer or reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))


class CallbackRecordForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallbackOutcome.choices, widget=forms.RadioSelect)
    tracking_number = forms.CharField(
        label=_("Tracking number of the complaint"),
        required=False,
        max_length=40,
        help_text=_("When the call became a complaint: register it, then give its number here."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
