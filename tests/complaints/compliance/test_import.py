"""Importing complaints: all or nothing, the codes and headers of the issue, updates by the regulator's
reference, idempotent re-imports, the same events as any complaint, and hostile files."""

from datetime import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from complaints.compliance.importer import ImportRefused, complaint_import, plan_import
from complaints.models import Complaint, ComplaintEvent, Status
from portal.messaging.sms import MemorySMSBackend

from .files import CHINESE_HEADER, csv_bytes, row, seed_year_rows, xlsx_bytes

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.get_fixed_timezone(480))


@pytest.fixture(autouse=True)
def _frozen_and_in_english():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def _snapshot():
    return (
        list(Complaint.objects.order_by("id").values()),
        list(ComplaintEvent.objects.order_by("id").values_list("id", flat=True)),
    )


def test_a_file_with_an_impossible_date_an_unknown_category_and_an_unknown_province_is_refused_whole(tmp_path):
    data = csv_bytes(
        [
            row(),
            row(received="2023-02-30", name="甲"),
            row(category="insurance fraud", name="乙"),
            row(province="火星", name="丙"),
            row(name="丁"),
        ]
    )
    with pytest.raises(ImportRefused) as refused:
        complaint_import(data=data, name="bad.csv")
    assert refused.value.bad_rows == [3, 4, 5]
    message = str(refused.value)
    assert "Row 3" in message and "2023-02-30" in message
    assert "Row 4" in message and "insurance fraud" in message
    assert "Row 5" in message and "火星" in message
    assert Complaint.objects.count() == 0 and ComplaintEvent.objects.count() == 0

    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError) as error:
        call_command("import_complaints", str(path))
    assert "nothing was imported" in str(error.value) and "Row 5" in str(error.value)
    assert Complaint.objects.count() == 0


def test_the_refusal_names_the_column_of_each_bad_cell_in_chinese():
    with translation.override("zh-hans"):
        with pytest.raises(ImportRefused) as refused:
            plan_import(csv_bytes([row(received="2023-13-01")]), "bad.csv")
        assert "第 2 行" in str(refused.value) and "收到时间" in str(refused.value)


def test_a_good_file_imports_and_importing_it_again_changes_nothing(tmp_path, sms_outbox):
    path = tmp_path / "2023.csv"
    path.write_bytes(csv_bytes(seed_year_rows()))
    out = StringIO()
    call_command("import_complaints", str(path), stdout=out)
    assert "15 new, 0 updated, 0 unchanged" in out.getvalue()
    assert Complaint.objects.count() == 15
    before = _snapshot()

    out = StringIO()
    call_command("import_complaints", str(path), stdout=out)
    assert "0 new, 0 updated, 15 unchanged" in out.getvalue()
    assert _snapshot() == before
    # Past complaints are recorded, not announced: nobody is sent an SMS.
    assert sms_outbox == []


def test_imported_complaints_carry_the_workflow_events_and_the_recorded_closing_date():
    complaint_import(data=csv_bytes(seed_year_rows()), name="2023.csv")
    complaint = Complaint.objects.get(regulator_ref="JG-2023-001")
    assert complaint.status == Status.CLOSED
    assert list(complaint.events.values_list("action", flat=True)) == ["register", "accept", "decide", "close"]
    assert timezone.localdate(complaint.decided_at).isoformat() == "2023-02-20"
    assert complaint.ended_on.isoformat() == "2023-02-20"
    assert complaint.outcome == "partly_upheld"
    assert complaint.due_date.isoformat() == "2023-02-25"
    assert "row 2" in complaint.events.first().note
    assert complaint.source == "regulator" and complaint.channel == "letter" and complaint.business_channel == "broker"


def test_a_regulator_row_with_a_known_reference_updates_the_complaint_instead_of_adding_one():
    complaint_import(data=csv_bytes([row(source="regulator", ref="JG-9", category="sales")]), name="a.csv")
    corrected = row(source="regulator", ref="JG-9", category="claims", closed="2023-03-10", outcome="upheld")
    plan = complaint_import(data=csv_bytes([corrected]), name="b.csv")
    assert (plan.created, plan.updated, plan.unchanged) == (0, 1, 0)
    complaint = Complaint.objects.get()
    assert complaint.category == "claims" and complaint.status == Status.CLOSED
    assert complaint_import(data=csv_bytes([corrected]), name="b.csv").unchanged == 1


def test_chinese_headers_and_values_and_an_xlsx_file_import_alike():
    rows = [row(received="2024年3月5日", source="自收", channel="微", business="银保", category="保全退保",
                province="广东省", closed="2024/3/9", outcome="投诉成立")]  # fmt: skip
    plan = complaint_import(data=xlsx_bytes(rows, header=CHINESE_HEADER), name="中文.xlsx")
    assert plan.created == 1
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.business_channel, complaint.category, complaint.province) == (
        "wechat",
        "bancassurance",
        "policy_service",
        "广东",
    )
    assert complaint.outcome == "upheld"


def test_received_at_is_beijing_time():
    complaint_import(data=csv_bytes([row(received="2024-01-01 00:30")]), name="a.csv")
    received = Complaint.objects.get().received_at
    assert received.astimezone(timezone.UTC).isoformat() == "2023-12-31T16:30:00+00:00"


