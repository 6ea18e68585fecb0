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


def mask_address(value: str | None) -> str:
    """成都市人民路****: the first six characters (the city, often the street) stay, the rest is hidden."""
    if not value:
        return ""
    return value[:6] + "****"


def sql_mask_name(column: str) -> str:
    # ASCII (as many bytes as characters in UTF-8): runs of whitespace become one space, then every
    # character that follows a non-space is a star.
    words = f"btrim(regexp_replace({column}, {sql_literal('[' + ASCII_WHITESPACE + ']+')}, ' ', 'g'), ' ')"
    return (
        f"CASE WHEN {column} IS NULL THEN '' WHEN octet_length({column}) = length({column}) "
        f"THEN regexp_replace({words}, '(?<=[^ ])[^ ]', '*', 'g') "
        f"ELSE left({column}, 1) || repeat('*', length({column}) - 1) END"
    )


# Before any pattern, free text is normalised as NFKC normalises digits and separators: every character that
# NFKC makes one ASCII digit, X, @, dot, hyphen or space (full-width ０-９ and －．＠, circled and mathematical
# digits, the ideographic space) becomes that character, and the other dashes become a hyphen. Only these
# characters change (a Chinese text keeps its full-width punctuation), and the table is computed here once and
# handed to PostgreSQL's translate() as it is, so that both forms normalise alike whatever their Unicode versions.
def _normal_table() -> tuple[str, str]:
    import unicodedata

    wanted = set("0123456789Xx@.- ")
    sources, targets = [], []
    # The blocks where NFKC makes such characters (Latin-1, letterlike and enclosed forms, CJK punctuation,
    # half- and full-width forms, mathematical and segmented digits): the rest of Unicode has none.
    codes = (*range(0x80, 0x3100), *range(0xF900, 0x10000), *range(0x1D400, 0x1FC00))
    for code in codes:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if folded in wanted:
            sources.append(char)
            targets.append(folded)
        elif char in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63":
            sources.append(char)
            targets.append("-")
    return "".join(sources), "".join(targets)


_NORMAL_FROM, _NORMAL_TO = _normal_table()
_NORMAL = str.maketrans(_NORMAL_FROM, _NORMAL_TO)


def normalise_text(value: str | None) -> str:
    """The text with digits and separators in their ASCII form (see above); everything else unchanged."""
    return (value or "").translate(_NORMAL)


# A text holding none of the table's characters is its own normal form. PostgreSQL's translate() compares every
# character of the text with each of the table's (165) in turn, which made it most of a masked export's time; one
# match of this class (a single pass) decides, and only the rare text that needs it is translated. The table holds
# no ASCII character, so none of them is special inside the brackets.
_NEEDS_NORMAL = "[" + _NORMAL_FROM + "]"


def sql_normalise_text(column: str) -> str:
    value = f"coalesce({column}, '')"
    translated = f"translate({value}, {sql_literal(_NORMAL_FROM)}, {sql_literal(_NORMAL_TO)})"
    return f"CASE WHEN {value} ~ {sql_literal(_NEEDS_NORMAL)} THEN {translated} ELSE {value} END"


# What scrub_text removes from free text, in this order, after the normalisation and the case's own data
# (each a plain POSIX-compatible pattern that Python and PostgreSQL match alike: no alternation, ASCII digits
# only, every match decided by where it starts).
SCRUB_PATTERNS = (
    r"[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+[.][A-Za-z]{2,}",  # e-mail addresses
    r"[0-9]{4}(?: [0-9]{4}){3}",  # bank cards written in groups of four
    # ID numbers written in groups (110105-1988-0101-2345, 110105 19880101 234X)
    r"[1-9](?:[-. ]?[0-9]){16}[-. ]?[0-9Xx]",
    r"1[3-9](?:[-. ]?[0-9]){9}",  # mobile numbers in any grouping (139-123-45678, 139.1234.5678, 139 1234 5678)
    r"0[0-9]{2,3}[-. ][0-9]{3,4}[-. ]?[0-9]{4}",  # landlines written 010-85921177, 010 8592 1177
    r"[0-9]{7,}[Xx]?",  # any run of seven digits or more: phones, ID numbers (…X), bank cards, policy numbers
)
SCRUBBED = "****"
_SCRUB = [re.compile(pattern) for pattern in SCRUB_PATTERNS]
# Between the digits of the case's own numbers: what may separate them in free text.
_KNOWN_GAP_CHARS = "-. ()"
_KNOWN_GAP = "[-. ()]{0,2}"
# A pattern no text matches (both engines): the SQL form's "no number to look for".
_NEVER = "a^"
# A text that matches none of this holds no number scrub_text removes (see sql_scrub_text).
_MAY_HOLD_NUMBER = "[0-9]{7}|@|[0-9][-. ()]{1,2}[0-9]"
_MAY_HOLD_NUMBER_RE = re.compile(_MAY_HOLD_NUMBER)


