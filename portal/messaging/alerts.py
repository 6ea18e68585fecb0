"""Telling staff: a line in their inbox (the admin's work queue) and an email, once per event.

`staff_alert` is the one service for it (complaints' assignments, digests and escalations, oversight's early
warnings, given-up messages). Each alert has a key: the same key for the same user is written once, so a
periodic runner that runs again alerts nobody twice.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, router, transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation

from portal import roles

from . import catalogue
from .models import MessageChannel, StaffAlert
from .outbox import message_given_up, message_queue


def users_in_group(name: str):
    return get_user_model().objects.filter(is_active=True, groups__name=name).distinct().order_by("pk")


def admin_url(name: str, *args, query: str = "") -> str:
    """An admin page's path in the default language (no prefix): the inbox opens it in the reader's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(name, args=args) + query


def absolute(url: str) -> str:
    return f"{settings.PORTAL_SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


@transaction.atomic(savepoint=False)  # inside a caller's transaction, no savepoint of its own: one INSERT below
def staff_alert(
    *, users, template: str, params: dict, key: str, reference: str = "", url: str = "", email: bool = True
) -> list[StaffAlert]:
    """Alert each of `users` (inactive ones are skipped) with catalogue.ALERTS[`template`] and `params`; by email
    too when they have an address. Returns the alerts written now (none for a user who already has `key`)."""
    if template not in catalogue.ALERTS:
        raise KeyError(template)
    key = key[:120]
    active = list({user.pk: user for user in users if user.is_active}.values())
    if not active:
        return []
    fields = {
        "key": key,
        "template": template,
        "params": params,
        "reference": reference,
        "url": url,
        "created_at": timezone.now(),
    }
    written = _write_once(active, fields)
    for alert in written:
        user = alert.user
        if email and user.email:
            language = settings.LANGUAGE_CODE
            with translation.override(language):
                title = alert.title
            message_queue(
                channel=MessageChannel.EMAIL,
                recipient=user.email,
                recipient_user=user,
                language=language,
                template="staff.alert",
                params={"title": title, "link": absolute(url)},
                reference=reference,
            )
    return written


def _write_once(users: list, fields: dict) -> list[StaffAlert]:
    """The alerts of `fields` for these users in one statement whatever their number, skipping each user who
    already has the key (written by an earlier run, or by another process a moment ago: the unique constraint
    decides, with no look-up first and no savepoint). The rows written now, in the users' order."""
    connection = connections[router.db_for_write(StaffAlert)]
    meta = StaffAlert._meta
    values = [meta.get_field(name).get_db_prep_save(value, connection) for name, value in fields.items()]
    row = "(" + ", ".join(["%s"] * (1 + len(fields))) + ")"
    quote = connection.ops.quote_name
    names = [quote(meta.get_field(name).column) for name in ("user", *fields)]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(names)}) VALUES {', '.join([row] * len(users))} "  # noqa: S608 - the model's own names
        f"ON CONFLICT ({names[0]}, {names[1]}) DO NOTHING RETURNING {quote(meta.pk.column)}, {names[0]}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [part for user in users for part in (user.pk, *values)])
        made = {user_id: pk for pk, user_id in cursor.fetchall()}
    written = []
    for user in users:
        if user.pk in made:
            alert = StaffAlert(pk=made[user.pk], user=user, **fields)
            alert._state.adding = False
            alert._state.db = connection.alias
            written.append(alert)
    return written


@receiver(message_given_up)
def alert_given_up(*, message, **kwargs) -> None:
    """Supervisors learn of a message that could not be delivered (in the inbox only when it was itself an
    email to staff, so that a broken mail relay does not feed itself)."""
    staff_email = message.template != "staff.alert"
    staff_alert(
        users=users_in_group(roles.SUPERVISOR),
        template="message_given_up",
        params={
            "reference": message.reference or "—",
            "recipient": message.masked_recipient,
            "channel": message.get_channel_display(),
            "attempts": message.attempts,
            "error": message.last_error,
        },
        key=f"message-given-up:{message.pk}",
        reference=message.reference,
        url=admin_url("admin:portal_message_change", message.pk),
        email=staff_email,
    )


@transaction.atomic
def alerts_mark_read(*, user, alerts, read: bool = True) -> int:
    """Mark the user's own alerts read (or unread again); others' alerts are left alone."""
    return StaffAlert.objects.filter(user=user, pk__in=[alert.pk for alert in alerts]).update(
        read_at=timezone.now() if read else None
    )
