"""The draft disclosure drafted from the year's figures: both languages, the seed disclosure's statements,
a draft only, and idempotent per year."""

from datetime import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from complaints.compliance.disclosure import disclosure_draft
from complaints.compliance.importer import complaint_import
from notices import services as notice_services
from notices.models import Notice
from tests.complaints.factories import frozen_at

from .files import csv_bytes, row, seed_year_rows

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.get_fixed_timezone(480))


_frozen = frozen_at(NOW)


@pytest.fixture
def year_2023():
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")


def test_the_command_drafts_a_disclosure_in_both_languages_with_the_years_figures(year_2023):
    out = StringIO()
    call_command("draft_disclosure", "--year", "2023", stdout=out)
    assert "Created" in out.getvalue()
    notice = Notice.objects.get()
    assert notice.status == "draft" and notice.category == "disclosures" and notice.disclosure_year == 2023
    assert notice.publish_at is None
    zh, en = notice.body_zh_hans, notice.body_en
    assert "监管转办投诉案件合计3件" in zh and "公司自收投诉案件合计12件" in zh
    assert zh.count("以上案件均已按监管规定时效要求办结") == 2
    assert "经代渠道及互联网渠道" in zh and "北京及安徽" in zh and "北京、湖南及江苏等地区" in zh
    assert "3 complaints forwarded by the regulator" in en and "12 complaints received directly" in en
    assert "all of them were closed within the regulatory time limits" in en
    assert "Beijing, Hunan and Jiangsu" in en
    assert notice.title_en and notice.summary_en and notice.title_zh_hans and notice.summary_zh_hans


def test_a_second_run_updates_the_same_draft_and_keeps_what_the_editor_added(year_2023):
    notice, created = disclosure_draft(year=2023)
    assert created
    notice_services.notice_update(
        notice=notice, actor=None, body_zh_hans="## 一、消保工作\n\n编辑撰写的内容。\n\n" + notice.body_zh_hans
    )
    complaint_import(data=csv_bytes([row(received="2023-06-01", source="regulator", ref="JG-NEW")]), name="x.csv")
    again, created = disclosure_draft(year=2023)
    assert not created and again.pk == notice.pk and Notice.objects.count() == 1
    assert "编辑撰写的内容。" in again.body_zh_hans
    assert "监管转办投诉案件合计4件" in again.body_zh_hans and "合计3件" not in again.body_zh_hans
    assert "尚在处理中1件" in again.body_zh_hans
    assert again.body_zh_hans.count("## 消费投诉情况") == 1


def test_it_never_publishes_and_a_published_disclosure_is_left_alone(year_2023):
    notice, _created = disclosure_draft(year=2023)
    notice_services.notice_publish(notice=notice, actor=None)
    published_body = Notice.objects.get(pk=notice.pk).body_zh_hans
    fresh, created = disclosure_draft(year=2023)
    assert created and fresh.pk != notice.pk and fresh.status == "draft"
    assert Notice.objects.get(pk=notice.pk).body_zh_hans == published_body


def test_a_year_without_complaints_says_so():
    notice, _created = disclosure_draft(year=2021)
    assert "2021年，公司无监管转办投诉案件。" in notice.body_zh_hans
    assert "no complaints forwarded by the regulator" in notice.body_en


def test_the_draft_states_redress_and_satisfaction_when_the_years_decisions_recorded_them(year_2023, make_user):
    """Imported history recorded no relief: no paragraph of zeros. Decisions made here: what they gave and paid,
    and the complainants' answers."""
    from complaints import services
    from portal import roles
    from tests.complaints.factories import register

    notice, _created = disclosure_draft(year=2023)
    assert "处理结果与回访" not in notice.body_zh_hans and "Outcomes and satisfaction" not in notice.body_en

    handler = make_user("handler", groups=[roles.COMPLAINT_HANDLER, roles.SUPERVISOR])
    decided = []
    for phone, outcome, reliefs in (
        ("13812345678", "upheld", ["claim_paid"]),
        ("13900001111", "not_upheld", ["explanation"]),
        ("13900002222", "upheld", ["apology", "correction"]),
    ):
        complaint = register(handler, phone=phone)
        services.complaint_accept(complaint=complaint, actor=handler)
        decided.append(
            services.complaint_decide(
                complaint=complaint,
                actor=handler,
                decision="经核查，作出如下处理。",
                outcome=outcome,
                remedies=["review"],
                reliefs=reliefs,
            )
        )
    services.complaint_record_payment(complaint=decided[0], actor=handler, amount="12500.50")
    services.complaint_record_feedback(complaint=decided[0], actor=handler, score=5)
    services.complaint_record_feedback(complaint=decided[1], actor=handler, score=2)
    notice, _created = disclosure_draft(year=2026)
    zh, en = notice.body_zh_hans, notice.body_en
    assert "给予金钱补偿1件，已支付补偿金额12,500.50元" in zh and "非金钱措施1件" in zh and "仅作解释说明1件" in zh
    assert "2位投诉人对处理情况作出评价，平均3.5分（满分5分）" in zh
    assert "1 gave the complainant money (¥12,500.50 paid so far)" in en and "on average 3.5 out of 5" in en
