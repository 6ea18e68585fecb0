from django import template

register = template.Library()


@register.filter
def notice_lang(notice, field: str) -> str:
    """The `lang` of a notice's text as shown: English pages fall back to Chinese where English is missing."""
    return notice.text_language(field)
