"""Masking of personal data (PIPL; JR/T 0171). The one place where a phone, ID number or email is masked.

Every page, admin list and export that shows such a value without the right to see it in full calls these.
Each rule has two forms side by side: the Python function and `sql_<rule>(column)`, the same rule as a
PostgreSQL expression, for exports that PostgreSQL writes itself (complaints/compliance/exports/copy.py). A
test runs many inputs through both and requires identical output: change them together.

The SQL forms take a column reference (SQL text, e.g. `"complaints_complaint"."phone"`) and repeat it, so that
PostgreSQL can evaluate them in the scan, in parallel workers (a sub-select would prevent that). They contain no
`%` (they are combined with psycopg2 parameters) and assume standard_conforming_strings (PostgreSQL's default).
"""

import re

# Only ASCII digits count as the digits of a phone number (as [0-9] in SQL); other characters are dropped.
_NOT_DIGITS = re.compile(r"[^0-9]")
# What str.split() splits an ASCII name on.
ASCII_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "

# What replaces personal data past retention (complaints, bookings): bilingual, so staff reading either
# language's admin know why the text is gone.
ANONYMISED = "[已匿名化 anonymised]"
# A phone no typed number ever normalises to (E.164 starts with "+"): an anonymised record cannot be looked up.
ANONYMISED_PHONE = "-"


def sql_literal(text: str) -> str:
    """A PostgreSQL string literal (with standard_conforming_strings only the quote is special)."""
    if "\x00" in text:
        raise ValueError("PostgreSQL text cannot hold NUL")
    return "'" + text.replace("'", "''") + "'"


def mask_phone(value: str | None) -> str:
    """138****5678 for a mobile; for other numbers keep the first three and last four digits."""
    if not value:
        return ""
    digits = _NOT_DIGITS.sub("", value)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def sql_mask_phone(column: str) -> str:
    def rule(digits: str) -> str:
        return (
            f"CASE WHEN length({digits}) = 13 AND left({digits}, 2) = '86' "
            f"THEN substr({digits}, 3, 3) || '****' || right({digits}, 4) "
            f"WHEN length({digits}) <= 7 THEN repeat('*', length({digits})) "
            f"ELSE left({digits}, 3) || repeat('*', length({digits}) - 7) || right({digits}, 4) END"
        )

    # Stored numbers are E.164 (+8613812345678): that case skips the regular expression that finds the digits
    # (LIKE checks the shape, ltrim of the digits leaves nothing when there are only digits; a pattern match
    # costs twice as much).
    return (
        f"CASE WHEN {column} IS NULL THEN '' "
        f"WHEN {column} LIKE '+86___________' AND ltrim(substr({column}, 4), '0123456789') = '' "
        f"THEN substr({column}, 4, 3) || '****' || right({column}, 4) "
        f"ELSE {rule(f"regexp_replace({column}, '[^0-9]', '', 'g')")} END"
    )


