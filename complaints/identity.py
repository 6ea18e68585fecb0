"""Who "the same person" is, written once. The repeat warning (complaints.workflow.repeats), the escalation
link (a forwarded complaint after a direct one) and the ring signals (many policyholders behind one contact)
all compare people through these keys, so that a phone typed with spaces, an ID number with a lower-case x and
a policy number in full-width digits all meet their stored forms.

- A phone is kept in E.164 (portal.phones.normalize_phone); a key is that form, or "" for what does not parse.
- An ID number is kept as its key: full-width characters folded (NFKC), stripped and upper-cased (the check
  character of a resident ID is X, typed x too).
- A policy number is kept as typed (stripped) and compared upper-cased (the index
  complaint_policy_received_idx is on UPPER(policy_number)); its key folds full-width characters too.

`same_person` is the one query: any of the keys given matches, each answered from its index.

A resident ID number also carries its holder's birth date (GB 11643: digits 7–14 of the 18, YYYYMMDD; the older
15-digit number, digits 7–12 as YYMMDD of the 1900s): `birth_date` reads it, `age_on` and `is_elderly` are the
one derivation of "elderly" (60 and over on the day received) that intake and the reports use."""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q

from portal.phones import normalize_phone

from .models.vulnerability import ELDERLY_AGE


def _fold(value: str | None) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def phone_key(value: str | None) -> str:
    """The E.164 form of a phone as people type it (full-width digits too), or "" when it is empty or not a
    phone number."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return ""
    try:
        return normalize_phone(text)
    except ValidationError:
        return ""


def id_number_key(value: str | None) -> str:
    """An ID number as stored and compared: full-width folded, stripped, upper-cased."""
    return _fold(value)


def policy_key(value: str | None) -> str:
    """A policy number as compared: full-width folded, stripped, upper-cased."""
    return _fold(value)


_RESIDENT_18 = re.compile(r"^\d{6}(\d{8})\d{3}[\dX]$")
_RESIDENT_15 = re.compile(r"^\d{6}(\d{6})\d{3}$")


def birth_date(id_number: str | None) -> date | None:
    """The birth date a resident ID number carries, or None (another document, a malformed number, a date that
    does not exist)."""
    key = id_number_key(id_number)
    if match := _RESIDENT_18.match(key):
        digits = match.group(1)
    elif match := _RESIDENT_15.match(key):
        digits = "19" + match.group(1)
    else:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def age_on(born: date, day: date) -> int:
    """Full years of age on `day` (a birthday on 29 February counts on 1 March in other years)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_elderly(id_number: str | None, day: date) -> bool:
    """Whether the holder of this resident ID number is 60 or over on `day` (False when no birth date is read)."""
    born = birth_date(id_number)
    return born is not None and born <= day and age_on(born, day) >= ELDERLY_AGE


def same_person(*, phone: str = "", id_number: str = "", policy_number: str = "", prefix: str = "") -> Q:
    """Complaints of the same person or policy: the same phone, the same ID number or the same policy number
    (any of those given; an empty Q when none is). `prefix` names a relation ("review_of__") to compare there."""
    match = Q()
    if key := phone_key(phone):
        match |= Q(**{f"{prefix}phone": key})
    if key := id_number_key(id_number):
        match |= Q(**{f"{prefix}id_number": key})
    if key := policy_key(policy_number):
        match |= Q(**{f"{prefix}policy_number__iexact": key})
    return match


# Keys of the ring signals (complaints.compliance.rings): the same address, e-mail, representative or bank account
# behind different policyholders. Each folds what people vary in typing and nothing else.

_NOT_WORD = str.maketrans("", "", " \t\r\n-_,.，。、;；:：#()（）/\\·")


def name_key(value: str | None) -> str:
    """A person's or an organisation's name as compared: full-width folded, upper-cased, without spaces and
    punctuation ("Li  Ming" and "LI MING" meet; 张三 stays 张三)."""
    return _fold(value).translate(_NOT_WORD)


def address_key(value: str | None) -> str:
    """An address as compared: full-width folded, upper-cased, without spaces and punctuation, so that
    "幸福路 8 号 3-201" and "幸福路8号3201" meet. Different spellings of one address (省 or not) do not."""
    return name_key(value)


def email_key(value: str | None) -> str:
    """An e-mail address as compared: folded, stripped, lower-cased."""
    return unicodedata.normalize("NFKC", value or "").strip().lower()


def account_digest(value: str | None) -> str:
    """The keyed hash (HMAC-SHA256 with settings.IDENTITY_MATCH_KEY) of a bank account number, digits only, or
    "" for none: what the complaint keeps instead of the number. The same account always gives the same digest,
    so complaints are matched on it; without the key the number cannot be found by trying numbers."""
    from django.conf import settings
    from django.utils.crypto import salted_hmac

    digits = "".join(ch for ch in unicodedata.normalize("NFKC", value or "") if ch.isdigit())
    if not digits:
        return ""
    return (
        "hmac-sha256:"
        + salted_hmac(
            "complaints.identity.account", digits, secret=settings.IDENTITY_MATCH_KEY, algorithm="sha256"
        ).hexdigest()[:40]
    )
