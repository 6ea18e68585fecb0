from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from portal.models import Branch, Holiday
from portal.roles import BRANCH_STAFF
from reception import services
from reception.models import BranchStaff, DayStatus, ReceptionDay

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("boss", superuser=True))
    return client


@pytest.fixture
def beijing_staff(client, make_user, demo):
    user = make_user("bj", groups=[BRANCH_STAFF])
    BranchStaff.objects.create(user=user, branch=Branch.objects.get(slug="beijing"))
    client.force_login(user)
    return client


def test_admin_import_previews_then_saves_only_on_confirm(admin_client, demo):
    upload = SimpleUploadedFile("t.csv", (FIXTURES / "reception_beijing_2023_as_published.csv").read_bytes())
    with translation.override("en"):
        preview = admin_client.post("/en/admin/reception/receptionday/import/", {"file": upload, "year": "2023"})
    assert preview.status_code == 200
    assert "12 days: 12 new, 0 updated, 0 unchanged." in preview.content.decode()
    assert ReceptionDay.objects.count() == 0
    confirmed = admin_client.post("/en/admin/reception/receptionday/import/", {"confirm": "1"})
    assert confirmed.status_code == 302
    assert ReceptionDay.objects.count() == 12


def test_admin_import_refuses_a_bad_file_naming_the_row(admin_client, demo):
    text = (
        (FIXTURES / "reception_beijing_2023_as_published.csv").read_text(encoding="utf-8").replace("2月22日", "2月30日")
    )
    upload = SimpleUploadedFile("t.csv", text.encode("gb18030"))
    response = admin_client.post("/en/admin/reception/receptionday/import/", {"file": upload, "year": "2023"})
    content = response.content.decode()
    assert "Row 3, column date" in content and 'name="confirm"' not in content
    assert ReceptionDay.objects.count() == 0


def test_generate_a_year_proposes_then_saves_the_ticked_days(admin_client, demo):
    Holiday.objects.create(date=date(2027, 2, 9), name="春节")
    form = {
        "branch": Branch.objects.get(slug="hunan").pk, "year": "2027", "nth": "2", "weekday": "1",
        "start_time": "09:00", "end_time": "11:30", "receptionist": "王强", "title": "总经理",
        "place": "长沙市芙蓉区五一大道", "phone": "0731-84567890", "liaison": "刘芳", "capacity": "8",
    }  # fmt: skip
    proposal = admin_client.post("/en/admin/reception/receptionday/generate/", {**form, "propose": "1"})
    content = proposal.content.decode()
    assert "2027-02-10" in content and "Moved from 2027-02-09" in content and "春节" in content
    assert ReceptionDay.objects.count() == 0
    saved = admin_client.post(
        "/en/admin/reception/receptionday/generate/",
        {**form, "save": "1", "dates": ["2027-01-12", "2027-02-10", "2027-03-09"]},
    )
    assert saved.status_code == 302
    days = list(ReceptionDay.objects.order_by("date"))
    assert [day.date for day in days] == [date(2027, 1, 12), date(2027, 2, 10), date(2027, 3, 9)]
    assert days[1].status == DayStatus.MOVED and days[1].moved_from == date(2027, 2, 9)
    assert days[0].capacity == 8 and days[0].title_en == "General Manager"


def test_branch_staff_see_and_keep_only_their_branch(beijing_staff, make_day):
    mine = make_day("beijing")
    other = make_day("hunan")
    changelist = beijing_staff.get("/en/admin/reception/receptionday/")
    assert changelist.status_code == 200
    assert f"/reception/receptionday/{mine.pk}/change/" in changelist.content.decode()
    assert f"/reception/receptionday/{other.pk}/change/" not in changelist.content.decode()
    assert beijing_staff.get(f"/en/admin/reception/receptionday/{other.pk}/change/").status_code == 302
    add = beijing_staff.get("/en/admin/reception/receptionday/add/").content.decode()
    assert "Beijing Branch" in add and "Hunan Branch" not in add


def test_branch_staff_cannot_import_days_of_another_branch(beijing_staff, demo):
    text = "分支机构,接待日期,接待人员,职务,接待电话,接待地点,接待时间,联络人员\n湖南分公司,2027-01-13,王强,总经理,,长沙,上午9:00-11:30,刘芳\n"
    response = beijing_staff.post(
        "/en/admin/reception/receptionday/import/", {"file": SimpleUploadedFile("t.csv", text.encode())}
    )
    assert "You may not import days" in response.content.decode()
    assert ReceptionDay.objects.count() == 0


def test_branch_staff_group_exists_with_reception_permissions(db):
    from django.contrib.auth.models import Group

    codenames = set(Group.objects.get(name=BRANCH_STAFF).permissions.values_list("codename", flat=True))
    assert {"change_receptionday", "view_booking"} <= codenames
    assert "delete_receptionday" not in codenames


