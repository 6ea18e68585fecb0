from modeltranslation.translator import TranslationOptions, register

from .models import Branch, SiteProfile


@register(SiteProfile)
class SiteProfileTranslation(TranslationOptions):
    fields = ("name", "short_name", "address", "office_hours", "english_service_hours", "complaint_channels")
    required_languages = ("zh-hans",)


@register(Branch)
class BranchTranslation(TranslationOptions):
    fields = ("name", "address", "counter_hours", "transit")
    required_languages = ("zh-hans",)
