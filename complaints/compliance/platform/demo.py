"""Demo content for the national complaint platform: a year of the cases it transferred (36, over this calendar
year to date, from a fixed seed), read through the exchange's own import (import_platform_cases, as the daily
file is), each on its day, then worked as a handler would, each step on its own day: most answered within the
platform's date and reported back on time, some reported back after it, the latest still open. Idempotent: the
import leaves known references alone, and only the cases it registers now are worked."""

import random
from datetime import timedelta

from django.utils import timezone

from portal.tabular import Row

from ... import notifications, services
from ...demo import _clock, _staff
from ..importer import parse_moment
from .cases import import_platform_cases

CASES_PER_MONTH = 3
MONTHS = 12
PEOPLE = ("周敏", "吴磊", "郑洁", "王芳", "冯强", "陈静", "褚凯", "卫华", "蒋丽", "沈涛", "韩雪", "杨帆")
PROVINCES = ("北京", "上海", "广东", "湖南", "四川", "浙江")
MATTERS = {
    "claims": "平台转办：住院医疗理赔申请提交已逾一个月，未收到结论。",
    "sales": "平台转办：销售人员称产品“保本高收益”，与合同不符。",
    "policy_service": "平台转办：申请退保后退保金计算与说明不一致。",
    "service": "平台转办：多次拨打客服电话无人接听。",
}
DECISIONS = {
    "claims": "经核查，理赔材料已齐全，我司已作出赔付决定并支付保险金。",
    "sales": "经调取销售录音录像，销售人员存在夸大收益的表述，我司同意全额退还保费。",
    "policy_service": "经复核，退保金按合同现金价值表计算无误，已向您当面解释计算方法。",
    "service": "经核查，因系统故障导致来电未接通，我司已致歉并完成系统修复。",
}
RELIEFS = {
    "claims": ("upheld", ["claim_paid"]),
    "sales": ("upheld", ["refund"]),
    "policy_service": ("not_upheld", ["explanation"]),
    "service": ("partly_upheld", ["apology", "correction"]),
}


def _rows(now) -> list[Row]:
    rng = random.Random(2028)  # a fixed draw: the same cases on every load
    today = timezone.localdate(now)
    span = (today - today.replace(month=1, day=1)).days  # days since 1 January
    count = CASES_PER_MONTH * MONTHS
    rows = []
    for index in range(CASES_PER_MONTH * MONTHS):
        # Spread over this calendar year to date (last year's record is the imported one its disclosure was
        # drafted from); the last two arrived the day before yesterday and yesterday.
        days_ago = round(span - index * span / count) - rng.randint(0, 2)
        if index >= count - 2:
            days_ago = count - index
        received = timezone.localtime(now - timedelta(days=max(days_ago, 1))).replace(hour=9 + index % 7, minute=15)
        category = list(MATTERS)[index % len(MATTERS)]
        reply_days = rng.choice((7, 10, 15, None))
        values = {
            "platform_ref": f"PT{received:%Y%m%d}{index + 1:05d}",
            "received_at": f"{received:%Y-%m-%d %H:%M}",
            "reply_by": f"{received + timedelta(days=reply_days):%Y-%m-%d}" if reply_days else "",
            "name": PEOPLE[index % len(PEOPLE)],
            "phone": f"1370{index:07d}",
            "category": category,
            "province": PROVINCES[index % len(PROVINCES)],
            "description": MATTERS[category],
        }
        rows.append(Row(number=index + 1, values=values))
    return rows


def _work(complaint, index: int, now, staff) -> None:
    """The steps of one case, each on its own day: assigned, accepted, decided within the platform's date (every
    eleventh after it), reported back the day after the decision (every fifth three days late)."""
    received = complaint.received_at
    due = complaint.regulator_deadline
    answer_days = max(1, (due - timezone.localdate(received)).days - 2)
    if index % 11 == 10:
        answer_days += 3
    steps = [("assign", 1), ("accept", 1), ("start", 2), ("decide", answer_days)]
    steps.append(("report_back", answer_days + (4 if index % 5 == 4 else 1)))
    handler, supervisor = staff
    for step, days in steps:
        moment = (received + timedelta(days=days)).replace(hour=10 + len(step) % 6, minute=30)
        if step in ("assign", "accept"):
            moment = received + timedelta(hours=1 if step == "assign" else 2)
        if moment >= now:
            return  # the latest cases are still being worked
        with _clock(moment), services.recording_history(moment):
            if step == "assign":
                services.complaint_assign(complaint=complaint, actor=supervisor, handler=handler)
            elif step == "accept":
                services.complaint_accept(complaint=complaint, actor=handler)
            elif step == "start":
                services.complaint_start(complaint=complaint, actor=handler)
            elif step == "decide":
                outcome, reliefs = RELIEFS[complaint.category]
                services.complaint_decide(
                    complaint=complaint,
                    actor=handler,
                    decision=DECISIONS[complaint.category],
                    outcome=outcome,
                    reliefs=reliefs,
                    remedies=["review", "mediation", "arbitration", "litigation"],
                )
            else:
                services.complaint_report_back(
                    complaint=complaint, actor=handler, reference=f"小康消保平台答复〔{moment:%Y}〕{index + 1}号"
                )
        complaint.refresh_from_db()


def load(stdout=None) -> None:
    with notifications.muted():  # no message to the demo's invented people
        _load(stdout)


def _load(stdout) -> None:
    now = timezone.now()
    rows = _rows(now)
    staff = (_staff("handler"), _staff("supervisor"))
    created = 0
    for row in rows:
        # Each case imported on the day the platform's file brought it, a few minutes after its receipt.
        moment = parse_moment(row.values["received_at"])[0] + timedelta(minutes=5)
        with _clock(moment), services.recording_history(moment):
            result = import_platform_cases([row])
        for complaint in result.created:
            _work(complaint, row.number - 1, now, staff)
            services.complaint_mark_late(complaint=complaint)
            created += 1
    if stdout:
        stdout.write(f"complaints: {created} platform cases added ({len(rows)} in all)\n")
