"""Retention: complaints that ended more than PORTAL_RETENTION_YEARS ago lose their personal data, keep their
statistics; a legal hold or a recent end keeps them whole."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from complaints import services
from complaints.compliance.reports import Period, complaint_report
from complaints.compliance.retention import (
    ANONYMISED,
    ANONYMISED_PHONE,
    retention_apply,
)
from complaints.compliance.retention import apply_retention as retention_task
from complaints.models import Complaint, ComplaintAttachment, ComplaintEvent, EventAction
from portal import roles
from portal.models import PersonalDataSeen
from tests.complaints.factories import register
from tests.complaints.files import pdf

pytestmark = pytest.mark.django_db

PERSONAL = {
    "name": "李秀英",
    "phone": "13912345678",
    "email": "xiuying.li@example.com",
    "id_type": "resident",
    "id_number": "110101199003071234",
    "policy_number": "P2019-778812",
    "principal_name": "李大壮",
    "capacity": "heir",
    "description": "李秀英 (13912345678) 的理赔被拒。",
    "desired_outcome": "请联系 xiuying.li@example.com",
}


def _closed_complaint(when: str, **overrides):
    """A complaint received, decided and closed on the day `when` (with a file and complainant's notes)."""
    with time_machine.travel(when, tick=False):
        complaint = register(**{**PERSONAL, **overrides}, attachments=[pdf("身份证.pdf")], province="北京")
        services.complaint_add_information(complaint=complaint, text="补充: 我的电话 13912345678")
        services.complaint_accept(complaint=complaint, actor=None)
        services.complaint_decide(
            complaint=complaint,
            actor=None,
            decision="致李秀英女士: 维持原决定。",
            outcome="not_upheld",
            reliefs=["explanation"],
            remedies=["mediation"],
        )
        return services.complaint_close(
            complaint=complaint, actor=None, cause="other", root_cause="李秀英 的材料不全", responsible_unit="理赔部"
        )


def _report():
    return complaint_report(period=Period(2019), today=Complaint.objects.order_by("ended_on").first().ended_on)


@pytest.fixture
def complaints(settings, compliance):
    settings.PORTAL_RETENTION_YEARS = 5
    old = _closed_complaint("2019-03-01 10:00 +08:00")
    held = _closed_complaint("2019-04-01 10:00 +08:00")
    services.complaint_set_legal_hold(complaint=held, actor=compliance, hold=True, reason="诉讼中")
    recent = _closed_complaint("2022-06-01 10:00 +08:00")
    with time_machine.travel("2019-05-01 10:00 +08:00", tick=False):
        still_open = register(**PERSONAL)
    return {"old": old, "held": held, "recent": recent, "open": still_open}


def test_past_retention_is_anonymised_held_recent_and_open_complaints_are_kept(complaints):
    attachment = complaints["old"].attachments.get()
    stored_file = Path(settings.MEDIA_ROOT) / attachment.file.name
    assert stored_file.exists()
    with time_machine.travel("2026-11-21 03:00 +08:00", tick=False):
        with transaction.atomic():  # files go after the commit: run the hooks as a real commit would
            report = retention_apply()
            hooks = list(connection.run_on_commit)
        for _sids, hook, _robust in hooks:
            hook()

    assert report.anonymised == [complaints["old"].tracking_number]
    assert report.on_hold == [complaints["held"].tracking_number]
    assert report.files_deleted == 1
    old = Complaint.objects.get(pk=complaints["old"].pk)
    assert old.name == ANONYMISED and old.phone == ANONYMISED_PHONE
    assert old.email == old.id_number == old.policy_number == old.id_type == ""
    for text in (old.principal_name, old.description, old.desired_outcome, old.decision, old.root_cause):
        assert text == ANONYMISED
    assert old.anonymised_at is not None
    # What the statistics need stays.
    assert (old.category, old.channel, old.province, old.status, old.outcome) == (
        "claims",
        "phone",
        "北京",
        "closed",
        "not_upheld",
    )
    assert old.responsible_unit == "理赔部" and old.remedies == ["mediation"]
    assert old.received_at == complaints["old"].received_at and old.ended_on == complaints["old"].ended_on
    assert not ComplaintAttachment.objects.filter(complaint=old).exists() and not stored_file.exists()
    notes = set(old.events.exclude(note="").values_list("note", flat=True))
    assert notes == {ANONYMISED}
    last = old.events.order_by("-at", "-id").first()
    assert last.action == EventAction.ANONYMISE and last.data == {"retention_years": 5, "files": 1}

    for key in ("held", "recent", "open"):
        kept = Complaint.objects.get(pk=complaints[key].pk)
        assert (kept.name, kept.phone, kept.id_number) == ("李秀英", "+8613912345678", "110101199003071234")
        assert kept.anonymised_at is None


def test_statistics_are_the_same_before_and_after_anonymisation(complaints):
    before = _report()
    with time_machine.travel("2026-11-21 03:00 +08:00", tick=False):
        assert len(retention_apply().anonymised) == 1
    assert _report() == before
    assert Complaint.objects.count() == 4
    assert ComplaintEvent.objects.filter(complaint=complaints["old"]).count() == 6


def test_exactly_retention_years_after_the_end_it_is_due_and_a_day_earlier_it_is_not(complaints):
    ended = complaints["old"].ended_on
    due = ended.replace(year=ended.year + 5)
    with time_machine.travel(f"{due - timedelta(days=1)} 12:00 +08:00", tick=False):
        assert retention_apply(dry_run=True).anonymised == []
    with time_machine.travel(f"{due} 12:00 +08:00", tick=False):
        assert retention_apply(dry_run=True).anonymised == [complaints["old"].tracking_number]


def test_a_dry_run_changes_nothing_and_the_command_reports_what_it_did(complaints):
    out = io.StringIO()
    with time_machine.travel("2026-11-21 03:00 +08:00", tick=False):
        call_command("apply_retention", "--dry-run", stdout=out)
        assert f"Would anonymise {complaints['old'].tracking_number}" in out.getvalue()
        assert Complaint.objects.get(pk=complaints["old"].pk).name == "李秀英"
        call_command("apply_retention", stdout=out)
        assert f"Anonymised {complaints['old'].tracking_number}" in out.getvalue()
        assert f"Kept {complaints['held'].tracking_number} (legal hold)" in out.getvalue()
        assert "Anonymised 1 complaint(s) that ended on or before 2021-11-21, deleted 1 file(s); 1 kept" in (
            out.getvalue()
        )
        # Running it again finds nothing left to do; the task runs the same policy.
        assert retention_task.call() == {
            "anonymised": 0,
            "on_hold": 1,
            "files": 0,
            "bookings": 0,
            "account-requests": 0,
        }


def test_lifting_a_legal_hold_lets_retention_anonymise_the_complaint_and_both_are_in_the_event_log(
    complaints, compliance
):
    held = complaints["held"]
    services.complaint_set_legal_hold(complaint=held, actor=compliance, hold=False, reason="诉讼结束")
    with time_machine.travel("2026-11-21 03:00 +08:00", tick=False):
        assert held.tracking_number in retention_apply().anonymised
    actions = list(held.events.order_by("id").values_list("action", flat=True))
    assert actions.count(EventAction.LEGAL_HOLD) == 2 and actions[-1] == EventAction.ANONYMISE


def test_an_anonymised_complaint_cannot_be_tracked_and_its_admin_page_still_opens(complaints, make_user):
    with time_machine.travel("2026-11-21 03:00 +08:00", tick=False):
        retention_apply()
    client = Client()
    for phone in ("13912345678", "-", "not a phone"):
        response = client.post(
            "/en/complaints/track/", {"tracking_number": complaints["old"].tracking_number, "phone": phone}
        )
        assert response.status_code == 200  # the form again, "not found"
    admin = make_user("supervisor", groups=[roles.SUPERVISOR])
    client.force_login(admin)
    response = client.get(f"/en/admin/complaints/complaint/{complaints['old'].pk}/change/")
    assert response.status_code == 200 and ANONYMISED in response.text
    assert "13912345678" not in response.text and "139 1234 5678" not in response.text
    assert PersonalDataSeen.objects.about(complaints["old"]).count() == 1


def test_the_event_log_still_refuses_changes_outside_anonymisation(complaints):
    event = complaints["recent"].events.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        ComplaintEvent.objects.filter(pk=event.pk).update(note=ANONYMISED)
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL complaints.anonymising = 'on'")
        ComplaintEvent.objects.filter(pk=event.pk).update(note="rewritten history")
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL complaints.anonymising = 'on'")
        ComplaintEvent.objects.filter(pk=event.pk).update(action="close")
    with pytest.raises(DatabaseError), transaction.atomic():
        ComplaintEvent.objects.filter(pk=event.pk).delete()


def test_compliance_officers_place_and_lift_a_legal_hold_in_the_admin_and_handlers_cannot(complaints, make_user):
    old = complaints["old"]
    officer = make_user("officer", groups=[roles.COMPLIANCE_OFFICER])
    handler = make_user("handler", groups=[roles.COMPLAINT_HANDLER])
    url = "/en/admin/complaints/complaint/"
    for user, expected in ((handler, False), (officer, True)):
        client = Client()
        client.force_login(user)
        client.post(url, {"action": "place_legal_hold", "_selected_action": [old.pk]})
        assert Complaint.objects.get(pk=old.pk).legal_hold is expected
    with time_machine.travel("2026-11-21 03:00 +08:00", tick=False):
        assert sorted(retention_apply().on_hold) == sorted([complaints["held"].tracking_number, old.tracking_number])
    client.post(url, {"action": "lift_legal_hold", "_selected_action": [old.pk]})
    assert Complaint.objects.get(pk=old.pk).legal_hold is False
    event = old.events.filter(action=EventAction.LEGAL_HOLD).order_by("-id").first()
    assert event.actor == officer and event.data == {"hold": False}
