from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from .models import BranchStaff, ReceptionDay


@register(ReceptionDay)
class ReceptionDayTranslation(TranslationOptions):
    fields = ("title", "place", "notes", "status_reason")
    required_languages = {"zh-hans": ("place",)}


# The edit history keeps every language's text, so that a change to the English place shows in the history too.
@register(ReceptionDay.history.model)
class HistoricalReceptionDayTranslation(TranslationOptions):
    fields = ("title", "place", "notes", "status_reason")


# The configuration's change history: who changed what, and when (the request's user, through simple-history's
# middleware), kept like the other configuration models' (portal/translation.py, complaints/compliance/translation.py).
register_history(BranchStaff, app="reception")
