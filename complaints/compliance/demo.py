"""Demo content for the compliance side: last year's closed complaints and the draft disclosure drawn from them.

The record is a table of the kind a complaint team imports from its older systems (received, channel, category,
province, closed, outcome), generated from a fixed seed and loaded through the importer, so the complaints carry
the same events as any imported record. The year's disclosure is then drafted through `disclosure_draft`, as a
compliance officer would from the dashboard: a draft notice that an editor reviews before publishing. Idempotent:
the importer leaves rows it has seen alone, and a year that has a disclosure (draft or published) gets no second.
"""

import csv
import io
import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from notices.models import Category as NoticeCategory
from notices.models import Notice
from portal.beijing import BEIJING

from .disclosure import disclosure_draft
from .importer import complaint_import

ROWS = 64
COLUMNS = (
    "received_at", "source", "regulator_ref", "channel", "business_channel", "category", "province", "name",
    "phone", "description", "closed_at", "outcome",
)  # fmt: skip
CATEGORIES = {"sales": 30, "policy_service": 27, "claims": 21, "service": 12, "underwriting": 4, "other": 6}
CHANNELS = {"phone": 46, "letter": 12, "visit": 9, "web": 18, "wechat": 9, "email": 6}
BUSINESS = {"agency": 55, "bancassurance": 22, "broker": 8, "internet": 10, "group": 5}
PROVINCES = {"北京": 30, "江苏": 24, "湖南": 22, "广东": 8, "山东": 6, "浙江": 5, "河南": 5}
OUTCOMES = {"upheld": 38, "partly_upheld": 34, "not_upheld": 28}
MOBILE_BLOCKS = ("135", "136", "137", "138", "139", "150", "151", "158", "159", "186", "187", "188", "189")
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
DESCRIPTIONS = {
    "sales": (
        "业务员介绍产品时只讲收益，没有说明犹豫期和退保损失。",
        "在银行网点办理存款时被推荐购买了分红险，当时被告知是存款产品。",
        "业务员承诺的年收益与合同载明的保证利率不一致。",
    ),
    "policy_service": (
        "申请变更投保人后迟迟没有办理结果。",
        "退保金额与合同现金价值表不一致，要求说明计算方法。",
        "续期保费扣款失败后没有收到任何提醒，保单险些失效。",
    ),
    "claims": (
        "住院医疗理赔材料已交齐，超过约定时间仍未赔付。",
        "重疾理赔被拒，拒赔理由与医院诊断不符。",
        "意外伤残理赔金额偏低，对伤残等级认定有异议。",
    ),
    "service": (
        "客服热线长时间无人接听，反映的问题没有回音。",
        "柜面要求重复提交已经交过的材料。",
    ),
    "underwriting": ("投保时如实告知了既往病史，承保时被加费却没有书面说明理由。",),
    "other": ("保单贷款利率的计算方式不清楚，多次询问未得到解答。",),
}


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def last_year_rows(year: int) -> list[dict[str, str]]:
    """The demo record of `year`: ROWS complaints spread over the year, nearly all decided and closed within
    the 15-day limit, a few closed late, about one in eight forwarded by the regulator. The same year gives
    the same rows."""
    rng = random.Random(f"complaints-{year}")
    first = date(year, 1, 4)
    rows = []
    for index in range(ROWS):
        received = datetime.combine(
            first + timedelta(days=rng.randrange(355)), time(rng.randrange(8, 18), rng.randrange(60)), BEIJING
        )
        late = rng.random() < 0.05
        closed = received + timedelta(days=rng.randrange(16, 24) if late else rng.randrange(2, 14), hours=3)
        category = _pick(rng, CATEGORIES)
        regulator = rng.random() < 0.12
        rows.append(
            {
                "received_at": received.strftime("%Y-%m-%d %H:%M"),
                "source": "regulator" if regulator else "self",
                "regulator_ref": f"京金监投〔{year}〕{index + 101:04d}号" if regulator else "",
                "channel": "letter" if regulator else _pick(rng, CHANNELS),
                "business_channel": _pick(rng, BUSINESS),
                "category": category,
                "province": _pick(rng, PROVINCES),
                "name": rng.choice(SURNAMES) + rng.choice(("先生", "女士")),
                "phone": f"{rng.choice(MOBILE_BLOCKS)}{rng.randrange(10**8):08d}",
                "description": rng.choice(DESCRIPTIONS[category]),
                "closed_at": closed.strftime("%Y-%m-%d %H:%M"),
                "outcome": _pick(rng, OUTCOMES),
            }
        )
    return sorted(rows, key=lambda row: row["received_at"])


def load(stdout=None) -> None:
    year = timezone.localdate().year - 1
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(last_year_rows(year))
    plan = complaint_import(data=table.getvalue().encode(), name=f"demo-record-{year}.csv")
    drafted = ""
    if not Notice.objects.filter(category=NoticeCategory.DISCLOSURES, disclosure_year=year).exists():
        notice, _created = disclosure_draft(year=year)
        drafted = f"; the {year} disclosure drafted (a draft notice, id {notice.pk})"
    if stdout is not None:
        stdout.write(f"complaints of {year}: {plan.created} imported, {plan.unchanged} already there{drafted}\n")
