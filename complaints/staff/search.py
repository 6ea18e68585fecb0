"""The complaints list's search: what a caller gives on the phone, each matched exactly from an index."""

from django.core.exceptions import ValidationError
from django.db.models import Q

from portal import codes
from portal.phones import normalize_phone
from portal.privacy import personal_data_seen

from .. import services
from ..models import FULL_DATA_PERMISSION, Complaint, Source


def search_complaints(request, queryset, search_term):
    """What a caller gives on the phone, each matched exactly and answered from an index (migration 0011):
    the tracking number (any case, with or without dashes; part of one through the trigram index), the phone
    in any form (compared in E.164), the full name, the policy number (any case), the regulator's reference
    and the ID number (upper-cased). The queryset is already the user's own (a handler's complaints only); the
    list shows what it finds masked for those without the full-data permission."""
    term = " ".join(search_term.split())
    if not term:
        return queryset, False
    normalized = codes.normalize(term)
    if codes.is_well_formed(normalized, services.TRACKING_PREFIX):
        return queryset.filter(tracking_number=normalized), False
    if not request.user.has_perm(FULL_DATA_PERMISSION):
        # Whoever sees complainants masked may still test a guess (a masked phone's four hidden digits)
        # against the list: each such search is logged, like a full view, without the term itself.
        personal_data_seen(request.user, Complaint, where="admin:search", fields="phone,name,id_number")
    found = (
        Q(name=term)
        | Q(policy_number__iexact=term)
        | Q(source=Source.REGULATOR, regulator_ref=term)  # the partial index of migration 0003
        | Q(id_number=term.upper())
    )
    try:
        found |= Q(phone=normalize_phone(term))
    except ValidationError:
        if len(normalized) >= 3:  # a part of a tracking number (the trigram index needs three characters)
            found |= Q(tracking_number__icontains=normalized)
    return queryset.filter(found), False