def mask_id_number(value: str | None) -> str:
    """1101**********1234: the first four and last four characters of an ID or passport number. Surrounding
    spaces count as characters (they only ever take the place of a shown character)."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def sql_mask_id_number(column: str) -> str:
    return (
        f"CASE WHEN {column} IS NULL THEN '' WHEN length({column}) <= 8 THEN repeat('*', length({column})) "
        f"ELSE left({column}, 4) || repeat('*', length({column}) - 8) || right({column}, 4) END"
    )


def mask_email(value: str | None) -> str:
    """z***@example.com: the first character of the local part and the whole domain."""
    if not value:
        return ""
    local, _, domain = value.partition("@")
    if not domain:
        return mask_id_number(value)
    return (local[:1] or "*") + "***@" + domain


def sql_mask_email(column: str) -> str:
    at = f"strpos({column}, '@')"
    return (
        f"CASE WHEN {column} IS NULL OR {column} = '' THEN '' "
        f"WHEN {at} = 0 OR {at} = length({column}) THEN {sql_mask_id_number(column)} "
        f"WHEN {at} = 1 THEN '****' || {column} "
        f"ELSE left({column}, 1) || '***@' || substr({column}, {at} + 1) END"
    )


def mask_name(value: str | None) -> str:
    """张** / J*** S****: the family name (first character) stays, the rest is hidden. An ASCII name keeps
    the first letter of each word. Surrounding spaces of a non-ASCII name count as characters."""
    if not value:
        return ""
    if value.isascii():
        return " ".join(part[:1] + "*" * (len(part) - 1) for part in value.split())
    return value[:1] + "*" * (len(value) - 1)


def sql_mask_name(column: str) -> str:
    # ASCII (as many bytes as characters in UTF-8): runs of whitespace become one space, then every
    # character that follows a non-space is a star.
    words = f"btrim(regexp_replace({column}, {sql_literal('[' + ASCII_WHITESPACE + ']+')}, ' ', 'g'), ' ')"
    return (
        f"CASE WHEN {column} IS NULL THEN '' WHEN octet_length({column}) = length({column}) "
        f"THEN regexp_replace({words}, '(?<=[^ ])[^ ]', '*', 'g') "
        f"ELSE left({column}, 1) || repeat('*', length({column}) - 1) END"
    )


# What scrub_text removes from free text, in this order (each a plain POSIX-compatible pattern that Python and
# PostgreSQL match alike: greedy, no alternation, ASCII digits only).
SCRUB_PATTERNS = (
    r"[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+[.][A-Za-z]{2,}",  # e-mail addresses
    r"[0-9]{4}(?: [0-9]{4}){3}",  # bank cards written in groups of four
    r"1[3-9][0-9][ -][0-9]{4}[ -][0-9]{4}",  # mobile numbers written 138-1234-5678 or 138 1234 5678
    r"0[0-9]{2,3}-[0-9]{7,8}",  # landlines written 010-85921177
    r"[0-9]{7,}[Xx]?",  # any run of seven digits or more: phones, ID numbers (…X), bank cards, policy numbers
)
SCRUBBED = "****"
_SCRUB = [re.compile(pattern) for pattern in SCRUB_PATTERNS]


def scrub_text(value: str | None) -> str:
    """Free text (a description, a desired outcome, a note) with phone numbers, ID numbers, bank cards and
    e-mail addresses replaced by ****, as the CFPB scrubs published narratives."""
    if not value:
        return ""
    for pattern in _SCRUB:
        value = pattern.sub(SCRUBBED, value)
    return value


def sql_scrub_text(column: str) -> str:
    text = f"coalesce({column}, '')"
    for pattern in SCRUB_PATTERNS:
        text = f"regexp_replace({text}, {sql_literal(pattern)}, {sql_literal(SCRUBBED)}, 'g')"
    # Most texts hold no run of seven digits and no @: one match decides, only the others are rewritten.
    return f"CASE WHEN {column} ~ '[0-9]{{7}}|@|[0-9] [0-9]|[0-9]-[0-9]' THEN {text} ELSE coalesce({column}, '') END"


# --- personal data seen in full --------------------------------------------------------------------------------


def personal_data_seen(user, subject, *, where: str, fields: str) -> None:
    """Log that `user` saw personal data in full: rows of portal.audit.PersonalDataSeen, with the time.

    `subject` is the record seen (a complaint, a booking: any model instance), a list of records shown together
    (a day's bookings, printed: one row each, written at once), or a model class when no one record is meant (a
    search of complaints by a guess at a masked phone); `where` names the page ("admin:complaint"), `fields` the
    field codes shown ("name,phone_in_full", "attachment:12"). The caller decides whether the user sees data in
    full; someone who sees it masked never reaches this."""
    from django.contrib.contenttypes.models import ContentType

    from .audit import PersonalDataSeen

    def row(record, kind):
        return PersonalDataSeen(
            user=user,
            where=where,
            fields=fields,
            content_type=ContentType.objects.get_for_model(kind),
            object_id=None if record is None else record.pk,
            label="" if record is None else str(record)[:200],
        )

    if isinstance(subject, type):
        row(None, subject).save()
    elif isinstance(subject, list | tuple):
        PersonalDataSeen.objects.bulk_create([row(record, record) for record in subject])
    else:
        row(subject, subject).save()