def _known_name(value: str | None) -> str:
    """A name to remove as it is written (after the normalisation); shorter than two characters, none."""
    name = normalise_text(value).strip(" ")
    return name if len(name) >= 2 else ""


def _known_digits(value: str | None) -> str:
    """The digits of a number to remove in any grouping (a leading 86 of a phone dropped); fewer than seven,
    none."""
    digits = _NOT_DIGITS.sub("", normalise_text(value))
    if digits.startswith("86") and len(digits) >= 11:
        digits = digits[2:]
    return digits if len(digits) >= 7 else ""


def _remove_known_number(text: str, digits: str) -> str:
    """`text` with every place where `digits` are written in order, at most two of _KNOWN_GAP_CHARS between two
    of them, replaced by ****, from the left: what re.sub of the pattern digit, _KNOWN_GAP, digit, … does (and
    regexp_replace in sql_scrub_text), without compiling a pattern for every case. A gap is never a digit, so
    each place matches in one way only."""
    parts, done, size = [], 0, len(text)
    start = text.find(digits[0])
    while start != -1:
        end = start + 1
        for digit in digits[1:]:
            gap = 0
            while gap < 2 and end < size and text[end] in _KNOWN_GAP_CHARS:
                end, gap = end + 1, gap + 1
            if end == size or text[end] != digit:
                end = None
                break
            end += 1
        if end is None:
            start = text.find(digits[0], start + 1)
        else:
            parts += (text[done:start], SCRUBBED)
            done = end
            start = text.find(digits[0], end)
    return "".join(parts) + text[done:] if parts else text


def scrub_text(value: str | None, *, names=(), numbers=()) -> str:
    """Free text (a description, a desired outcome, a note, a letter) with phone numbers, ID numbers, bank cards
    and e-mail addresses replaced by ****, as the CFPB scrubs published narratives; first normalised (digits and
    separators, above), then the case's own `names` (the complainant's, the principal's) and `numbers` (phone,
    ID and policy number) removed in whatever grouping they are written."""
    return scrubber(names=names, numbers=numbers)(value)


def scrubber(*, names=(), numbers=()):
    """scrub_text for one case's texts: its names and numbers prepared once (an export scrubs three texts a row)."""
    known_names = [known for name in names if (known := _known_name(name))]
    known_numbers = [digits for number in numbers if (digits := _known_digits(number))]

    def scrub(value: str | None) -> str:
        if value is None:
            return ""
        value = normalise_text(value)
        may_hold_number = _MAY_HOLD_NUMBER_RE.search(value) is not None
        for known in known_names:
            value = value.replace(known, SCRUBBED)
        if not may_hold_number:
            return value
        for digits in known_numbers:
            value = _remove_known_number(value, digits)
        for pattern in _SCRUB:
            value = pattern.sub(SCRUBBED, value)
        return value

    return scrub


def sql_known_name(name: str) -> str:
    """_known_name in SQL: the name as it is removed from a text, '' for none (which replace() leaves alone)."""
    # Shorter than two characters, none (a pattern: the name is computed once).
    return f"regexp_replace(btrim({sql_normalise_text(name)}, ' '), '^.?$', '')"


def sql_plain_row(columns) -> str:
    """True when none of `columns` (a row's texts and names, SQL expressions) holds a character to normalise or
    anything a number pattern could match (see sql_scrub_text's `plain`): one match over them all, joined by
    newlines, which neither test crosses (a match across two of them would only be a false alarm)."""
    joined = f" || {sql_literal(chr(10))} || ".join(f"coalesce({column}, '')" for column in columns)
    return f"NOT ({joined} ~ {sql_literal(f'{_NEEDS_NORMAL}|{_MAY_HOLD_NUMBER}')})"


def sql_plain_name(trimmed: str) -> str:
    """sql_known_name of a name that is its own normal form, from the name trimmed of spaces (btrim(name, ' ')),
    without a pattern."""
    return f"CASE WHEN length({trimmed}) >= 2 THEN {trimmed} ELSE '' END"


