"""Decision letters: the templates' placeholders, their safe filling with a case's facts, and the printable letter.

A template's text is the staff's own wording with placeholders in braces ({tracking_number}, {name}, ...). Only the
names in PLACEHOLDERS exist; they are checked when a template is saved and substituted as plain text, so nothing a
supervisor types is ever run as a template or reaches an attribute of the case. Everything is written in the
complainant's language (the fixed sentences through the catalog, under translation.override).

A template's hints, [[state the facts found]], are left as written when it is filled: the handler replaces them.
`hints_in` finds those left in a decision or a letter (the [[…]] marks, and any template's hint words left in place),
and the services refuse to decide, print or issue until none is left.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext, pgettext

from portal import regulator
from portal.models import SiteProfile

from .models import Complaint, LetterTemplate, Remedy
from .placeholders import find_hints, hint_words, substitute
from .review import remedies_offered, review_unit, review_window_ends


def template_hint_words() -> list[str]:
    """The hint words of every template, in use or not (a decision may have been started from an older one)."""
    words = []
    for body in LetterTemplate.objects.values_list("body", flat=True):
        words.extend(word for word in hint_words(body) if word not in words)
    return words


def hints_in(text: str) -> list[str]:
    """The hints `text` still holds, as they appear in it (placeholders.find_hints, with every template's words)."""
    return find_hints(text, template_hint_words())


def quoted_hint(hint: str) -> str:
    """A hint as a sentence quotes it: 「[[…]]」 in Chinese, as it is in English (its brackets set it apart)."""
    return pgettext("a hint quoted in a sentence", "%(hint)s") % {"hint": hint}


def quoted_hints(hints: list[str]) -> str:
    """The hints as a sentence names them: each quoted, in the language's list."""
    return pgettext("list separator", ", ").join(quoted_hint(hint) for hint in hints)


def hints_message(hints: list[str]) -> str:
    """Why a letter holding `hints` is neither printed nor issued (the service's refusal, the printed page)."""
    return ngettext(
        "The letter still holds the template's hint %(hints)s. It cannot be printed or recorded as issued until "
        "the decision states the facts of this case.",
        "The letter still holds the template's hints %(hints)s. It cannot be printed or recorded as issued until "
        "the decision states the facts of this case.",
        len(hints),
    ) % {"hints": quoted_hints(hints)}


def hints_heading(hints: list[str]) -> str:
    """The preview's warning above the list of `hints` (which it does not repeat)."""
    return ngettext(
        "The letter still holds this hint of the template. It cannot be printed or recorded as issued until the "
        "decision states the facts of this case:",
        "The letter still holds these hints of the template. It cannot be printed or recorded as issued until "
        "the decision states the facts of this case:",
        len(hints),
    )


def letter_date(day: date | None, language: str) -> str:
    """A date as a letter writes it: 2026年12月2日, or 2 December 2026."""
    if day is None:
        return "—"
    if language.startswith("zh"):
        return f"{day.year}年{day.month}月{day.day}日"
    with translation.override("en"):
        return formats.date_format(day, "j F Y")


def remedy_sentences(complaint: Complaint) -> list[str]:
    """The further remedies the decision names (all four when it names none yet; no review of a review), one
    sentence each, in the active language: the review by the superior unit within 30 days, mediation,
    arbitration, litigation."""
    named = set(remedies_offered(complaint, complaint.remedies or Remedy.values))
    codes = [code for code in Remedy.values if code in named]
    sentences = []
    for code in codes:
        if code == Remedy.REVIEW:
            unit = review_unit(complaint)
            until = review_window_ends(complaint)
            text = gettext(
                "You may ask %(unit)s for a review in writing within 30 days of receiving this decision."
            ) % {"unit": unit.name if unit else gettext("our superior unit")}
            if until:
                language = translation.get_language() or "zh-hans"
                # Chinese sentences follow each other without a space.
                text += ("" if language.startswith("zh") else " ") + gettext("The last day to ask is %(date)s.") % {
                    "date": letter_date(until, language)
                }
            sentences.append(text)
        elif code == Remedy.MEDIATION:
            sentences.append(gettext("You may ask for mediation by an insurance dispute mediation organisation."))
        elif code == Remedy.ARBITRATION:
            sentences.append(gettext("You may apply for arbitration under an arbitration agreement."))
        elif code == Remedy.LITIGATION:
            sentences.append(gettext("You may bring a lawsuit before a people's court."))
    return sentences


def facts(complaint: Complaint, *, language: str | None = None) -> dict[str, str]:
    """The placeholders' values for `complaint`, in `language` (the complainant's by default)."""
    language = language or complaint.language
    today = timezone.localdate()
    decided = timezone.localdate(complaint.decided_at) if complaint.decided_at else today
    with translation.override(language):
        return {
            "tracking_number": complaint.tracking_number,
            "name": complaint.name,
            "received_date": letter_date(timezone.localdate(complaint.received_at), language),
            "due_date": letter_date(complaint.due_date, language),
            "decision_date": letter_date(decided, language),
            "decision": complaint.decision,
            "remedies": "\n".join(remedy_sentences(complaint)),
            "regulator_route": str(regulator.sentence()),
            "insurer": SiteProfile.load().name,
            "today": letter_date(today, language),
        }


def fill(template, complaint: Complaint) -> str:
    """A template's text filled with the case's facts, in the complainant's language."""
    return substitute(template.body, facts(complaint))


@dataclass(frozen=True)
class Letter:
    """The decision letter as printed: the insurer's heading, date, number, salutation, body and the remedies."""

    language: str
    insurer: str
    address: str
    hotline: str
    date: str
    number: str
    salutation: str
    body: str
    remedies_heading: str
    remedies: list[str]
    regulator_route: str
    closing: str

    @property
    def paragraphs(self) -> list[str]:
        """The body's paragraphs: one for each line written."""
        return [line.strip() for line in self.body.splitlines() if line.strip()]

    @property
    def hints(self) -> list[str]:
        """The templates' hints the letter still holds: it may not be printed or issued while any is left."""
        return hints_in(self.body)

    @property
    def text(self) -> str:
        """The letter as plain text: what is kept in the case history when it is issued."""
        lines = [self.insurer, self.date, self.number, "", self.salutation, "", self.body, "", self.remedies_heading]
        lines += [f"- {sentence}" for sentence in self.remedies]
        lines += [f"- {self.regulator_route}", "", self.closing, self.insurer]
        return "\n".join(lines)


def decision_letter(complaint: Complaint) -> Letter:
    """The letter telling the complainant the decision, in their language, from the decision's text and the
    case's facts (for complainants who came by letter, visit or phone)."""
    language = complaint.language
    profile = SiteProfile.load()
    with translation.override(language):
        return Letter(
            language=language,
            insurer=profile.name,
            address=profile.address,
            hotline=profile.hotline,
            date=letter_date(
                timezone.localdate(complaint.decided_at) if complaint.decided_at else timezone.localdate(), language
            ),
            number=gettext("Complaint number: %(number)s") % {"number": complaint.tracking_number},
            salutation=gettext("Dear %(name)s,") % {"name": complaint.name},
            body=complaint.decision,
            remedies_heading=gettext("If you disagree with this decision"),
            remedies=remedy_sentences(complaint),
            regulator_route=str(regulator.sentence()),
            closing=gettext("Yours sincerely,"),
        )
