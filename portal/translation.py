from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from .models import Branch, SiteProfile


@register(SiteProfile)
class SiteProfileTranslation(TranslationOptions):
    fields = ("name", "short_name", "address", "office_hours", "english_service_hours", "complaint_channels")
    required_languages = ("zh-hans",)


@register(Branch)
class BranchTranslation(TranslationOptions):
    fields = ("name", "address", "counter_hours", "transit")
    required_languages = ("zh-hans",)


# The configuration's change history: who changed what, and when (the request's user, through simple-history's
# middleware). Registered here, after the translation fields exist, so that each historical record keeps every
# language's text (as notices/translation.py does for notices).
register_history(SiteProfile, app="portal", excluded_fields=["updated_at"])
register_history(Branch, app="portal")
