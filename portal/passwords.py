"""Password validators beside Django's.

Django's validators let `aaaaaaaaaaaa`, `abcdefghijkl` and `123456789012` through (twelve characters, not in the
common-password list, not all digits for the last but one). Here a run of more than `max_run` characters that
repeat (`aaaaa`) or follow each other up or down (`12345`, `edcba`, `7890`; letters in any case) is refused.

They also let `xiaokang2026`, `P@ssw0rd2026`, `19900101abcd` and a user name typed twice through. The strength
validator asks zxcvbn how hard a password is to guess, with the user's names and the company's among the words it
tries, and refuses a score under `min_score` (3 of 4) with the reason: a name, the company's name, a date, or
common words and patterns.
"""

import itertools
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn


def _step(first: str, second: str) -> int | None:
    """0 for a repeat, +1 or -1 for consecutive characters (9 → 0 counts as going up), None otherwise."""
    if first == second:
        return 0
    if first.isdigit() and second.isdigit() and (first, second) in (("9", "0"), ("0", "9")):
        return 1 if first == "9" else -1
    if first.isalnum() and second.isalnum() and first.isascii() and second.isascii():
        difference = ord(second) - ord(first)
        if difference in (1, -1) and first.isdigit() == second.isdigit():
            return difference
    return None


def longest_run(password: str) -> int:
    """The length of the longest run of repeated or consecutive characters in `password`."""
    text = password.lower()
    longest = 1 if text else 0
    for direction in (0, 1, -1):
        length = 1
        for first, second in itertools.pairwise(text):
            length = length + 1 if _step(first, second) == direction else 1
            longest = max(longest, length)
    return longest


class RepeatedOrSequentialCharactersValidator:
    def __init__(self, max_run: int = 4):
        self.max_run = max_run

    def validate(self, password, user=None):
        if longest_run(password) > self.max_run:
            raise ValidationError(
                _(
                    "This password has more than %(max)d repeated or consecutive characters in a row (such as "
                    "“aaaaa” or “12345”)."
                ),
                code="password_repeated_or_sequential",
                params={"max": self.max_run},
            )

    def get_help_text(self):
        return _("Your password can’t have more than %(max)d repeated or consecutive characters in a row.") % {
            "max": self.max_run
        }


# zxcvbn's estimate grows slowly past this many characters; longer passwords are judged on their start.
_SCORED_LENGTH = 100


def _words(*texts: str) -> list[str]:
    """The words of names as a guesser would try them: each word, and the whole without spaces or punctuation."""
    words = []
    for text in texts:
        text = (text or "").strip().lower()
        if not text:
            continue
        parts = [part for part in re.split(r"[\W_]+", text) if len(part) >= 3]
        words.extend([*parts, "".join(parts), text])
    return list(dict.fromkeys(word for word in words if word))


def user_words(user) -> list[str]:
    """The user's own names: user name, given and family name, display name, the e-mail's local part."""
    if user is None:
        return []
    email = getattr(user, "email", "") or ""
    return _words(
        getattr(user, "username", "") or "",
        getattr(user, "first_name", "") or "",
        getattr(user, "last_name", "") or "",
        str(getattr(user, "display_name", "") or ""),
        email.partition("@")[0],
    )


def company_words() -> list[str]:
    """The company's names in every language (the site profile), and PORTAL_PASSWORD_COMPANY_WORDS."""
    from .models import SiteProfile

    texts = list(getattr(settings, "PORTAL_PASSWORD_COMPANY_WORDS", ()))
    try:
        profile = SiteProfile.load()
    except DatabaseError:
        profile = None
    if profile is not None:
        for field in ("name", "short_name"):
            texts.extend(getattr(profile, f"{field}_{code}", "") or "" for code in ("en", "zh_hans"))
            texts.append(getattr(profile, field, "") or "")
    return _words(*texts)


def _matches(sequence: list[dict]):
    """zxcvbn's matches, with those inside a repeat ("2026abc2026abc")."""
    for match in sequence:
        yield match
        yield from _matches(match.get("base_matches") or [])


class GuessablePasswordValidator:
    """zxcvbn's estimate of how hard the password is to guess (0 to 4), with the user's names and the company's
    names among the words it tries first; dates, keyboard patterns, repeats and common words are its own."""

    def __init__(self, min_score: int = 3):
        self.min_score = min_score

    def validate(self, password, user=None):
        mine, company = user_words(user), company_words()
        result = zxcvbn(password[:_SCORED_LENGTH], user_inputs=[*mine, *company])
        if result["score"] >= self.min_score:
            return
        typed = password.lower()
        if any(len(word) >= 4 and word in typed for word in mine):
            message = _("This password is too easy to guess: it contains your name or user name.")
            code = "password_contains_user_name"
        elif any(len(word) >= 4 and word in typed for word in company):
            message = _("This password is too easy to guess: it contains the company’s name.")
            code = "password_contains_company_name"
        elif any(match.get("pattern") == "date" for match in _matches(result["sequence"])):
            message = _("This password is too easy to guess: it contains a date.")
            code = "password_contains_date"
        else:
            message = _("This password is too easy to guess: avoid common words, repeats and keyboard patterns.")
            code = "password_too_guessable"
        raise ValidationError(message, code=code)

    def get_help_text(self):
        return _(
            "Your password must be hard to guess: no names (yours or the company’s), no dates, no repeated or common "
            "words."
        )