def test_day_bookings_print_view_lists_active_bookings_in_full(admin_client, make_day):
    with time_machine.travel("2026-11-21 10:00 +0800"):
        day = make_day()
        kept = services.booking_create(day_id=day.pk, name="李华", phone="13812345678", topic="退保")
        dropped = services.booking_create(day_id=day.pk, name="王五", phone="13912345678", topic="理赔")
        services.booking_cancel(booking=dropped)
    response = admin_client.get(f"/en/admin/reception/receptionday/{day.pk}/bookings/")
    content = response.content.decode()
    assert response.status_code == 200
    assert kept.number in content and "李华" in content and "+8613812345678" in content
    assert dropped.number not in content
    assert "reception/admin-print.css" in content


def test_booking_list_masks_names_and_phones(admin_client, make_day):
    with time_machine.travel("2026-11-21 10:00 +0800"):
        day = make_day()
        services.booking_create(day_id=day.pk, name="李华", phone="13812345678", topic="退保")
    content = admin_client.get("/en/admin/reception/booking/").content.decode()
    assert "138****5678" in content and "13812345678" not in content


def test_cancelling_a_day_needs_a_reason_and_a_moved_day_its_first_date(make_day):
    from django.core.exceptions import ValidationError

    day = make_day()
    day.status = DayStatus.CANCELLED
    with pytest.raises(ValidationError) as refused:
        day.full_clean()
    assert "status_reason_zh_hans" in refused.value.message_dict
    day.status_reason_zh_hans = "总经理出差"
    day.full_clean()
    day.status = DayStatus.MOVED
    with pytest.raises(ValidationError) as refused:
        day.full_clean()
    assert "moved_from" in refused.value.message_dict


def test_branch_staff_cannot_print_another_branch_bookings(beijing_staff, make_day):
    other = make_day("hunan")
    assert beijing_staff.get(f"/en/admin/reception/receptionday/{other.pk}/bookings/").status_code == 404
    mine = make_day("beijing")
    assert beijing_staff.get(f"/en/admin/reception/receptionday/{mine.pk}/bookings/").status_code == 200


def test_cancelling_a_booked_day_in_the_admin_texts_each_booking_in_its_language(
    admin_client, make_day, settings, run_worker
):
    from portal.messaging.sms import MemorySMSBackend

    settings.PORTAL_SMS_BACKEND = "memory"
    with time_machine.travel("2026-11-21 10:00 +0800"):
        day = make_day()
        with translation.override("en"):
            english = services.booking_create(day_id=day.pk, name="Jane", phone="13912345678", topic="claim")
        with translation.override("zh-hans"):
            chinese = services.booking_create(day_id=day.pk, name="李华", phone="13812345678", topic="退保")
    run_worker()
    MemorySMSBackend.outbox.clear()
    url = f"/en/admin/reception/receptionday/{day.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "branch": day.branch_id, "date": "2026-12-09", "start_time": "09:00", "end_time": "11:30",
            "status": DayStatus.CANCELLED, "status_reason_zh_hans": "总经理出差", "status_reason_en": "The manager is away",
            "moved_from": "", "notes_zh_hans": "", "notes_en": "",
            "bookings-TOTAL_FORMS": "2", "bookings-INITIAL_FORMS": "2", "bookings-MIN_NUM_FORMS": "0",
            "bookings-MAX_NUM_FORMS": "1000", "bookings-0-id": english.pk, "bookings-0-day": day.pk,
            "bookings-1-id": chinese.pk, "bookings-1-day": day.pk,
        }
    )  # fmt: skip
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert MemorySMSBackend.outbox == []  # queued with the change, sent by the worker
    run_worker()
    day.refresh_from_db()
    assert day.status == DayStatus.CANCELLED
    texts = dict(MemorySMSBackend.outbox)
    assert "is cancelled" in texts["+8613912345678"] and "The manager is away" in texts["+8613912345678"]
    assert "已取消" in texts["+8613812345678"] and "总经理出差" in texts["+8613812345678"]


@pytest.mark.parametrize("model", ["receptionday", "booking", "holiday", "branchstaff"])
def test_every_reception_admin_list_and_form_opens_in_both_languages(admin_client, make_day, model):
    day = make_day()
    with time_machine.travel("2026-11-21 10:00 +0800"):
        services.booking_create(day_id=day.pk, name="李华", phone="13812345678", topic="退保")
    app = "portal" if model == "holiday" else "reception"  # the working-day calendar is portal's model
    for prefix in ("", "/en"):
        assert admin_client.get(f"{prefix}/admin/{app}/{model}/").status_code == 200
        if model not in ("booking",):
            assert admin_client.get(f"{prefix}/admin/{app}/{model}/add/").status_code == 200
    assert admin_client.get(f"/admin/reception/receptionday/{day.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/reception/receptionday/{day.pk}/history/").status_code == 200
    assert admin_client.get("/admin/reception/receptionday/import/").status_code == 200
    assert admin_client.get("/admin/reception/receptionday/generate/").status_code == 200
