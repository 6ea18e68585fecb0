"""The worker's share of messaging (`manage.py db_worker` runs it)."""

from django.tasks import task

from .outbox import message_deliver


@task
def deliver_message(message_id: int) -> str | None:
    """One delivery attempt of a queued message (portal/messaging/outbox.py); its status afterwards."""
    return message_deliver(message_id=message_id)
