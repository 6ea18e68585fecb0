"""Reference numbers people read aloud on the phone: TS-20261121-7KQ2M9XD.

The random part uses Crockford's base-32 alphabet (no I, L, O, U: nothing to confuse with 1 or 0) and ends
with a check character (Luhn mod 32 over the date and random part), so that a mistyped number
is recognised as wrong without a database look-up. Numbers are random, never sequential: 35 bits of
randomness (7 characters) per day and prefix.
"""

import re
import secrets
from datetime import date

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RANDOM_LENGTH = 7
_PATTERN = re.compile(r"^([A-Z]{2,4})-(\d{8})-([0-9A-HJKMNP-TV-Z]{7})([0-9A-HJKMNP-TV-Z])$")


def _check_character(payload: str) -> str:
    """Luhn mod 32 over the date and random part: catches every single substitution and every swap of
    two adjacent characters (except the rare pair whose values sum to 31)."""
    digits_and_random = "".join(payload.split("-")[1:])
    base = len(ALPHABET)
    factor = 2
    total = 0
    for char in reversed(digits_and_random):
        addend = factor * ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // base + addend % base
    return ALPHABET[(base - total % base) % base]


def generate(prefix: str, day: date, choice=secrets.choice) -> str:
    """A new number for `day`. `choice` is the source of randomness: a seeded `random.Random().choice` gives
    reproducible numbers for synthetic data; real numbers always use `secrets`."""
    random_part = "".join(choice(ALPHABET) for _ in range(_RANDOM_LENGTH))
    payload = f"{prefix}-{day:%Y%m%d}-{random_part}"
    return payload + _check_character(payload)


def normalize(text: str) -> str:
    """What a person typed, as stored: upper case, no spaces, common look-alikes mapped (O→0, I/L→1)."""
    cleaned = re.sub(r"[\s\u3000]+", "", text or "").upper().replace("—", "-").replace("－", "-")
    head, _, tail = cleaned.rpartition("-")
    if head:
        tail = tail.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
        cleaned = f"{head}-{tail}"
    return cleaned[:40]


def is_well_formed(code: str, prefix: str | None = None) -> bool:
    match = _PATTERN.match(code)
    if not match or (prefix and match.group(1) != prefix):
        return False
    return _check_character(code[:-1]) == code[-1]
