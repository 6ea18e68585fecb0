"""Pages of empty forms (the complaint form, the tracking look-up): the same for every visitor without a session
who asks for the same address in the same display mode, but for the visitor's CSRF token and, on the complaint
form, its one-time token. Such a page is rendered once per content version with a slot where each token goes
(kept like a fragment, so it follows every change to public content), and each visitor gets a copy with their
own tokens in the slots. The response itself stays uncached (`never_cache`): it carries the visitor's tokens
and sets their CSRF cookie."""

import secrets

from django.http import HttpResponse
from django.template.context import make_context
from django.template.loader import get_template

from ..forms import csrf_token
from .fragments import remember
from .keys import anonymous_key


def blank_form_page(request, template_name: str, context, tokens: dict | None = None) -> HttpResponse | None:
    """The page of `template_name` for a visitor without a session or pending messages, or None when the page
    must be rendered for this visitor alone (a session or pending messages). With the fragment cache off
    it is rendered for every visitor, its slots filled the same way. `tokens` holds
    this visitor's values that the page shows besides the CSRF token (name: value); `context` is the template's
    context, or a function of the slots (name: slot text) that returns it, for a view that puts a token into
    a form. Only what `context` computes is shared: it must not depend on the visitor."""
    key = anonymous_key(request.META)
    if key is None:
        return None
    tokens = {"csrf_token": csrf_token(request), **(tokens or {})}

    def render():
        # Letters and digits only, so that HTML escaping leaves a slot as it is; random, so that no text a visitor
        # or an editor wrote can hold one. Kept with the page, which other processes fill too.
        prefix = "slot" + secrets.token_hex(8)
        slots = {name: f"{prefix}x{index}x" for index, name in enumerate(tokens)}
        template = get_template(template_name)
        bound = make_context(context(slots) if callable(context) else context, request)
        # The CSRF token comes from a context processor, which outranks the view's context: a layer on top of
        # the processors' values holds the slots.
        with bound.bind_template(template.template), bound.push(csrf_token=slots["csrf_token"]):
            return prefix, template.template.render(bound)

    prefix, html = remember(("blank-form", template_name, key, *tokens), render, request)
    for index, value in enumerate(tokens.values()):
        html = html.replace(f"{prefix}x{index}x", str(value))
    return HttpResponse(html)
