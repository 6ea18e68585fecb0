"""A record's versions (django-simple-history's history pages) in words: each change as its field's label and
the values as people read them — a choice's label, not its code ("Draft → Published", never "draft →
published"), a moment in Beijing time to the minute (never UTC with microseconds), yes or no, a person by name,
a dash for nothing."""

from datetime import date, datetime

from django.db.models import ForeignKey
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.template_utils import HistoricalRecordContextHelper

from .beijing import BEIJING


def in_words(field, value) -> str:
    """A stored value of `field` as shown on a history page."""
    if value in (None, ""):
        return "—"
    choices = dict(field.flatchoices or ())
    if choices:
        return str(choices.get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        moment = timezone.localtime(value, BEIJING) if timezone.is_aware(value) else value
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(field, ForeignKey) and not hasattr(value, "_meta"):
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    return str(value)


# code -> label of the reasons services give versions (an app registers its own, e.g. notices' "published").
CHANGE_REASONS: dict[str, object] = {}


def reason_in_words(reason) -> str:
    """A version's change reason as people read it: a registered code's label, else the text as written."""
    if not reason:
        return ""
    return str(CHANGE_REASONS.get(reason, reason))


class WordsHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.many_to_many:
            return super().prepare_delta_change_value(change, value)
        return in_words(field, value)
