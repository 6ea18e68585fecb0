"""Forms of the agents-and-partners page, the early-warnings page and the systemic-issue pages (compliance)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ... import people
from ...models import AffectedCustomer, RemediationItem, RootCause, SystemicIssue, WarningDisposition


class SellersImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("List"), choices=[("agents", _("Sales agents")), ("partners", _("Intermediaries and bank outlets"))]
    )
    file = forms.FileField(label=_("Spreadsheet (XLSX or CSV)"))


class DispositionForm(forms.Form):
    warning = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Disposition"), choices=WarningDisposition.Outcome.choices)
    reason = forms.CharField(
        label=_("Reason or finding"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    issue = forms.ModelChoiceField(
        label=_("Add to an open issue"),
        queryset=SystemicIssue.objects.filter(status=SystemicIssue.Status.OPEN),
        required=False,
        empty_label=_("— a new issue —"),
    )
    title = forms.CharField(label=_("Title of the new issue"), required=False, max_length=200)


class IssueForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What is wrong and why"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    root_cause = forms.ModelChoiceField(
        label=_("Root cause"), queryset=RootCause.objects.filter(is_active=True), required=False
    )
    complaints = forms.CharField(
        label=_("Complaints (tracking numbers)"),
        required=False,
        max_length=4000,
        help_text=_("Separated by commas or new lines."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LinkForm(forms.Form):
    complaints = forms.CharField(
        label=_("Complaints (tracking numbers)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    policy_number = forms.CharField(label=_("Policy number"), max_length=40)
    remedy = forms.ChoiceField(label=_("Remedy status"), choices=AffectedCustomer.Remedy.choices)
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20, required=False)


class CustomerUpdateForm(forms.Form):
    customer = forms.IntegerField(widget=forms.HiddenInput)
    remedy = forms.ChoiceField(label=_("Remedy status"), choices=AffectedCustomer.Remedy.choices)
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CustomersImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (XLSX or CSV)"))


class ItemForm(forms.Form):
    action = forms.CharField(label=_("What is to be fixed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=people.remediation_owners())
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))


class ItemEndForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(RemediationItem.Status.DONE, _("Done")), (RemediationItem.Status.DROPPED, _("Dropped"))],
    )
    closing_note = forms.CharField(label=_("Closing note"), max_length=2000)


class CloseForm(forms.Form):
    note = forms.CharField(
        label=pgettext_lazy("issue", "Closing note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=_("Reason for closing with customers not settled"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when a customer is not settled: a second colleague must then confirm."),
    )
