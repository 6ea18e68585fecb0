from django import template

from .. import search

register = template.Library()


@register.filter
def notice_lang(notice, field: str) -> str:
    """The `lang` of a notice's text as shown: English pages fall back to Chinese where English is missing."""
    return notice.text_language(field)


@register.filter
def highlight(text: str, variants) -> str:
    """The text with the search's words (and their synonyms) marked."""
    return search.highlight(str(text or ""), variants or [])
