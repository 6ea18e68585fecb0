"""Exports that spreadsheet programs keep intact: date cells, the added columns, identifiers that stay text
in LibreOffice (one headless conversion), free text scrubbed in masked exports."""

import csv
import io
import shutil
import subprocess
from datetime import date, datetime, timedelta

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


def test_an_unmasked_csv_opened_by_libreoffice_keeps_the_18_digit_id_and_the_leading_zeros(closed_complaint, tmp_path):
    path = _export(tmp_path, "csv", user=closed_complaint, masked=False)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, ".ci/install-system installs libreoffice-calc-nogui"
    profile = tmp_path / "profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx", "--outdir",
         str(tmp_path / "out"), str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    sheet = load_workbook(tmp_path / "out" / "export.xlsx").active
    row = dict(zip(_headings(), [cell.value for cell in sheet[2]], strict=True))
    assert str(row["证件号码"]).strip() == ID_NUMBER
    assert str(row["保单号"]).strip() == "00012345678901"
    assert str(row["联系电话"]).strip() == "13812345678"
    assert all(isinstance(row[name], str) for name in ("证件号码", "保单号", "联系电话"))


def test_remediation_state_is_done_once_every_item_ended(closed_complaint, tmp_path):
    from complaints.compliance.remediation import remediation_update
    from complaints.models import RemediationItem

    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        remediation_update(
            item=RemediationItem.objects.get(), actor=closed_complaint, status="done", closing_note="已完成复训"
        )
    sheet = load_workbook(_export(tmp_path, "xlsx")).active
    assert dict(zip(_headings(), [cell.value for cell in sheet[2]], strict=True))["整改状态"] == "已整改"
