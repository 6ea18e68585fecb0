import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent, Status
from notices.models import Notice
from portal.messaging.sms import MemorySMSBackend
from portal.models import Branch, SiteProfile
from tests.demo_snapshot import load_demo

pytestmark = pytest.mark.django_db


def test_demo_has_complaints_in_every_status_and_loading_twice_changes_nothing_in_any_app(settings):
    settings.PORTAL_SMS_BACKEND = "memory"
    MemorySMSBackend.outbox = []
    call_command("load_demo", "--demo-site", stdout=io.StringIO())
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    today = timezone.localdate()
    assert Complaint.objects.overdue(today).exists() and Complaint.objects.due_soon(today).exists()
    assert set(Complaint.objects.values_list("language", flat=True)) == {"zh-hans", "en"}
    assert Complaint.objects.filter(source="regulator").exists()
    assert (
        Complaint.objects.filter(extensions=2).exists() and Complaint.objects.filter(review_of__isnull=False).exists()
    )
    # Loading again changes nothing, in any app (one test loads the whole demo twice for all of them).
    counts = (Complaint.objects.count(), ComplaintEvent.objects.count())
    profile_stamp = SiteProfile.objects.get().updated_at
    branches = list(Branch.objects.values())
    notices, notice_history = list(Notice.objects.order_by("pk").values()), Notice.history.count()
    call_command("load_demo", "--demo-site", stdout=io.StringIO())
    assert (Complaint.objects.count(), ComplaintEvent.objects.count()) == counts
    assert MemorySMSBackend.outbox == []
    assert SiteProfile.objects.get().updated_at == profile_stamp
    assert list(Branch.objects.values()) == branches
    assert list(Notice.objects.order_by("pk").values()) == notices and Notice.history.count() == notice_history


def test_the_demo_has_one_complaint_of_each_kind_the_reports_must_show():
    load_demo()
    by_key = {complaint.idempotency_key: complaint for complaint in Complaint.objects.all()}
    late = by_key["demo:overdue"]
    assert late.late_since is not None and late.events.filter(action="late").exists()
    assert by_key["demo:decided-late"].late_since is not None
    extended = by_key["demo:extended-once"]
    assert extended.extensions == 1 and extended.late_since is None
    assert extended.extension_requests.get().decided_by.username == "demo.supervisor"
    assert by_key["demo:extended-twice"].extension_requests.get(number=2).decided_by.username == "demo.senior"
    assert by_key["demo:extension-lapsed"].extension_requests.get().status == "lapsed"
    forwarded = by_key["demo:regulator"]
    assert forwarded.regulator_date_rules and forwarded.due_date == forwarded.regulator_deadline
    assert by_key["demo:regulator-answered"].reported_back_on is not None
    review = Complaint.objects.get(review_of=by_key["demo:reviewed"])
    assert review.branch == Branch.objects.get(slug="head-office")
    assert review.handler.username == "demo.reviewer"
    assert set(Branch.objects.exclude(slug="head-office").values_list("parent__slug", flat=True)) == {"head-office"}
    timeliness = dict(Complaint.objects.with_timeliness().values_list("idempotency_key", "on_time"))
    assert timeliness["demo:closed"] is True and timeliness["demo:decided-late"] is False
    assert timeliness["demo:extension-lapsed"] is False and timeliness["demo:regulator-answered"] is True
