"""The file exchange with the national complaint platform: `import_platform` registers transferred cases all or
nothing and idempotently; `export_platform_answers` writes the answers and steps in its stated schema."""

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from complaints import services
from complaints.compliance.platform import answers
from complaints.models import Complaint
from portal.actors import is_system_actor
from portal.models import Branch

from .factories import frozen_at, register, shanghai

pytestmark = pytest.mark.django_db

_frozen = frozen_at(shanghai(2026, 11, 20, 9), language="en")

CASES = [
    {
        "platform_ref": "PT2026111800031",
        "received_at": "2026-11-18 10:15",
        "reply_by": "2026-11-28",
        "name": "赵六",
        "phone": "138 0013 8000",
        "id_number": "11010519880101234x",
        "policy_number": "P2025000777",
        "category": "理赔",
        "province": "北京",
        "description": "平台转办：重疾理赔超过30日未决。",
    },
    {
        "platform_ref": "PT2026111900007",
        "received_at": "2026-11-19",
        "name": "钱七",
        "phone": "13900139000",
        "category": "sales",
        "description": "销售时未说明犹豫期。",
    },
]


def _write(tmp_path, cases, name="cases.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"schema": "platform-cases", "cases": cases}, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_importing_registers_each_case_as_the_system_with_its_reference_and_date_and_again_changes_nothing(
    tmp_path, capsys
):
    path = _write(tmp_path, CASES)
    call_command("import_platform", path)
    first = Complaint.objects.get(platform_ref="PT2026111800031")
    assert (first.source, first.category, first.province, first.phone) == (
        "platform",
        "claims",
        "北京",
        "+8613800138000",
    )
    assert first.id_number == "11010519880101234X" and first.idempotency_key == "platform:PT2026111800031"
    assert first.due_date == date(2026, 11, 28) and is_system_actor(first.events.get(action="register").actor)
    assert Complaint.objects.get(platform_ref="PT2026111900007").report_back_due == date(2026, 12, 4)
    call_command("import_platform", path)
    assert Complaint.objects.count() == 2
    assert "0 new platform case(s); 2 already registered" in capsys.readouterr().out


def test_a_case_registered_by_hand_first_is_left_alone_by_the_import(tmp_path, handler):
    by_hand = register(handler, source="platform", platform_ref="PT2026111900007", received_at=shanghai(2026, 11, 19))
    call_command("import_platform", _write(tmp_path, CASES))
    assert Complaint.objects.count() == 2 and Complaint.objects.get(platform_ref="PT2026111900007") == by_hand


def test_bad_rows_refuse_the_whole_file_each_named_by_row_and_column(tmp_path):
    bad = [
        CASES[0],
        {**CASES[1], "phone": "12", "reply_by": "2026-11-01"},
        {**CASES[1], "platform_ref": "PT2026111800031", "category": "天气"},
    ]
    with pytest.raises(CommandError) as refused:
        call_command("import_platform", _write(tmp_path, bad))
    message = str(refused.value)
    assert "nothing was imported" in message
    assert "Row 2, phone:" in message and "Row 2, platform's reply date: The platform's reply date" in message
    assert "Row 3, platform's reference: the same reference as row 1." in message
    assert "Row 3, category:" in message and "Row 1" not in message
    assert not Complaint.objects.exists()


def test_a_dry_run_checks_everything_and_registers_nothing(tmp_path, capsys):
    call_command("import_platform", _write(tmp_path, CASES), "--dry-run")
    assert not Complaint.objects.exists()
    assert "Would register 2 new platform case(s)" in capsys.readouterr().out


def test_a_csv_with_the_platforms_chinese_headings_is_read_like_the_json(tmp_path):
    Branch.objects.create(name="上海分公司", slug="shanghai", province="上海")
    path = tmp_path / "cases.csv"
    path.write_text(
        "平台编号,接收时间,答复期限,姓名,联系电话,投诉类别,分支机构,投诉内容\n"
        "PT2026112000001,2026-11-20 08:30,,孙八,13600136000,承保,shanghai,核保拒保未说明理由。\n",
        encoding="utf-8",
    )
    call_command("import_platform", str(path))
    complaint = Complaint.objects.get(platform_ref="PT2026112000001")
    assert (complaint.category, complaint.branch.slug, complaint.province) == ("underwriting", "shanghai", "上海")


def test_the_answers_export_holds_each_platform_case_with_a_step_since_the_day_and_only_the_public_decision(
    tmp_path, supervisor, time_machine
):
    time_machine.move_to(shanghai(2026, 10, 1), tick=False)
    old = register(supervisor, source="platform", platform_ref="PT2026100100001")
    time_machine.move_to(shanghai(2026, 11, 20, 9), tick=False)
    case = register(supervisor, source="platform", platform_ref="PT2026111800031", platform_deadline=date(2026, 11, 28))
    services.complaint_add_note(complaint=case, actor=supervisor, text="内部：客户情绪激动。")
    services.complaint_accept(complaint=case, actor=supervisor)
    services.complaint_start(complaint=case, actor=supervisor)
    services.complaint_decide(
        complaint=case,
        actor=supervisor,
        decision="同意赔付重疾保险金。",
        outcome="upheld",
        reliefs=["claim_paid"],
        remedies=["review"],
    )
    time_machine.move_to(shanghai(2026, 11, 23, 10), tick=False)
    services.complaint_report_back(complaint=case, actor=supervisor, reference="答复〔2026〕31号")
    register(supervisor, phone="13900009999")  # direct: never exported
    time_machine.move_to(shanghai(2026, 11, 24, 10), tick=False)
    output = tmp_path / "answers.json"
    call_command("export_platform_answers", "--since", "2026-11-20", "--output", str(output))
    document = json.loads(output.read_text(encoding="utf-8"))
    assert (document["schema"], document["version"], document["since"]) == (answers.SCHEMA, 1, "2026-11-20")
    assert [row["platform_ref"] for row in document["cases"]] == ["PT2026111800031"]
    row = document["cases"][0]
    assert row["status"] == "decided" and row["decided_on"] == "2026-11-20" and row["outcome"] == "upheld"
    assert row["decision"] == "同意赔付重疾保险金。" and row["reliefs"] == ["claim_paid"]
    assert (row["reported_back_on"], row["report_back_ref"], row["reply_by"]) == (
        "2026-11-23",
        "答复〔2026〕31号",
        "2026-11-28",
    )
    assert [step["step"] for step in row["steps"]] == ["register", "accept", "start", "decide", "report_back"]
    assert "内部" not in output.read_text(encoding="utf-8") and old.platform_ref not in output.read_text("utf-8")
