"""Forms of reception's staff pages: the schedule import, a year generated from a rule, visits registered as
complaints."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import Branch
from portal.phones import validate_phone

from ..models import staff_branch_ids

WEEKDAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
]
NTH = [
    (1, gettext_lazy("first")),
    (2, gettext_lazy("second")),
    (3, gettext_lazy("third")),
    (4, gettext_lazy("fourth")),
    (-1, gettext_lazy("last")),
]


def branches_for(user):
    """The branches this member of staff works for (models.staff_branch_ids; every branch when unlimited)."""
    ids = staff_branch_ids(user)
    branches = Branch.objects.all()
    return branches if ids is None else branches.filter(pk__in=ids)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Schedule file (CSV or XLSX)"))
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("For dates published without a year, such as 1月11日."),
    )


class GenerateForm(forms.Form):
    branch = forms.ModelChoiceField(label=gettext_lazy("Branch"), queryset=Branch.objects.none())
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    nth = forms.TypedChoiceField(label=gettext_lazy("Which week"), choices=NTH, coerce=int)
    weekday = forms.TypedChoiceField(label=gettext_lazy("Weekday"), choices=WEEKDAYS, coerce=int)
    start_time = forms.TimeField(label=gettext_lazy("Starts at"), initial="09:00")
    end_time = forms.TimeField(label=gettext_lazy("Ends at"), initial="11:30")
    receptionist = forms.CharField(label=gettext_lazy("Receptionist"), max_length=60)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=60, initial="总经理")
    place = forms.CharField(label=gettext_lazy("Place"), max_length=300)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    liaison = forms.CharField(label=gettext_lazy("Liaison"), max_length=60, required=False)
    capacity = forms.IntegerField(label=gettext_lazy("Bookable visits"), min_value=0, max_value=500, initial=10)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_for(user)

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["start_time"] >= data["end_time"]:
            self.add_error("end_time", _("The day must end after it starts."))
        if data.get("phone"):
            try:
                validate_phone(data["phone"])
            except forms.ValidationError as error:
                self.add_error("phone", error)
        return data


class ComplaintFromVisitForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Category"))
    note = forms.CharField(
        label=gettext_lazy("Note for the complaint record"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories
