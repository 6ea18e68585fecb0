from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import pagecache
from ..display import is_elderly
from ..i18n import missing_english, written_in_chinese
from ..models import province_label
from ..phones import display_phone
from ..privacy import mask_phone
from ..reversing import cached_reverse

register = template.Library()


@register.filter
def change_reason(value) -> str:
    """A version's change reason in words (portal.versions.reason_in_words)."""
    from portal.versions import reason_in_words

    return reason_in_words(value)


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


@register.filter
def chinese_text(value: str) -> bool:
    """`{% if text|chinese_text %}`: the text holds Chinese characters (portal.i18n.written_in_chinese)."""
    return written_in_chinese(value)


@register.inclusion_tag("includes/untranslated_note.html")
def untranslated_note(obj, *fields):
    """The visible note on an English page whose text falls back to Chinese."""
    return {"show": missing_english(obj, *fields)}


class FragmentNode(template.Node):
    def __init__(self, nodelist, name: str, vary_on: list, unless=None, only_if=None, by_content=False):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.unless = unless
        self.only_if = only_if
        self.by_content = by_content

    def render(self, context):
        if self.unless is not None and self.unless.resolve(context):
            return self.nodelist.render(context)
        if self.only_if is not None and not self.only_if.resolve(context):
            return self.nodelist.render(context)
        request = context.get("request")
        parts = ("fragment", self.name, get_language() or "", "e" if is_elderly(request) else "s")
        parts += tuple(value.resolve(context) for value in self.vary_on)
        if self.by_content:
            return pagecache.remember_content(parts, lambda: self.nodelist.render(context))
        return pagecache.remember(parts, lambda: self.nodelist.render(context), request)


@register.tag
def fragment(parser, token):
    """`{% fragment "name" value… %}…{% endfragment %}`: the enclosed markup rendered once and kept in the cache,
    per language, display mode and content version (the page cache's: any change to public content renews
    every fragment), and per the values named. For the parts many pages share — the site's header and footer,
    a notice's card — so that a page the page cache does not hold is still rendered mostly from cached parts.
    Only for markup that depends on nothing else: no CSRF token, no per-visitor data. `… unless expr %}` renders
    afresh when expr is true; `… if expr %}` is shared only when expr is true, and rendered afresh when it is
    false or missing (a form's fields are shared only while nothing has been typed into them).
    `… by content %}` (last, after `if`/`unless` if any) keeps the markup by the values named instead of the
    content version (a model instance by every field it was loaded with: pagecache.remember_content): for
    markup that depends on nothing but them and the code, such as a notice's card, which a publish elsewhere
    then does not render again."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name.")
    unless = only_if = None
    by_content = len(bits) >= 4 and bits[-2:] == ["by", "content"]
    if by_content:
        bits = bits[:-2]
    if len(bits) >= 4 and bits[-2] == "unless":
        unless = parser.compile_filter(bits[-1])
        bits = bits[:-2]
    elif len(bits) >= 4 and bits[-2] == "if":
        only_if = parser.compile_filter(bits[-1])
        bits = bits[:-2]
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    vary_on = [parser.compile_filter(bit) for bit in bits[2:]]
    return FragmentNode(nodelist, bits[1].strip("\"'"), vary_on, unless, only_if, by_content)


class CaptureNode(template.Node):
    def __init__(self, nodelist, name: str):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        output = self.nodelist.render(context)
        # The output is the template's own rendering, already escaped: kept as it is, not escaped twice.
        context.dicts[0][self.name] = mark_safe(output.strip())  # noqa: S308
        return output


@register.tag
def capture(parser, token):
    """`{% capture name %}…{% endcapture %}` renders its content where it stands and also keeps it as `name`,
    for later in the page: base.html shows a page's title block in <title> and again as og:title."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% capture %} takes one name.")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])


@register.simple_tag
def colon() -> str:
    """The colon after a label: full-width on Chinese pages (“状态：”), a colon and a space on English ones."""
    return ": " if (get_language() or "").startswith("en") else "："


@register.simple_tag
def sentence_gap() -> str:
    """Between two sentences: nothing on Chinese pages (“…（已受理）。上级机构…”), a space on English ones."""
    return " " if (get_language() or "").startswith("en") else ""


@register.filter
def in_brackets(value) -> str:
    """A value in brackets after the text before it: “（100020）” on Chinese pages, “ (100020)” on English ones."""
    if value in (None, ""):
        return ""
    text = conditional_escape(value)
    return mark_safe(f" ({text})" if (get_language() or "").startswith("en") else f"（{text}）")  # noqa: S308


@register.simple_tag
def breadcrumbs(trail) -> str:
    """The trail above a page's heading: Home, then (label, url) pairs; the last one is the page itself. Written
    here rather than as an included template: it is on nearly every page, and an include costs a template
    look-up and a context of its own each time."""
    items = [format_html('<li><a href="{}">{}</a></li>', cached_reverse("portal:home"), _("Home"))]
    last = len(trail) - 1
    for index, (label, url) in enumerate(trail):
        if url and index != last:
            items.append(format_html('<li><a href="{}">{}</a></li>', url, label))
        else:
            items.append(format_html('<li><span aria-current="page">{}</span></li>', label))
    return format_html(
        '<nav class="breadcrumbs wrap" aria-label="{}">\n  <ol>\n    {}\n  </ol>\n</nav>',
        _("Breadcrumb"),
        mark_safe("\n    ".join(items)),  # noqa: S308 - each item is built by format_html
    )
