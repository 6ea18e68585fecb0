from django import template
from django.utils.translation import get_language

from ..i18n import missing_english
from ..models import province_label
from ..phones import display_phone
from ..privacy import mask_phone

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """A stored phone number in the form people read: 138 1234 5678, 010 8592 1177."""
    return display_phone(value) if value else ""


@register.filter
def tel_href(value: str) -> str:
    digits = "".join(ch for ch in (value or "") if ch.isdigit() or ch == "+")
    return f"tel:{digits}"


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value)


@register.filter
def province(value: str) -> str:
    return province_label(value)


@register.inclusion_tag("includes/untranslated_note.html")
def untranslated_note(obj, *fields):
    """The visible note on an English page whose text falls back to Chinese."""
    return {"show": missing_english(obj, *fields)}


@register.simple_tag
def lang_is_english() -> bool:
    return (get_language() or "").startswith("en")
