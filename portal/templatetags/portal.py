from django import template
from django.utils.translation import get_language

from .. import pagecache
from ..display import is_elderly
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


class FragmentNode(template.Node):
    def __init__(self, nodelist, name: str, vary_on: list, unless=None):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.unless = unless

    def render(self, context):
        if self.unless is not None and self.unless.resolve(context):
            return self.nodelist.render(context)
        request = context.get("request")
        parts = ("fragment", self.name, get_language() or "", "e" if is_elderly(request) else "s")
        parts += tuple(value.resolve(context) for value in self.vary_on)
        return pagecache.remember(parts, lambda: self.nodelist.render(context), request)


@register.tag
def fragment(parser, token):
    """`{% fragment "name" value… %}…{% endfragment %}`: the enclosed markup rendered once and kept in the cache,
    per language, display mode and content version (the page cache's: any change to public content renews
    every fragment), and per the values named. For the parts many pages share — the site's header and footer,
    a notice's card — so that a page the page cache does not hold is still rendered mostly from cached parts.
    Only for markup that depends on nothing else: no CSRF token, no per-visitor data. `… unless expr %}` renders
    afresh when expr is true (a form's fields are shared only while the form is empty)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name.")
    unless = None
    if len(bits) >= 4 and bits[-2] == "unless":
        unless = parser.compile_filter(bits[-1])
        bits = bits[:-2]
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    vary_on = [parser.compile_filter(bit) for bit in bits[2:]]
    return FragmentNode(nodelist, bits[1].strip("\"'"), vary_on, unless)
