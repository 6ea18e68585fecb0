"""Forms of the compliance staff pages: the period picker, the export, the import upload."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Branch

from ..exports import FORMATS
from ..models import RingTip
from ..reports import Period

QUARTER_CHOICES = [("", _("Whole year")), ("1", "Q1"), ("2", "Q2"), ("3", "Q3"), ("4", "Q4")]


def year_choices():
    this_year = timezone.localdate().year
    return [(str(year), str(year)) for year in range(this_year, this_year - 10, -1)]


class PeriodForm(forms.Form):
    """Picked with GET (no token): a year, optionally a quarter and a branch."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, empty_value=None, choices=QUARTER_CHOICES, required=False
    )
    branch = forms.ModelChoiceField(
        label=_("Branch"),
        queryset=Branch.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All branches"),
    )

    @classmethod
    def from_request(cls, request):
        data = request.GET.copy()
        data.setdefault("year", str(timezone.localdate().year))
        form = cls(data)
        if not form.is_valid():
            form = cls({"year": str(timezone.localdate().year)})
            form.is_valid()
        return form

    def period(self) -> Period:
        return Period(self.cleaned_data["year"], self.cleaned_data.get("quarter"))


class ExportForm(forms.Form):
    start = forms.DateField(label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[(value, value.upper()) for value in FORMATS],
        initial="xlsx",
        help_text=_(
            "XLSX for a spreadsheet (Excel, WPS, LibreOffice): phone, ID and policy numbers stay text, all their "
            "digits kept. CSV for a program: plain values, read every column as text (in pandas: read_csv with "
            "dtype=str); a spreadsheet opening a CSV rounds an 18-digit ID. A value starting with = + - or @ gets "
            "a leading ' so that no spreadsheet runs it as a formula."
        ),
    )
    unmasked = forms.BooleanField(
        label=_("Include phone, ID number and email in full"),
        required=False,
        help_text=_("Only for staff allowed to see personal data in full; the export is logged either way."),
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)


class PublishForm(forms.Form):
    year = PeriodForm.base_fields["year"]
    quarter = PeriodForm.base_fields["quarter"]
    note = forms.CharField(
        label=_("Note (for a correction)"),
        max_length=300,
        required=False,
        help_text=_("Needed when the period is already published: say what changed."),
    )

    period = PeriodForm.period


class RingTipForm(forms.Form):
    """A tip about a ring passed on (线索移送): to whom, when, under which reference."""

    recipient = forms.ChoiceField(label=_("Passed to"), choices=RingTip.Recipient.choices)
    sent_on = forms.DateField(label=_("Passed on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reference = forms.CharField(
        label=_("Reference"), max_length=100, help_text=_("The number of the letter or of the case opened.")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["sent_on"] = timezone.localdate()
