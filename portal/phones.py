"""Phone numbers, validated with Google's metadata (phonenumbers), not a regex.

Accepts Chinese mobiles (13812345678, +86 138 1234 5678), landlines with area code (010-85921177) and
400/800 service numbers (400-815-6688), and numbers abroad written with + (or 00) and their country code
(+852 6123 4567, 0044 20 7946 0958). A number that is not valid gets the message for what was typed: the
Chinese forms, or, for a number starting with + or 00 and another country code, how to write one from abroad.
The forms' help (PHONE_HELP; the complaint form's tip PHONE_ABROAD_TIP) names both.
"""

import hmac

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID_PHONE = _(
    "Enter a valid Chinese phone number: a mobile (e.g. 13812345678) or a landline with its area code "
    "(e.g. 010-85921177). A number outside mainland China starts with + and its country code "
    "(e.g. +852 6123 4567)."
)
INVALID_INTERNATIONAL_PHONE = _(
    "Enter a valid international phone number: + and the country code, then the number without its leading 0 "
    "(e.g. +44 20 7946 0958 or +852 6123 4567). Check the digits: this one is not a number in use there."
)
# The complaint form's tip on numbers abroad (its phone field keeps a short help: the elderly mode's first screen).
PHONE_ABROAD_TIP = _("A phone number outside mainland China: write + and the country code first, e.g. +852 6123 4567.")
# The help under a phone field of the public forms.
PHONE_HELP = _(
    "A mobile, or a landline with its area code. A number outside mainland China: + and its country code "
    "(e.g. +852 6123 4567)."
)


_ALLOWED_CHARACTERS = set("0123456789+-() ")


def _international(text: str) -> bool:
    """Typed as a number abroad: + or 00 and a country code other than China's."""
    digits = text.replace(" ", "").replace("-", "").replace("(", "").replace(")", "")
    return (digits.startswith("+") and not digits.startswith("+86")) or (
        digits.startswith("00") and not digits.startswith("0086")
    )


def _refusal(text: str) -> ValidationError:
    if _international(text):
        return ValidationError(INVALID_INTERNATIONAL_PHONE, code="invalid_phone")
    return ValidationError(INVALID_PHONE, code="invalid_phone")


def parse_phone(value: str) -> phonenumbers.PhoneNumber:
    text = (value or "").strip()
    if not text or len(text) > 32 or not set(text) <= _ALLOWED_CHARACTERS:
        raise _refusal(text if len(text) <= 32 else "")
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise _refusal(text) from None
    if not phonenumbers.is_valid_number(number):
        raise _refusal(text)
    return number


def normalize_phone(value: str) -> str:
    """The canonical form kept in the database: E.164 (+8613812345678), so that look-ups compare equal."""
    return phonenumbers.format_number(parse_phone(value), phonenumbers.PhoneNumberFormat.E164)


# What an unknown record is compared with, so that a look-up costs the same whether the record exists or not.
_NO_PHONE = "+860000000000"


def phones_match(stored: str | None, typed: str) -> bool:
    """Whether a typed number (in any form a person types it) is the stored one (E.164), compared in constant
    time; False for a number that does not parse. Look-ups by number and phone (tracking a complaint, finding a
    booking) pass `stored=None` when no record has the number, so both cases cost the same."""
    try:
        typed = normalize_phone(typed)
    except ValidationError:
        return False  # decided by the typed text alone: it tells nothing about the record
    return hmac.compare_digest((stored or _NO_PHONE).encode(), typed.encode()) and stored is not None


def validate_phone(value: str) -> None:
    parse_phone(value)


def display_phone(value: str) -> str:
    """How a stored number is shown to people: 138 1234 5678, 010 8592 1177, 400 815 6688."""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return value
    if number.country_code != 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
