"""The placeholders of decision-letter templates and their substitution: plain names in braces, never the
template engine on text that supervisors write."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The placeholders a template may use, each with what it is filled with (shown to supervisors).
PLACEHOLDERS = {
    "tracking_number": _("the complaint's tracking number"),
    "name": _("the complainant's name"),
    "received_date": _("the day the complaint was received"),
    "due_date": _("the date to meet"),
    "decision_date": _("the day of the decision (today while deciding)"),
    "decision": _("the decision's text"),
    "remedies": _("the further remedies open to the complainant"),
    "regulator_route": _("the regulator's route (consumer hotline 12378)"),
    "insurer": _("the insurer's name"),
    "today": _("today's date"),
}


def check_placeholders(body: str) -> None:
    """Refuse a text whose braces do not name a known placeholder (a typo would reach the complainant)."""
    try:
        parts = list(string.Formatter().parse(body or ""))
    except ValueError:
        raise ValidationError(
            {"body": _("A brace is not closed or not opened. Write a literal brace twice: {{ or }}.")},
            code="braces",
        ) from None
    unknown = sorted(
        {
            field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            for _literal, field, spec, conversion in parts
            if field is not None and (field not in PLACEHOLDERS or spec or conversion)
        }
    )
    if unknown:
        raise ValidationError(
            {
                "body": _("Unknown placeholder: %(names)s. The placeholders are: %(known)s.")
                % {
                    "names": ", ".join("{" + name + "}" for name in unknown),
                    "known": ", ".join("{" + name + "}" for name in PLACEHOLDERS),
                }
            },
            code="placeholder",
        )


def substitute(body: str, values: dict[str, str]) -> str:
    """The text with each placeholder replaced by its value, as plain text ({{ and }} become braces)."""
    out = []
    for literal, field, _spec, _conversion in string.Formatter().parse(body):
        out.append(literal)
        if field is not None:
            out.append(values.get(field, ""))
    return "".join(out)
