"""The access a tracking look-up gives (complaints.views): a random grant named in the signed cookie, and the
grants ended early ("end the look-up"), kept in the database so that every worker and every server refuses them
at once."""

import secrets
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists
from django.utils import timezone

from .models import Complaint, TrackingRevocation

GRANT_CHARS = 22  # secrets.token_urlsafe(16)


def new_grant() -> str:
    return secrets.token_urlsafe(16)


def is_grant(value: str) -> bool:
    return len(value) == GRANT_CHARS and value.replace("-", "").replace("_", "").isalnum()


def grant_revoke(grant: str, *, seconds: int) -> None:
    """End `grant` now, on every worker; kept for `seconds` (the longest the cookie can still be presented).
    The complainant holding the cookie is the actor (the view has checked its signature); ending a look-up
    changes no complaint, so it leaves no event. Ending it twice is harmless. Revocations past their time go."""
    if not is_grant(grant):
        return
    now = timezone.now()
    TrackingRevocation.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            TrackingRevocation.objects.create(grant=grant, expires_at=now + timedelta(seconds=seconds))
    except IntegrityError:
        pass  # already ended


def grant_revoked(grant: str) -> bool:
    return TrackingRevocation.objects.filter(grant=grant).exists()


def still_granted(grant: str):
    """A filter for the looked-up complaint's query: `grant` is not revoked (no query of its own)."""
    return ~Exists(TrackingRevocation.objects.filter(grant=grant))


TRACK_COOKIE = "portal_track"
TRACK_COOKIE_SALT = "complaints.track"
# A look-up authorises the visitor to see and act on that complaint for this long.
TRACK_SESSION_SECONDS = 30 * 60


def track_grant(request) -> tuple[str, str] | None:
    """(tracking number, grant) of this browser's look-up cookie, when its signature and age are good."""
    try:
        value = request.get_signed_cookie(TRACK_COOKIE, salt=TRACK_COOKIE_SALT, max_age=TRACK_SESSION_SECONDS)
    except (KeyError, signing.BadSignature):
        return None
    number, _colon, grant = value.rpartition(":")
    if not number or not is_grant(grant):
        return None  # a cookie of before grants were named: it cannot be ended, so it opens nothing
    return number, grant


def tracked(request) -> Complaint | None:
    granted = track_grant(request)
    if granted is None:
        return None
    number, grant = granted
    # No select_related: joining the complaint it was merged into and the one it reviews doubles the query's
    # columns for every look-up, while few complaints have either (the page reads them only when they do).
    return Complaint.objects.filter(still_granted(grant), tracking_number=number).first()
