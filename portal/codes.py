"""Reference numbers people read aloud on the phone: TS-20261121-7KQ2M9XD.

The random part uses Crockford's base-32 alphabet (no I, L, O, U: nothing to confuse with 1 or 0) and ends
with a check character (Luhn mod 32 over the date and random part), so that a mistyped number
is recognised as wrong without a database look-up. Numbers are random, never sequential: 35 bits of
randomness (7 characters) per day and prefix.
"""

import re
import secrets
import unicodedata
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


# What people type for a character of the alphabet: the letters Crockford's alphabet leaves out, read as the
# digits they look like. The random part never holds O, I, L or U, so these readings are never ambiguous.
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_DIGIT_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Pairs that look alike within the alphabet (5/S, 8/B, 2/Z, 6/G): one of them mistyped is corrected only when
# exactly one reading passes the check character.
_CONFUSABLE = {"5": "S", "S": "5", "8": "B", "B": "8", "2": "Z", "Z": "2", "6": "G", "G": "6"}
_SHAPE = re.compile(r"^([A-Z]{2,4})([0-9OIL]{8})([0-9A-Z]{8})$")


def _cleaned(text: str) -> str:
    # NFKC turns full-width letters and digits (ＴＳ２０２６) into ASCII; every separator goes.
    text = unicodedata.normalize("NFKC", text or "").upper()
    return re.sub(r"[\s\-\u2010-\u2015\u2212_.·/]+", "", text)[:40]


def _corrections(payload: str, random_part: str) -> set[str]:
    found = set()
    for position, char in enumerate(random_part):
        other = _CONFUSABLE.get(char)
        if other:
            candidate = random_part[:position] + other + random_part[position + 1 :]
            if _check_character(payload + candidate[:-1]) == candidate[-1]:
                found.add(candidate)
    return found


def normalize(text: str) -> str:
    """What a person typed, as stored: TS-20261121-7KQ2M9XD from "ts 20261121 7kq2m9xd", "TS202611217KQ2M9XD",
    full-width characters or look-alikes (O for 0, I or L for 1). A number whose check character fails is
    corrected when exactly one swap of look-alike characters (5/S, 8/B, 2/Z, 6/G) makes it pass; otherwise it
    is returned as typed, in the canonical shape, and `is_well_formed` says it is wrong."""
    cleaned = _cleaned(text)
    match = _SHAPE.match(cleaned)
    if not match:
        return cleaned
    prefix, day, random_part = match.group(1), match.group(2), match.group(3)
    day = day.translate(_DIGIT_LOOK_ALIKES)
    random_part = random_part.translate(_LOOK_ALIKES)
    payload = f"{prefix}-{day}-"
    if _check_character(payload + random_part[:-1]) != random_part[-1]:
        corrections = _corrections(payload, random_part)
        if len(corrections) == 1:
            random_part = corrections.pop()
    return payload + random_part


def looks_mistyped(text: str) -> bool:
    """True when `text` has the shape of a number (prefix, date, random part) but its check character fails:
    the visitor is told to check the number rather than that nothing was found."""
    code = normalize(text)
    return bool(_PATTERN.match(code)) and not is_well_formed(code)


def is_well_formed(code: str, prefix: str | None = None) -> bool:
    match = _PATTERN.match(code)
    if not match or (prefix and match.group(1) != prefix):
        return False
    return _check_character(code[:-1]) == code[-1]
