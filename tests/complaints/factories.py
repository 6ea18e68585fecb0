"""Small makers for complaint tests (unit and browser)."""

from contextlib import nullcontext
from datetime import datetime

import pytest
import time_machine
from django.utils import timezone, translation

from complaints import services
from portal.actors import system_actor


def register(actor=None, *, received_at=None, **overrides):
    """A complaint registered by `actor`, or by the system's account when none is given."""
    values = {
        "actor": actor or system_actor(),
        "channel": "phone",
        "received_at": received_at or timezone.now(),
        "name": "张三",
        "phone": "13812345678",
        "description": "理赔迟迟没有结果。",
        "category": "claims",
    }
    values.update(overrides)
    return services.complaint_register(**values)


def extend(complaint, *, requester, approver, reason="需要调取录音", days=None):
    """An extension as it happens: the handler asks, an approver grants. Returns the complaint."""
    request = services.complaint_request_extension(complaint=complaint, actor=requester, reason=reason, days=days)
    return services.extension_grant(request=request, actor=approver)


def shanghai(year, month, day, hour=10, minute=0):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def frozen_at(now, *, language: str | None = None):
    """An autouse fixture for a test module: the clock held at `now` (not ticking) and, when `language` is
    given, that language active."""

    @pytest.fixture(autouse=True)
    def _frozen():
        with time_machine.travel(now, tick=False), translation.override(language) if language else nullcontext():
            yield

    return _frozen
