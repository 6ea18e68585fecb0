"""The placeholders of decision-letter templates and their substitution: plain names in braces, never the
template engine on text that supervisors write; and the templates' hints: words in double square brackets,
[[state the facts found]], that the handler replaces with the case's own facts before anything goes out."""

import re
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


# A hint is written in half-width double square brackets: [[state the facts found and the terms relied on]]. It is
# left as written when a template is filled; a decision or a letter that still holds one is refused, naming it.
HINT_OPEN, HINT_CLOSE = "[[", "]]"
_HINT = re.compile(r"\[\[(.*?)\]\]", re.S)
# Brackets that look like a hint's but are not the syntax (a Chinese input method types 【 for [).
_LOOKALIKES = ("【【", "】】")
# A hint's words left in place without their brackets are found when they are this long (shorter words, "金额",
# are everyday words of a decision).
BARE_HINT_MIN = 8
_STRAY_SHOWN = 20


_FULL_WIDTH_BRACKETS = str.maketrans("［］", "[]")


def _normalised(text: str) -> str:
    # Full-width square brackets (［［…］］) are the same hint; nothing else is changed (the hint is shown as written).
    return (text or "").translate(_FULL_WIDTH_BRACKETS)


def hint_words(body: str) -> list[str]:
    """The words of each hint a template holds, in order, once each."""
    words = []
    for match in _HINT.finditer(_normalised(body)):
        word = match.group(1).strip()
        if word and word not in words:
            words.append(word)
    return words


def find_hints(text: str, known=()) -> list[str]:
    """The hints `text` still holds, as they appear, in order, once each: every [[…]]; a [[ or ]] left alone (a
    hint half deleted), shown with the words after or before it; and the `known` hint words of the templates left
    in place, in single brackets ([…], 【…】) or, when long enough, bare."""
    text = _normalised(text)
    found = []

    def add(hint):
        if hint not in found:
            found.append(hint)

    for match in _HINT.finditer(text):
        add(match.group(0))
    rest = _HINT.sub(" ", text)
    for match in re.finditer(r"\[\[|\]\]", rest):
        if match.group(0) == HINT_OPEN:
            after = rest[match.end() :].split("\n", 1)[0][:_STRAY_SHOWN]
            add(HINT_OPEN + after + ("…" if len(after) == _STRAY_SHOWN else ""))
        else:
            before = rest[: match.start()].rsplit("\n", 1)[-1][-_STRAY_SHOWN:]
            add(("…" if len(before) == _STRAY_SHOWN else "") + before + HINT_CLOSE)
    for word in known:
        for shown in (f"[{word}]", f"【{word}】"):
            if shown in rest:
                add(shown)
                break
        else:
            if len(word) >= BARE_HINT_MIN and word in rest:
                add(word)
    return found


def check_hints(body: str) -> None:
    """Refuse a template whose hints are not written in the one syntax: [[…]], half-width, each closed."""
    text = body or ""
    if any(lookalike in text for lookalike in _LOOKALIKES):
        raise ValidationError(
            {"body": _("Write a hint in half-width double square brackets, [[like this]], not 【【…】】.")},
            code="hint_brackets",
        )
    stray = [hint for hint in find_hints(text) if not _HINT.fullmatch(hint)]
    if stray:
        raise ValidationError(
            {"body": _("A hint is not closed or not opened: %(hint)s. Write each hint as [[…]].") % {"hint": stray[0]}},
            code="hint_unclosed",
        )
