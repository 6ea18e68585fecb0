"""What the public forms share: the honeypot against robots, the CSRF token of a response. Each form is rendered
with the one field template, templates/includes/field.html (label, required mark, help, errors above the input),
and the one error summary, templates/includes/error_summary.html."""

from django import forms
from django.core.exceptions import ValidationError
from django.middleware.csrf import get_token
from django.utils.translation import gettext_lazy as _


def csrf_token(request) -> str:
    """The CSRF token for this response, masked once per request: each get_token() call draws a new mask (32
    random characters, one system call each), and a page needs only one token however many parts ask."""
    token = getattr(request, "_portal_csrf_token", None)
    if token is None:
        token = request._portal_csrf_token = get_token(request)
    return token


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
