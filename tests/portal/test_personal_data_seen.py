"""portal.privacy.personal_data_seen: one log of personal data seen in full, for complaints and bookings alike."""

from datetime import date, time

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from complaints.models import Complaint
from portal.models import Branch, PersonalDataSeen
from portal.privacy import personal_data_seen
from reception import services as reception_services
from reception.models import ReceptionDay
from tests.complaints.factories import register


@pytest.fixture
def booking(demo):
    with time_machine.travel("2026-11-21 10:00 +0800"):
        day = ReceptionDay.objects.create(
            branch=Branch.objects.get(slug="beijing"),
            date=date(2026, 12, 9),
            start_time=time(9, 0),
            end_time=time(11, 30),
            receptionist="张丹",
            place_zh_hans="北京市朝阳区东三环中路5号",
            phone="010-85921177",
        )
        return reception_services.booking_create(day_id=day.pk, name="李华", phone="13812345678", topic="退保")


def test_seeing_a_complaint_in_full_writes_one_row_with_user_place_fields_and_the_complaint(demo, make_user):
    handler = make_user("handler", groups=["Complaint handler"])
    complaint = register()
    before = timezone.now()
    personal_data_seen(handler, complaint, where="admin:complaint", fields="name,phone_in_full")
    seen = PersonalDataSeen.objects.get()
    assert (seen.user, seen.where, seen.fields) == (handler, "admin:complaint", "name,phone_in_full")
    assert seen.content_type == ContentType.objects.get_for_model(Complaint)
    assert seen.object_id == complaint.pk and seen.label == complaint.tracking_number
    assert seen.at >= before
    assert list(PersonalDataSeen.objects.about(complaint)) == [seen]


def test_seeing_a_booking_in_full_writes_one_row_labelled_with_its_number_not_the_person(booking, make_user):
    staff = make_user("bj", groups=["Branch staff"])
    personal_data_seen(staff, booking, where="admin:booking", fields="name,phone")
    seen = PersonalDataSeen.objects.about(booking).get()
    assert (seen.user, seen.where, seen.fields, seen.label) == (staff, "admin:booking", "name,phone", booking.number)
    assert "李华" not in seen.label and "13812345678" not in seen.label


def test_a_search_over_a_kind_of_record_names_the_kind_and_no_record(demo, make_user):
    supervisor = make_user("sup", groups=["Supervisor"])
    complaint = register()
    personal_data_seen(supervisor, Complaint, where="admin:search", fields="phone,name,id_number")
    seen = PersonalDataSeen.objects.about(Complaint).get()
    assert seen.object_id is None and seen.label == ""
    assert not PersonalDataSeen.objects.about(complaint).exists()


def test_the_log_cannot_be_changed_or_deleted_in_python_or_in_the_database(demo, make_user):
    user = make_user("handler", groups=["Complaint handler"])
    personal_data_seen(user, register(), where="admin:letter", fields="name")
    seen = PersonalDataSeen.objects.get()
    seen.fields = "nothing"
    with pytest.raises(PermissionError):
        seen.save()
    with pytest.raises(PermissionError):
        seen.delete()
    for statement in ("UPDATE portal_personaldataseen SET fields = 'x'", "DELETE FROM portal_personaldataseen"):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert PersonalDataSeen.objects.get().fields == "name"


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_the_complaints_earlier_log_with_user_time_place_and_fields(make_user):
    from portal import demo as portal_demo

    portal_demo.load()
    handler = make_user("handler", groups=["Complaint handler"])
    complaint = register()
    before = [("complaints", "0015_configuration_history")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("complaints", "PersonalDataView")
    full = old.objects.create(user_id=handler.pk, complaint_id=complaint.pk, where="admin:letter", fields="name")
    search = old.objects.create(user_id=handler.pk, complaint_id=None, where="admin:search", fields="phone")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    copied = {row.where: row for row in PersonalDataSeen.objects.about(Complaint)}
    assert set(copied) == {"admin:letter", "admin:search"}
    letter, searched = copied["admin:letter"], copied["admin:search"]
    assert (letter.user, letter.at, letter.fields) == (handler, full.at, "name")
    assert (letter.object_id, letter.label) == (complaint.pk, complaint.tracking_number)
    assert (searched.at, searched.object_id, searched.label) == (search.at, None, "")


def test_a_day_of_bookings_printed_in_full_writes_one_row_per_booking_at_once(
    booking, make_user, django_assert_num_queries
):
    staff = make_user("bj", groups=["Branch staff"])
    other = reception_services.booking_create(day_id=booking.day_id, name="王五", phone="13912345678", topic="理赔")
    ContentType.objects.get_for_model(booking)  # cached, as in a running server
    with django_assert_num_queries(1):
        personal_data_seen(staff, [booking, other], where="admin:day-bookings", fields="name,phone,topic")
    assert {row.label for row in PersonalDataSeen.objects.filter(where="admin:day-bookings")} == {
        booking.number,
        other.number,
    }


def test_the_fields_seen_read_as_the_records_own_field_labels(booking, make_user):
    staff = make_user("bj", groups=["Branch staff"])
    personal_data_seen(staff, booking, where="admin:booking", fields="phone_in_full,topic,attachment:7,nonsense")
    with translation.override("en"):
        assert PersonalDataSeen.objects.get().fields_in_words() == ["phone", "topic", "attachment 7", "nonsense"]
