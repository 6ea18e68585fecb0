"""Text messages go through a small backend interface, chosen by PORTAL_SMS_BACKEND.

The console backend writes the message to standard output (development and tests); a production backend
implements `send(phone, text)` for the operator's SMS gateway and is named in the environment.
"""

import abc
import logging
import sys

from django.conf import settings
from django.utils.module_loading import import_string

from .privacy import mask_phone

logger = logging.getLogger(__name__)


class BaseSMSBackend(abc.ABC):
    @abc.abstractmethod
    def send(self, phone: str, text: str) -> None:
        """Deliver `text` to `phone` (E.164) or raise."""


class ConsoleSMSBackend(BaseSMSBackend):
    def send(self, phone: str, text: str) -> None:
        sys.stdout.write(f"SMS to {mask_phone(phone)}: {text}\n")
        sys.stdout.flush()


class MemorySMSBackend(BaseSMSBackend):
    """Keeps messages in `outbox` (tests read it, like Django's locmem email backend)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemorySMSBackend.outbox.append((phone, text))


def send_sms(phone: str, text: str) -> None:
    backend = import_string(settings.PORTAL_SMS_BACKEND)()
    try:
        backend.send(phone, text)
    except Exception:  # a gateway failure must not undo the committed change that triggered the message
        logger.exception("SMS to %s failed", mask_phone(phone))
