"""The complaints list's search: what a caller gives on the phone, each matched exactly from an index.

Who sees complainants masked searches only by what is not masked (the tracking number, the regulator's
reference): a search by a phone, a name, an ID or a policy number would answer "yes" to a guess at the hidden
digits. The others search by personal data too, at most SEARCH_LIMIT such searches an hour each; each one is
logged (portal.audit.PersonalDataSeen) with a keyed hash of the term, never the term, and the hour's
SEARCH_ALERT_AT-th search alerts the compliance officers."""

import time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, gettext_lazy

from portal import codes, ratelimit, roles
from portal.display import person_name
from portal.messaging.alerts import admin_url, staff_alert, users_in_group
from portal.phones import normalize_phone
from portal.privacy import personal_data_seen

from .. import services
from ..models import FULL_DATA_PERMISSION, Complaint, Source

# Searches by personal data one member of staff may make in an hour, and the count that alerts compliance.
SEARCH_LIMIT = 60
SEARCH_ALERT_AT = 40
SEARCH_WINDOW = 3600
SEARCH_SCOPE = "staff-search"
# The log row's `where` and its fields.
SEARCH_WHERE = "admin:search"
SEARCH_FIELDS = "phone,name,id_number,policy_number"

FULL_HELP = gettext_lazy(
    "Search by tracking number (with or without dashes), phone (in any form), the complainant's full name, "
    "policy number, the regulator's reference, the platform's reference or ID number."
)
MASKED_HELP = gettext_lazy(
    "Search by tracking number (with or without dashes, or a part of one), the regulator's reference or the "
    "platform's reference. "
    "Searching by personal data is for staff who see it in full."
)


def may_search_personal_data(user) -> bool:
    return user.has_perm(FULL_DATA_PERMISSION)


def search_help(user):
    return FULL_HELP if may_search_personal_data(user) else MASKED_HELP


def term_hash(term: str) -> str:
    """A keyed hash (HMAC-SHA256 with the secret key) of a search term in its one form (a phone in E.164, other
    terms upper-cased): the log can tell that two searches were for the same thing, never what it was."""
    try:
        canonical = normalize_phone(term)
    except ValidationError:
        canonical = term.upper()
    return "hmac-sha256:" + salted_hmac("complaints.staff-search", canonical, algorithm="sha256").hexdigest()[:32]


def _by_reference(term: str, normalized: str) -> Q:
    """What anyone may search by: the regulator's or the platform's reference, a part of a tracking number."""
    found = Q(source=Source.REGULATOR, regulator_ref=term)  # the partial index of migration 0003
    found |= Q(platform_ref=term)  # the unique index complaint_platform_ref_unique
    if len(normalized) >= 3:  # a part of a tracking number (the trigram index needs three characters)
        found |= Q(tracking_number__icontains=normalized)
    return found


def search_complaints(request, queryset, search_term):
    """What a caller gives on the phone, each matched exactly and answered from an index (migration 0011):
    the tracking number (any case, with or without dashes; part of one through the trigram index), the
    regulator's or the platform's reference, and for those who see personal data in full the phone in any form
    (compared in E.164), the full name, the policy number (any case) and the ID number (upper-cased). The queryset is
    already the user's own (a handler's complaints only). Masked roles get the same answer whatever personal
    data the term holds: it is only ever compared with references."""
    term = " ".join(search_term.split())
    if not term:
        return queryset, False
    normalized = codes.normalize(term)
    if codes.is_well_formed(normalized, services.TRACKING_PREFIX):
        return queryset.filter(tracking_number=normalized), False
    user = request.user
    if not may_search_personal_data(user):
        return queryset.filter(_by_reference(term, normalized)), False
    if not _count_search(request, term):
        return queryset.none(), False
    found = (
        Q(name=term)
        | Q(policy_number__iexact=term)
        | Q(source=Source.REGULATOR, regulator_ref=term)  # the partial index of migration 0003
        | Q(platform_ref=term)  # the unique index complaint_platform_ref_unique
        | Q(id_number=term.upper())
    )
    try:
        found |= Q(phone=normalize_phone(term))
    except ValidationError:
        if len(normalized) >= 3:  # a part of a tracking number (the trigram index needs three characters)
            found |= Q(tracking_number__icontains=normalized)
    return queryset.filter(found), False


def _count_search(request, term: str) -> bool:
    """Count, log and perhaps alert one search by personal data; False when the hour's limit is reached (the
    list is then empty and says why)."""
    user = request.user
    identity = str(user.pk)
    if ratelimit.count(SEARCH_SCOPE, identity, window=SEARCH_WINDOW) >= SEARCH_LIMIT:
        messages.error(
            request,
            gettext("You have made %(limit)s searches by personal data this hour: search by tracking number.")
            % {"limit": SEARCH_LIMIT},
        )
        return False
    made = ratelimit.hit(SEARCH_SCOPE, identity, window=SEARCH_WINDOW)
    personal_data_seen(user, Complaint, where=SEARCH_WHERE, fields=SEARCH_FIELDS, label=term_hash(term))
    if made == SEARCH_ALERT_AT:
        _alert_compliance(user, made)
    return True


def _alert_compliance(user, made: int) -> None:
    hour = int(time.time()) // SEARCH_WINDOW
    staff_alert(
        users=users_in_group(roles.COMPLIANCE_OFFICER).exclude(pk=user.pk),
        template="search_volume",
        params={"user": person_name(user), "count": made, "limit": SEARCH_LIMIT},
        key=f"search-volume:{user.pk}:{hour}",
        url=admin_url("admin:portal_personaldataseen_changelist"),
    )
