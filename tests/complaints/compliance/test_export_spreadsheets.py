"""Exports that spreadsheet programs keep intact: date cells, the added columns, plain CSV values that pandas
reads as the docs say, identifiers that stay text when LibreOffice opens the workbook (one headless conversion),
free text scrubbed in masked exports."""

import csv
import io
import shutil
import subprocess
from datetime import date, datetime, timedelta

import pandas
import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from complaints import services
from complaints.compliance import exports
from complaints.compliance.remediation import remediation_add
from portal import roles
from tests.complaints.factories import register

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=timezone.get_fixed_timezone(480))
ID_NUMBER = "110105194912310018"
NARRATIVE = "请回电13812345678,或发邮件到 li.si@example.com;身份证11010519491231002X,卡号6222 0202 0000 1234。"


@pytest.fixture
def closed_complaint(make_user):
    with time_machine.travel(NOW, tick=False):
        supervisor = make_user("lead", groups=[roles.SUPERVISOR])
        complaint = register(
            supervisor,
            id_number=ID_NUMBER,
            policy_number="00012345678901",
            description=NARRATIVE,
            desired_outcome="退保,电话 010-85921177",
            product_line="health",
        )
        services.complaint_assign(complaint=complaint, actor=supervisor, handler=supervisor)
        services.complaint_accept(complaint=complaint, actor=supervisor)
        services.complaint_decide(
            complaint=complaint,
            actor=supervisor,
            decision="同意退保。",
            outcome="upheld",
            reliefs=["claim_paid"],
            remedies=["review"],
        )
        services.complaint_close(
            complaint=complaint,
            actor=supervisor,
            cause="sales_practice",
            root_cause="销售误导",
            responsible_unit="北京分公司",
        )
        remediation_add(
            complaint=complaint, actor=supervisor, action="复训销售人员", owner=supervisor, due_date=date(2026, 4, 1)
        )
    return supervisor


def _export(tmp_path, file_format, *, user=None, masked=True):
    path = tmp_path / f"export.{file_format}"
    exports.complaint_export(filters={}, file_format=file_format, target=str(path), user=user, masked=masked)
    return path


def _headings():
    return [heading for _field, heading in exports.COLUMNS]


def test_the_workbook_has_date_cells_and_the_oversight_columns(closed_complaint, tmp_path):
    for masked in (True, False):
        sheet = load_workbook(_export(tmp_path, "xlsx", user=closed_complaint, masked=masked)).active
        row = dict(zip(_headings(), [cell.value for cell in sheet[2]], strict=True))
        assert row["接收时间"] == datetime(2026, 3, 10, 10, 0)
        assert row["办理期限"] == datetime(2026, 3, 25) and row["办结日期"] == datetime(2026, 3, 10)
        assert row["结案日期"] == datetime(2026, 3, 10) and row["延期次数"] == 0
        assert row["经办人"] == "lead" and row["险种"] == "健康险" and row["根本原因"] == "销售行为"
        assert row["责任单位"] == "北京分公司" and row["整改状态"] == "整改中"
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")


def test_a_masked_export_scrubs_numbers_and_addresses_from_free_text(closed_complaint, tmp_path):
    rows = list(csv.reader(io.StringIO(_export(tmp_path, "csv").read_bytes().decode("utf-8-sig"))))
    row = dict(zip(_headings(), rows[1], strict=True))
    for secret in ("13812345678", "li.si@example.com", "11010519491231002X", "6222 0202", "85921177"):
        assert secret not in row["投诉内容"] + row["诉求"]
    assert row["投诉内容"].startswith("请回电****") and row["证件号码"] == "1101**********0018"
    unmasked = list(
        csv.reader(
            io.StringIO(_export(tmp_path, "csv", user=closed_complaint, masked=False).read_bytes().decode("utf-8-sig"))
        )
    )
    assert dict(zip(_headings(), unmasked[1], strict=True))["投诉内容"] == NARRATIVE


def test_an_unmasked_csv_holds_plain_values_with_only_the_formula_escape(closed_complaint, tmp_path):
    rows = list(
        csv.reader(
            io.StringIO(_export(tmp_path, "csv", user=closed_complaint, masked=False).read_bytes().decode("utf-8-sig"))
        )
    )
    row = dict(zip(_headings(), rows[1], strict=True))
    assert row["证件号码"] == ID_NUMBER and row["保单号"] == "00012345678901" and row["联系电话"] == "13812345678"
    assert not any(cell.endswith("\t") or cell.startswith("\t") for cell in rows[1])


def test_pandas_reading_the_csv_as_the_docs_say_keeps_the_18_digit_id_and_the_leading_zeros(closed_complaint, tmp_path):
    for masked in (False, True):
        path = _export(tmp_path, "csv", user=closed_complaint, masked=masked)
        # docs/compliance.md, "Reading the exports in a program".
        frame = pandas.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        row = frame.iloc[0]
        if masked:
            assert row["证件号码"] == "1101**********0018"
        else:
            assert (
                row["证件号码"] == ID_NUMBER and row["保单号"] == "00012345678901" and row["联系电话"] == "13812345678"
            )


def test_libreoffice_opening_the_xlsx_export_keeps_the_18_digit_id_and_the_leading_zeros(closed_complaint, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed (.ci/install-system installs libreoffice-calc-nogui)")
    path = _export(tmp_path, "xlsx", user=closed_complaint, masked=False)
    profile = tmp_path / "profile"
    # LibreOffice reads the workbook and writes what it read as CSV (its filter writes cells as they are shown).
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
         "--outdir", str(tmp_path / "out"), str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "export.csv").read_text(encoding="utf-8"))))
    row = dict(zip(_headings(), rows[1], strict=True))
    assert row["证件号码"] == ID_NUMBER
    assert row["保单号"] == "00012345678901"
    assert row["联系电话"] == "13812345678"


def test_remediation_state_is_done_once_every_item_ended(closed_complaint, tmp_path):
    from complaints.compliance.remediation import remediation_update
    from complaints.models import RemediationItem

    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        remediation_update(
            item=RemediationItem.objects.get(), actor=closed_complaint, status="done", closing_note="已完成复训"
        )
    sheet = load_workbook(_export(tmp_path, "xlsx")).active
    assert dict(zip(_headings(), [cell.value for cell in sheet[2]], strict=True))["整改状态"] == "已整改"


def test_the_export_page_says_which_format_keeps_identifiers_for_which_reader(make_user, client):
    from django.urls import reverse
    from django.utils import translation

    client.force_login(make_user("officer", groups=[roles.COMPLIANCE_OFFICER]))
    with translation.override("zh-hans"):  # the Chinese admin's address, whatever an earlier test left active
        url = reverse("admin:complaints_compliance_export")
    page = client.get(url).content.decode()
    assert "XLSX for a spreadsheet (Excel, WPS, LibreOffice)" not in page  # the admin is in Chinese
    assert "用电子表格（Excel、WPS、LibreOffice）打开请选 XLSX" in page and "dtype=str" in page
    assert "以 = + - 或 @ 开头的内容前加一个 '" in page.replace("&#x27;", "'")
