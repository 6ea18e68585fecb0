"""Signing in by a code sent by SMS, and the signed-in session.

Constant behaviour, no oracle: a code is asked for any valid phone number, known or not, and the answer, the
limits and the SMS are the same (the account of an unknown number is simply empty). Limits per hour: codes for
one number from one address (`PORTAL_ACCOUNT_CODES_PER_NUMBER_ADDRESS`, then that address waits); past a looser
ceiling for one number from anywhere (`PORTAL_ACCOUNT_CODES_PER_NUMBER`), a new code goes out at most every
`PORTAL_ACCOUNT_CODE_SLOW_SECONDS` — the owner is slowed, never locked out, while the code already sent stays
good. A code is good for `PORTAL_ACCOUNT_CODE_SECONDS` and `PORTAL_ACCOUNT_CODE_TRIES` wrong tries, once.
Codes and session tokens are kept as keyed hashes (HMAC under the site's secret)."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from portal import ratelimit
from portal.messaging.models import MessageChannel
from portal.messaging.outbox import message_queue

from ..models import AccountCode, AccountSession

CODE_DIGITS = 6
# The address's own counter of wrong codes, and the code counters (ratelimit scopes).
SCOPE_NUMBER_ADDRESS = "account-code-number+ip"
SCOPE_NUMBER = "account-code-number"
SCOPE_WRONG = "account-code-wrong"


def _hash(purpose: str, value: str) -> str:
    return salted_hmac(f"complaints.account.{purpose}", value, algorithm="sha256").hexdigest()


def _code_hash(phone: str, code: str) -> str:
    return _hash("code", f"{phone}:{code}")


@dataclass(frozen=True)
class CodeAnswer:
    """What asking for a code came to: `limited` (this address must wait: 429) or not; `sent` whether a new
    code went out (False while a number is slowed). The page says the same either way, for every number."""

    limited: bool
    sent: bool


def code_request(*, phone: str, address: str, language: str) -> CodeAnswer:
    """Send a new sign-in code to `phone` (E.164) unless the limits say otherwise."""
    pair = ratelimit.identity(phone, address)
    if ratelimit.is_limited(SCOPE_NUMBER_ADDRESS, [pair], limit=settings.PORTAL_ACCOUNT_CODES_PER_NUMBER_ADDRESS):
        return CodeAnswer(limited=True, sent=False)
    ratelimit.hit(SCOPE_NUMBER_ADDRESS, pair)
    now = timezone.now()
    if ratelimit.hit(SCOPE_NUMBER, phone) > settings.PORTAL_ACCOUNT_CODES_PER_NUMBER:
        latest = AccountCode.objects.filter(phone=phone).order_by("-created_at").first()
        slow = timedelta(seconds=settings.PORTAL_ACCOUNT_CODE_SLOW_SECONDS)
        if latest is not None and latest.created_at > now - slow:
            return CodeAnswer(limited=False, sent=False)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    seconds = settings.PORTAL_ACCOUNT_CODE_SECONDS
    with transaction.atomic():
        AccountCode.objects.create(
            phone=phone,
            code_hash=_code_hash(phone, code),
            created_at=now,
            expires_at=now + timedelta(seconds=seconds),
        )
        message_queue(
            channel=MessageChannel.SMS,
            recipient=phone,
            language=language,
            template="account.code",
            params={"code": code, "minutes": max(seconds // 60, 1)},
        )
    return CodeAnswer(limited=False, sent=True)


def wrong_codes_limited(address: str) -> bool:
    return ratelimit.is_limited(SCOPE_WRONG, [address], limit=settings.PORTAL_ACCOUNT_WRONG_CODES_PER_ADDRESS)


def code_check(*, phone: str, code: str, address: str) -> bool:
    """Whether `code` is the newest code of `phone`, unexpired, unused and within its tries; it is used up when
    right. A wrong code counts against the code (its tries) and the address."""
    now = timezone.now()
    with transaction.atomic():
        latest = AccountCode.objects.select_for_update().filter(phone=phone).order_by("-created_at", "-id").first()
        good = (
            latest is not None
            and latest.used_at is None
            and latest.expires_at > now
            and latest.tries < settings.PORTAL_ACCOUNT_CODE_TRIES
        )
        # Compared whatever the state of the row, so a dead code answers in the same time as a wrong one.
        matches = constant_time_compare(latest.code_hash if latest else "", _code_hash(phone, code))
        if good and matches:
            latest.used_at = now
            latest.save(update_fields=["used_at"])
            return True
        if good:
            AccountCode.objects.filter(pk=latest.pk).update(tries=latest.tries + 1)
    ratelimit.hit(SCOPE_WRONG, address)
    return False


def session_start(*, phone: str) -> str:
    """A new signed-in session for `phone`; returns the token the browser keeps (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    AccountSession.objects.create(token_hash=_hash("session", token), phone=phone, started_at=now, last_seen_at=now)
    return token


def _live(now):
    return {
        "ended_at__isnull": True,
        "last_seen_at__gt": now - timedelta(seconds=settings.PORTAL_ACCOUNT_IDLE_SECONDS),
        "started_at__gt": now - timedelta(seconds=settings.PORTAL_ACCOUNT_SESSION_SECONDS),
    }


def session_phone(token: str) -> str | None:
    """The phone of the live session `token` names (and the session's idle clock restarts), or None: unknown,
    signed out, idle too long or too old."""
    if not token:
        return None
    now = timezone.now()
    session = AccountSession.objects.filter(token_hash=_hash("session", token), **_live(now)).first()
    if session is None:
        return None
    AccountSession.objects.filter(pk=session.pk).update(last_seen_at=now)
    return session.phone


def session_end(token: str) -> None:
    """Sign out: the session ends on the server, so a copy of the cookie opens nothing any more."""
    if token:
        AccountSession.objects.filter(token_hash=_hash("session", token), ended_at__isnull=True).update(
            ended_at=timezone.now()
        )


def purge(*, now) -> int:
    """Remove sign-in codes and sessions a day past their end (run_periodic): they prove nothing any more."""
    day = timedelta(days=1)
    codes, _kinds = AccountCode.objects.filter(expires_at__lt=now - day).delete()
    oldest = now - day - timedelta(seconds=settings.PORTAL_ACCOUNT_SESSION_SECONDS)
    sessions, _kinds = AccountSession.objects.filter(started_at__lt=oldest).delete()
    return codes + sessions
