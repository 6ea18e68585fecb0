"""The form of who sold the policy (the registration form takes its fields too)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Partner, SalesAgent


class SellerForm(forms.Form):
    """The agent and the partner a complaint names (registration form and record)."""

    sales_agent = forms.ModelChoiceField(
        label=_("Sales agent"), queryset=SalesAgent.objects.filter(is_active=True), required=False
    )
    partner = forms.ModelChoiceField(
        label=_("Intermediary or bank outlet"), queryset=Partner.objects.filter(is_active=True), required=False
    )
