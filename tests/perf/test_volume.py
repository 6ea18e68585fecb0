"""generate_volume: realistic, consistent with the workflow, the same for the same seed, written by COPY."""

from collections import Counter, defaultdict
from datetime import date
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.utils import timezone

from complaints import volume as complaint_volume
from complaints.deadlines import CLOCK_ACTIONS, ClockEvent, compute_deadline
from complaints.models import Complaint, ComplaintEvent, EventAction, Status
from notices.models import Category as NoticeCategory
from notices.models import Notice
from portal import codes
from reception.models import ReceptionDay

UNTIL = date(2026, 11, 20)
OPTIONS = {"notices": 0, "complaints": 1500, "reception_days": 0, "seed": 11, "until": UNTIL}
BRANCHES = [(1, "北京"), (2, "江苏"), (3, "湖南")]


def _lines(options):
    return list(complaint_volume.chunks(options, branches=BRANCHES, first_id=1))


def test_the_same_seed_gives_the_same_complaints_and_another_seed_others():
    assert _lines(OPTIONS) == _lines(OPTIONS)
    assert _lines(OPTIONS) != _lines({**OPTIONS, "seed": 12})


@pytest.fixture
def generated(demo):
    out = StringIO()
    call_command(
        "generate_volume",
        "--notices=120",
        "--complaints=3000",
        "--reception-days=40",
        "--seed=7",
        f"--until={UNTIL}",
        stdout=out,
    )
    return out.getvalue()


def test_volume_covers_every_status_with_events_that_follow_the_workflow(generated):
    complaints = {row["id"]: row for row in Complaint.objects.values()}
    assert len(complaints) == 3000
    statuses = Counter(row["status"] for row in complaints.values())
    assert set(statuses) == set(Status.values), statuses
    # Old complaints are mostly closed, as in a real register.
    assert statuses[Status.CLOSED] > 0.7 * len(complaints)

    events = defaultdict(list)
    for event in ComplaintEvent.objects.order_by("at", "id").values():
        events[event["complaint_id"]].append(event)
    for complaint_id, row in complaints.items():
        own = [event for event in events[complaint_id] if event["action"] != EventAction.MERGED_IN]
        assert own[0]["action"] == (EventAction.SUBMIT if row["channel"] == "web" else EventAction.REGISTER)
        assert own[0]["at"] == row["received_at"]
        # Each step starts where the previous one ended, and the last one leaves the complaint where it is.
        for before, after in pairwise(own):
            assert after["from_status"] == before["to_status"], (row["tracking_number"], before, after)
        assert own[-1]["to_status"] == row["status"], row["tracking_number"]
        assert all(event["at"] <= timezone.now() for event in own)
        received_on = timezone.localdate(row["received_at"])
        clock = [ClockEvent(e["action"], timezone.localdate(e["at"])) for e in own if e["action"] in CLOCK_ACTIONS]
        deadline = compute_deadline(received_on, clock)
        assert (row["due_date"], row["extensions"]) == (deadline.due, deadline.extensions)
        actions = {event["action"] for event in own}
        if row["status"] == Status.CLOSED:
            assert {EventAction.ACCEPT, EventAction.DECIDE, EventAction.CLOSE} <= actions
            assert row["decided_at"] and row["outcome"] and row["root_cause"] and row["ended_on"]
        if row["status"] == Status.MERGED:
            assert row["merged_into_id"] and row["ended_on"]
            original = [e for e in events[row["merged_into_id"]] if e["action"] == EventAction.MERGED_IN]
            assert original
        assert codes.is_well_formed(row["tracking_number"], "TS")
        assert row["tracking_number"][3:11] == f"{received_on:%Y%m%d}"
    days = {timezone.localdate(row["received_at"]) for row in complaints.values()}
    assert min(days).year <= UNTIL.year - 4 and max(days) <= UNTIL
    assert {row["language"] for row in complaints.values()} == {"zh-hans", "en"}
    assert len({row["category"] for row in complaints.values()}) == 6
    assert len({row["channel"] for row in complaints.values()}) == 6


def test_volume_notices_are_in_both_languages_and_in_every_category(generated):
    notices = list(Notice.objects.values("category", "title_zh_hans", "title_en", "body_html_zh_hans", "status"))
    assert len(notices) >= 120
    assert {notice["category"] for notice in notices} == set(NoticeCategory.values)
    assert all(notice["title_zh_hans"] and notice["body_html_zh_hans"].startswith("<") for notice in notices)
    assert sum(1 for notice in notices if notice["title_en"]) > 0.8 * len(notices)
    assert Notice.objects.published().count() > 0.8 * len(notices)
    assert ReceptionDay.objects.count() >= 40


def test_generated_complaints_go_on_through_the_services(generated, make_user):
    from complaints import services
    from portal import roles

    handler = make_user("volume.handler", groups=[roles.SUPERVISOR])
    complaint = Complaint.objects.filter(status=Status.RECEIVED).first()
    services.complaint_accept(complaint=complaint, actor=handler)
    complaint.refresh_from_db()
    assert complaint.status == Status.ACCEPTED
