"""Who may bring a complaint in, and the system's own account on what the portal does by itself."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from complaints import services
from complaints.compliance.importer import ImportRefused, complaint_import
from complaints.models import Complaint, ComplaintEvent, EventAction
from complaints.staff.forms import handlers
from portal.actors import is_system_actor, system_actor
from portal.roles import BRANCH_STAFF, COMPLAINT_HANDLER, COMPLIANCE_OFFICER

from .compliance.files import csv_bytes, row
from .factories import register

# The complainant's own steps on the public pages: the only events without an actor.
COMPLAINANT_ACTIONS = {
    EventAction.SUBMIT,
    EventAction.WITHDRAW,
    EventAction.REQUEST_REVIEW,
    EventAction.ADD_INFORMATION,
}


def test_a_user_without_the_add_permission_cannot_register_a_complaint(make_user):
    with pytest.raises(PermissionDenied):
        register(make_user("visitor-desk"))
    assert not Complaint.objects.exists()


def test_a_user_with_the_add_permission_registers_a_complaint_and_is_its_events_actor(make_user):
    handler = make_user("handler", groups=[COMPLAINT_HANDLER])
    complaint = register(handler)
    assert complaint.pk and complaint.events.get().actor == handler


def test_the_importer_refuses_a_user_without_the_import_permission_and_writes_nothing(make_user):
    handler = make_user("handler", groups=[COMPLAINT_HANDLER])
    with pytest.raises(PermissionDenied):
        complaint_import(data=csv_bytes([row()]), name="a.csv", actor=handler)
    assert not Complaint.objects.exists()


def test_the_importer_registers_on_its_own_permission(make_user):
    officer = make_user("officer", groups=[COMPLIANCE_OFFICER])
    assert complaint_import(data=csv_bytes([row()]), name="a.csv", actor=officer).created == 1
    assert Complaint.objects.get().events.get(action=EventAction.REGISTER).actor == officer


@pytest.mark.parametrize(
    ("registration", "columns", "bad"),
    [
        ({"source": "regulator", "regulator_ref": ""}, {"source": "regulator", "ref": ""}, "regulator_ref"),
        (
            {"source": "regulator", "regulator_ref": "JG-1", "regulator_deadline": "before"},
            {"source": "regulator", "ref": "JG-1"},
            "regulator_deadline",
        ),
    ],
)
def test_the_importer_and_the_registration_refuse_the_same_bad_value_with_the_same_message(
    make_user, registration, columns, bad
):
    handler = make_user("handler", groups=[COMPLAINT_HANDLER])
    received = timezone.make_aware(timezone.datetime(2023, 3, 1, 10, 0))
    if registration.get("regulator_deadline") == "before":
        registration = {**registration, "regulator_deadline": received.date() - timedelta(days=1)}
        header = ["received_at", "source", "regulator_ref", "regulator_deadline", "channel", "category"]
        header += ["name", "phone", "description"]
        table = [["2023-03-01 10:00", "regulator", "JG-1", "2023-02-28", "phone", "sales", "王芳", "13900001111", "x"]]
        data = csv_bytes(table, header=header)
    else:
        data = csv_bytes([row(**columns)])
    with pytest.raises(services.WorkflowError) as registered:
        register(handler, received_at=received, **registration)
    with pytest.raises(ImportRefused) as imported:
        complaint_import(data=data, name="a.csv")
    [problem] = imported.value.problems
    assert problem.column == bad
    assert problem.message == registered.value.messages[0]


def test_a_visit_is_registered_on_the_bookings_permission_and_refused_without_it(make_user):
    visit = {"received_at": timezone.now(), "name": "李华", "phone": "13812345678", "description": "退保金额有异议"}
    with pytest.raises(PermissionDenied):
        services.complaint_register_visit(actor=make_user("nobody"), **visit)
    clerk = make_user("clerk", groups=[BRANCH_STAFF])
    complaint = services.complaint_register_visit(actor=clerk, **visit)
    assert complaint.channel == "visit" and complaint.events.get().actor == clerk


def test_the_system_actor_is_one_account_that_cannot_sign_in_nor_be_chosen_as_a_handler(make_user):
    make_user("handler", groups=[COMPLAINT_HANDLER])
    system = system_actor()
    assert system_actor().pk == system.pk
    assert is_system_actor(system) and not system.is_active and not system.has_usable_password()
    assert not system.is_staff
    assert system not in handlers() and [user.username for user in handlers()] == ["handler"]
    assert not is_system_actor(make_user("system-lookalike")) and not is_system_actor(None)


def test_the_periodic_late_job_records_the_system_actor_on_the_events_it_writes(make_user):
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):
        complaint = register(make_user("handler", groups=[COMPLAINT_HANDLER]))
    with time_machine.travel("2026-12-02 10:00 +0800", tick=False):
        call_command("run_periodic", "--only", "late", stdout=StringIO())
    event = complaint.events.get(action=EventAction.LATE)
    assert is_system_actor(event.actor)


def test_the_import_command_records_the_system_actor_when_no_user_is_named(db, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([row()]))
    call_command("import_complaints", str(path), stdout=StringIO())
    assert is_system_actor(Complaint.objects.get().events.get(action=EventAction.REGISTER).actor)


def test_the_demo_events_name_the_system_actor_and_none_but_the_complainants_has_no_actor(db):
    from tests.demo_snapshot import load_demo

    load_demo()
    events = ComplaintEvent.objects.all()
    assert events.filter(actor__username="system").exists()
    assert set(events.filter(actor__isnull=True).values_list("action", flat=True)) <= COMPLAINANT_ACTIONS
