from datetime import UTC, date, datetime

import pytest
import time_machine

from complaints.models import Channel, Complaint
from portal.roles import COMPLAINT_HANDLER
from reception import services
from reception.models import Booking


@pytest.fixture
def visit(make_day):
    with time_machine.travel("2026-12-01 10:00 +0800", tick=False):
        day = make_day(day=date(2026, 12, 9))
        return services.booking_create(
            day_id=day.pk, name="李华", phone="13812345678", topic="退保金额与合同约定不符", tracking_number=""
        )


def test_after_the_day_a_visit_becomes_a_complaint_received_in_person_linked_to_the_day(visit, make_user):
    handler = make_user("handler", groups=[COMPLAINT_HANDLER])
    with time_machine.travel("2026-12-10 09:00 +0800", tick=False):
        complaint = services.booking_register_complaint(booking=visit, actor=handler, category="policy_service")
    visit.refresh_from_db()
    assert visit.complaint == complaint
    assert complaint.channel == Channel.VISIT
    assert complaint.branch.slug == "beijing"
    assert complaint.received_at.astimezone(UTC) == datetime(2026, 12, 9, 1, 0, tzinfo=UTC)
    assert complaint.description == "退保金额与合同约定不符"
    assert complaint.phone == "+8613812345678"
    assert Booking.objects.filter(day=visit.day, complaint__isnull=False).count() == 1


def test_a_visit_is_registered_once_and_not_before_the_day(visit, make_user):
    handler = make_user("handler", groups=[COMPLAINT_HANDLER])
    with time_machine.travel("2026-12-08 09:00 +0800", tick=False), pytest.raises(services.BookingRefused):
        services.booking_register_complaint(booking=visit, actor=handler)
    with time_machine.travel("2026-12-09 12:00 +0800", tick=False):
        services.booking_register_complaint(booking=visit, actor=handler)
        with pytest.raises(services.BookingRefused):
            services.booking_register_complaint(booking=visit, actor=handler)
    assert Complaint.objects.count() == 1


def test_a_cancelled_booking_is_not_registered(visit, make_user):
    services.booking_cancel(booking=visit)
    with time_machine.travel("2026-12-10 09:00 +0800", tick=False), pytest.raises(services.BookingRefused):
        services.booking_register_complaint(booking=visit, actor=make_user("handler", groups=[COMPLAINT_HANDLER]))


def test_staff_register_visits_from_the_booking_admin(visit, client, make_user):
    url = "/en/admin/reception/booking/"
    with time_machine.travel("2026-12-10 09:00 +0800", tick=False):
        client.force_login(make_user("boss", superuser=True))
        confirm = client.post(url, {"action": "register_complaints", "_selected_action": [visit.pk]})
        assert confirm.status_code == 200 and "Register visits as complaints" in confirm.content.decode()
        done = client.post(
            url,
            {"action": "register_complaints", "_selected_action": [visit.pk], "apply": "1", "category": "claims"},
        )
        assert done.status_code == 302
        listing = client.get(url).content.decode()
    visit.refresh_from_db()
    assert visit.complaint.category == "claims"
    assert visit.complaint.tracking_number in listing
