from django import forms
from django.utils.translation import gettext_lazy as _

from portal.rights import RIGHT_CHOICES

from .models import Audience

QUERY_MAX_LENGTH = 100
FILTER_FIELDS = ("q", "right", "audience")


class NoticeFilterForm(forms.Form):
    """The GET form above a list: words to find, and a right and an audience to narrow it down."""

    q = forms.CharField(label=_("Search notices"), required=False)
    right = forms.ChoiceField(label=_("Consumer right"), required=False, choices=[("", _("Any right")), *RIGHT_CHOICES])
    audience = forms.ChoiceField(label=_("For whom"), required=False, choices=[("", _("Everyone")), *Audience.choices])

    def __init__(self, params, *args, **kwargs):
        # What arrives in the address is anything at all: NUL bytes (refused by PostgreSQL) are dropped and
        # an overlong search is cut, so that no address leads to an error page.
        data = params.copy()
        for key in FILTER_FIELDS:
            value = data.get(key, "")
            value = value.replace("\x00", "").strip()
            if key == "q":
                value = " ".join(value.split())[:QUERY_MAX_LENGTH]
            data[key] = value
        super().__init__(data, *args, **kwargs)

    def filters(self) -> dict:
        """The valid criteria only; an unknown right or audience is reported on the form and ignored."""
        self.is_valid()
        return {key: self.cleaned_data.get(key, "") for key in FILTER_FIELDS if key in self.cleaned_data}
