from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from .models import Notice, NoticeAttachment


@register(Notice)
class NoticeTranslation(TranslationOptions):
    fields = ("title", "summary", "body", "body_html")
    required_languages = {"zh-hans": ("title",), "en": ()}


# The edit history is registered after the translation fields exist, so that every language's text is kept
# in each historical record (a `HistoricalRecords()` on the model would be built before them).
register_history(Notice, app="notices", excluded_fields=["body_html", "body_html_zh_hans", "body_html_en"])
register_history(NoticeAttachment, app="notices")