def test_a_regulator_row_needs_its_reference_and_a_repeated_reference_is_refused():
    with pytest.raises(ImportRefused) as refused:
        plan_import(csv_bytes([row(source="regulator"), row(source="regulator", ref="X1"),
                               row(source="regulator", ref="X1", name="别人")]), "a.csv")  # fmt: skip
    assert refused.value.bad_rows == [2, 4]


def test_closing_dates_before_receipt_or_in_the_future_and_outcomes_without_closing_are_refused():
    rows = [
        row(received="2023-03-01", closed="2023-02-01"),
        row(received="2023-03-01", closed="2027-01-01", name="乙"),
        row(received="2027-01-01", name="丙"),
        row(outcome="upheld", name="丁"),
        row(phone="12345", name="戊"),
    ]
    with pytest.raises(ImportRefused) as refused:
        plan_import(csv_bytes(rows), "a.csv")
    assert refused.value.bad_rows == [2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\xff\xfe binary \x00", "neither a CSV"),
        (b"PK\x03\x04 not really a zip", "cannot be read"),
        ("只有一行文字，没有表头要求的列".encode(), "Missing columns"),
        (b"received_at,source,channel,category,name,phone,description\r\n", "no rows"),
    ],
)
def test_hostile_files_get_a_clear_error_and_no_traceback(data, expected, tmp_path):
    with pytest.raises(ImportRefused) as refused:
        plan_import(data, "x.csv")
    assert expected in str(refused.value)
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command("import_complaints", str(path))


def test_huge_fields_nul_bytes_and_wrong_types_are_named_by_row():
    rows = [
        row(description="长" * 20_000),
        row(name="张三" * 60),
        row(received="12345", name="乙"),
        row(received="2023-03-01T25:99", name="丙"),
        row(channel="3.14", name="丁"),
    ]
    with pytest.raises(ImportRefused) as refused:
        plan_import(csv_bytes(rows), "x.csv")
    assert refused.value.bad_rows == [2, 3, 4, 5, 6]
    assert Complaint.objects.count() == 0


def test_a_file_with_nul_bytes_is_refused_as_not_a_table():
    with pytest.raises(ImportRefused, match="neither a CSV"):
        plan_import(csv_bytes([row(name="张\x00三")]), "x.csv")


def test_a_gb18030_file_as_chinese_excel_saves_it_imports():
    data = csv_bytes([row()], header=CHINESE_HEADER, encoding="gb18030")
    assert complaint_import(data=data, name="gb.csv").created == 1


def test_the_command_names_a_missing_file():
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_complaints", "/nonexistent/file.csv")


def test_memory_backend_is_reset(sms_outbox):
    assert MemorySMSBackend.outbox == []


def test_an_oversized_csv_field_or_a_damaged_workbook_is_refused_with_a_sentence():
    with pytest.raises(ImportRefused, match="cell is too long"):
        plan_import(csv_bytes([row(description="x" * 200_000)]), "x.csv")
    import zipfile
    from io import BytesIO

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not-xml")
        archive.writestr("xl/workbook.xml", "<<<")
    with pytest.raises(ImportRefused):
        plan_import(buffer.getvalue(), "x.xlsx")


def test_a_reimport_with_a_corrected_name_and_phone_shows_the_correction_in_the_history(compliance):
    complaint_import(data=csv_bytes([row(source="regulator", ref="JG-77", name="王方", phone="13900001111")]))
    corrected = row(source="regulator", ref="JG-77", name="王芳", phone="139 0000 2222")
    plan = complaint_import(data=csv_bytes([corrected]), name="second.csv", actor=compliance)
    assert plan.updated == 1
    complaint = Complaint.objects.get(regulator_ref="JG-77")
    assert (complaint.name, complaint.phone) == ("王芳", "+8613900002222")
    event = complaint.events.get(action="correct")
    assert event.actor == compliance and event.data == {"fields": ["name", "phone"]}
    assert "second.csv" in event.note and "row 2" in event.note
    # The event log is read by more people than may see personal data in full: the values are masked there.
    assert "王*" in event.note and "139****2222" in event.note
    assert "13900002222" not in event.note and "王芳" not in event.note


def test_an_imported_closed_complaint_is_closed_by_the_workflow_and_its_events_say_when(compliance):
    complaint_import(data=csv_bytes([row(closed="2023-03-10", outcome="")]), name="closed.csv", actor=compliance)
    complaint = Complaint.objects.get()
    events = list(complaint.events.order_by("id"))
    assert [event.action for event in events] == ["register", "accept", "decide", "close"]
    assert all(event.actor == compliance for event in events)
    assert [(event.from_status, event.to_status) for event in events[1:]] == [
        ("received", "accepted"),
        ("accepted", "decided"),
        ("decided", "closed"),
    ]
    assert events[2].data == {"decided_on": "2023-03-10"}
    # A record without an outcome is kept without one (the report does not invent "not upheld").
    assert complaint.outcome == "" and complaint.ended_on.isoformat() == "2023-03-10"


def test_both_importers_refuse_a_file_with_the_one_import_error():
    from portal.tabular import ImportRefused as Shared
    from reception.importer import ImportProblem

    assert ImportRefused is Shared
    refused = Shared([ImportProblem(3, None, "x"), ImportProblem(None, None, "y")])
    assert refused.bad_rows == [3] and refused.problems[1].message == "y"
