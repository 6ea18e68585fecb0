from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from ..models import LetterTemplate, MaterialsList, RootCause
from .models import ReportingVolume


@register(RootCause)
class RootCauseTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("zh-hans",)


# The configuration's change history: who changed what, and when (the request's user, through simple-history's
# middleware). Registered here, after the translation fields exist, so that each historical record keeps every
# language's text (as notices/translation.py does for notices).
register_history(RootCause, app="complaints")
register_history(ReportingVolume, app="complaints", excluded_fields=["updated_at"])
register_history(LetterTemplate, app="complaints", excluded_fields=["updated_at"])
register_history(MaterialsList, app="complaints", excluded_fields=["updated_at"])
