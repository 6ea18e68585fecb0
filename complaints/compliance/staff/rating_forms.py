"""Forms of the rating, rule-version and review-register pages (compliance)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ...models import RuleVersion
from ...workflow.rules import VERSION_FIELDS
from ..models import RATING_ELEMENTS, ReviewItem
from ..rating.figures import ELEMENT_NAMES
from .forms import year_choices


class RatingYearForm(forms.Form):
    """Picked with GET: the year of the figures."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)


class WeightsForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, initial_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        for key, floor, default in RATING_ELEMENTS:
            self.fields[key] = forms.IntegerField(
                label=ELEMENT_NAMES[key],
                min_value=0,
                max_value=100,
                initial=(initial_weights or {}).get(key, default),
                help_text=_("At least %(floor)d") % {"floor": floor},
            )
        self.order_fields([key for key, _floor, _default in RATING_ELEMENTS] + ["note"])


class RuleVersionForm(forms.ModelForm):
    class Meta:
        model = RuleVersion
        fields = (*VERSION_FIELDS, "reason")
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}),
            "reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"reason": _("Needed when the version is in force from today or earlier.")}


class ReviewForm(forms.Form):
    reference = forms.CharField(label=_("reference"), max_length=40)
    kind = forms.ChoiceField(label=_("kind"), choices=ReviewItem.Kind.choices)
    title = forms.CharField(label=_("item reviewed"), max_length=200)
    requester = forms.CharField(label=_("requested by"), max_length=100)
    reviewer = forms.CharField(label=_("reviewed by"), max_length=100)
    reviewed_on = forms.DateField(label=_("reviewed on"), widget=forms.DateInput(attrs={"type": "date"}))
    adopted = forms.CharField(
        label=_("Opinions adopted"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One opinion a line."),
    )
    not_adopted = forms.CharField(
        label=_("Opinions not adopted"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One opinion a line."),
    )
    complaints = forms.CharField(
        label=_("complaints that prompted it"),
        required=False,
        help_text=_("Tracking numbers, separated by commas."),
    )
    root_causes = forms.CharField(
        label=_("root causes that prompted it"), required=False, help_text=_("Root-cause codes, separated by commas.")
    )

    def opinions(self) -> list[tuple[str, bool]]:
        lines = [(line.strip(), True) for line in self.cleaned_data["adopted"].splitlines() if line.strip()]
        return lines + [(line.strip(), False) for line in self.cleaned_data["not_adopted"].splitlines() if line.strip()]


class ReviewImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (XLSX or CSV)"))
