"""A password validator beside Django's: no long runs of one character or of consecutive ones.

Django's validators let `aaaaaaaaaaaa`, `abcdefghijkl` and `123456789012` through (twelve characters, not in the
common-password list, not all digits for the last but one). Here a run of more than `max_run` characters that
repeat (`aaaaa`) or follow each other up or down (`12345`, `edcba`, `7890`; letters in any case) is refused.
"""

import itertools

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


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
