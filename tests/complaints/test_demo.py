import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent, Status
from portal.messaging.sms import MemorySMSBackend

pytestmark = pytest.mark.django_db


def test_demo_has_complaints_in_every_status_and_loading_twice_changes_nothing(settings):
    settings.PORTAL_SMS_BACKEND = "memory"
    MemorySMSBackend.outbox = []
    call_command("load_demo", stdout=io.StringIO())
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    today = timezone.localdate()
    assert Complaint.objects.overdue(today).exists() and Complaint.objects.due_soon(today).exists()
    assert set(Complaint.objects.values_list("language", flat=True)) == {"zh-hans", "en"}
    assert Complaint.objects.filter(source="regulator").exists()
    assert (
        Complaint.objects.filter(extensions=2).exists() and Complaint.objects.filter(review_of__isnull=False).exists()
    )
    counts = (Complaint.objects.count(), ComplaintEvent.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Complaint.objects.count(), ComplaintEvent.objects.count()) == counts
    assert MemorySMSBackend.outbox == []
