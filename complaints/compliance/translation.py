from modeltranslation.translator import TranslationOptions, register

from ..models import RootCause


@register(RootCause)
class RootCauseTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("zh-hans",)
