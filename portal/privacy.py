"""Masking of personal data (PIPL; JR/T 0171). The one place where a phone, ID number or email is masked.

Every page, admin list and export that shows such a value without the right to see it in full calls these.
"""

import re

_DIGITS = re.compile(r"\D")


def mask_phone(value: str | None) -> str:
    """138****5678 for a mobile; for other numbers keep the first three and last four digits."""
    if not value:
        return ""
    digits = _DIGITS.sub("", value)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(value: str | None) -> str:
    """1101**********1234: the first four and last four characters of an ID or passport number."""
    if not value:
        return ""
    text = value.strip()
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def mask_email(value: str | None) -> str:
    """z***@example.com: the first character of the local part and the whole domain."""
    if not value:
        return ""
    local, _, domain = value.partition("@")
    if not domain:
        return mask_id_number(value)
    return (local[:1] or "*") + "***@" + domain


def mask_name(value: str | None) -> str:
    """张** / J*** S****: the family name (first character) stays, the rest is hidden."""
    if not value:
        return ""
    text = value.strip()
    if text.isascii():
        return " ".join(part[:1] + "*" * (len(part) - 1) for part in text.split())
    return text[:1] + "*" * (len(text) - 1)
