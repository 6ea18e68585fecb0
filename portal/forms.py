"""What the public forms share: the honeypot against robots. Each form is rendered with the one field template,
templates/includes/field.html (label, required mark, help, errors above the input), and the one error summary,
templates/includes/error_summary.html."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS and from screen readers, out of the tab order); robots fill it
    in, and a form that has it filled is refused. Templates render it with includes/honeypot.html."""

    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise ValidationError(_("This submission could not be accepted."), code="honeypot")
        return ""