def sql_scrub_text(column: str, *, names=(), numbers=(), plain=None, plain_names=()) -> str:
    """The same rule in SQL; `names` and `numbers` are SQL expressions (columns of the same row). A query that
    scrubs several texts of a row can test them and its names once (`plain`, sql_plain_row): where that holds,
    each text is only rid of `plain_names` (sql_plain_name of the row's names, computed once)."""
    normal = sql_normalise_text(column)
    known_names = [sql_known_name(name) for name in names]

    def without_names(text: str, known_names=known_names) -> str:
        for known in known_names:
            text = f"replace({text}, {known}, {sql_literal(SCRUBBED)})"
        return text

    text = named = without_names(normal)
    text_digits = f"regexp_replace({normal}, '[^0-9]', '', 'g')"
    for number in numbers:
        # Its digits, a leading 86 dropped when eleven or more digits remain (one pattern, not a CASE repeating it).
        digits = f"regexp_replace({sql_normalise_text(number)}, '[^0-9]', '', 'g')"
        digits = f"regexp_replace({digits}, '^86(?=[0-9]{{9}})', '')"
        pattern = f"regexp_replace({digits}, '([0-9])(?=[0-9])', {sql_literal(chr(92) + '1' + _KNOWN_GAP)}, 'g')"
        # Only a text whose digits, read without what is between them, hold the number can hold it written in
        # any grouping: the others skip compiling the number's pattern (one per row) and take the never-pattern.
        pattern = (
            f"CASE WHEN length({digits}) >= 7 AND strpos({text_digits}, {digits}) > 0 "
            f"THEN {pattern} ELSE {sql_literal(_NEVER)} END"
        )
        text = f"regexp_replace({text}, {pattern}, {sql_literal(SCRUBBED)}, 'g')"
    scrubbed = text
    for pattern in SCRUB_PATTERNS:
        scrubbed = f"regexp_replace({scrubbed}, {sql_literal(pattern)}, {sql_literal(SCRUBBED)}, 'g')"
    # Most texts hold no run of seven digits, no separated digits and no @: then no number pattern (the case's
    # own, of seven digits or more with at most two of [-. ()] between them, or SCRUB_PATTERNS) can match, and
    # only the names are removed. One match on the normalised text decides (removing a name, which becomes
    # ****, joins no digits), so the costly patterns run only on the texts that may hold a number.
    full = f"CASE WHEN {normal} ~ {sql_literal(_MAY_HOLD_NUMBER)} THEN {scrubbed} ELSE {named} END"
    # Cheaper still for the usual text: an empty one (most desired outcomes and root causes) stays empty, names and
    # all; one that holds none of the normalisation's characters is its own normal form, so a single match of the
    # two tests together decides that it is only to be rid of the names, and none of the above is computed.
    value = f"coalesce({column}, '')"
    if plain is not None:
        return f"CASE WHEN {value} = '' THEN '' WHEN {plain} THEN {without_names(value, plain_names)} ELSE {full} END"
    either = sql_literal(f"{_NEEDS_NORMAL}|{_MAY_HOLD_NUMBER}")
    return f"CASE WHEN {value} = '' THEN '' WHEN {value} ~ {either} THEN {full} ELSE {without_names(value)} END"


# --- personal data seen in full --------------------------------------------------------------------------------


def personal_data_seen(user, subject, *, where: str, fields: str, label: str = "") -> None:
    """Log that `user` saw personal data in full: rows of portal.audit.PersonalDataSeen, with the time.

    `subject` is the record seen (a complaint, a booking: any model instance), a list of records shown together
    (a day's bookings, printed: one row each, written at once), or a model class when no one record is meant (a
    search of complaints by a guess at a masked phone); `where` names the page ("admin:complaint"), `fields` the
    field codes shown ("name,phone_in_full", "attachment:12"). The caller decides whether the user sees data in
    full; someone who sees it masked never reaches this. `label` names what a search of a kind of record looked
    for (a keyed hash of the term, never the term)."""
    from django.contrib.contenttypes.models import ContentType

    from .audit import PersonalDataSeen

    def row(record, kind):
        return PersonalDataSeen(
            user=user,
            where=where,
            fields=fields,
            content_type=ContentType.objects.get_for_model(kind),
            object_id=None if record is None else record.pk,
            label=label[:200] if record is None else str(record)[:200],
        )

    if isinstance(subject, type):
        row(None, subject).save()
    elif isinstance(subject, list | tuple):
        PersonalDataSeen.objects.bulk_create([row(record, record) for record in subject])
    else:
        row(subject, subject).save()
