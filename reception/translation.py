from modeltranslation.translator import TranslationOptions, register

from .models import ReceptionDay


@register(ReceptionDay)
class ReceptionDayTranslation(TranslationOptions):
    fields = ("title", "place", "notes", "status_reason")
    required_languages = {"zh-hans": ("place",)}


# The edit history keeps every language's text, so that a change to the English place shows in the history too.
@register(ReceptionDay.history.model)
class HistoricalReceptionDayTranslation(TranslationOptions):
    fields = ("title", "place", "notes", "status_reason")
