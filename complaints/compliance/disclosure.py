"""The complaint section of the yearly disclosure, drafted from the live figures.

The rules:
- The draft is a notice in the disclosures category, in Chinese and English, created and changed only through
  notices.services; it stays a draft for an editor to complete and publish. Nothing here ever publishes.
- Idempotent per year: a second run finds the year's draft disclosure and rewrites only its complaint section
  (from its heading to the next heading of the same level), keeping what the editor wrote around it. A year
  whose disclosure has no draft any more (it was published) gets a new draft.
- When the review register (消保审查, review_register.py) holds reviews of the year, a second section states
  their count by kind and the opinions given and adopted; otherwise that section is the editor's.
- The section states, for regulator-forwarded, platform-transferred (in a year with any) and directly received
  complaints apart, the count, whether they were all closed within the time limits, and where they concentrate:
  the main business channels (up to two), categories (up to two) and provinces (up to three).
- When complaints of the year were flagged as needing care, a special-groups paragraph (### 特殊群体投诉) counts
  them per group and states the materials asked for after the one-time list (compliance/care.py).
- When the year's decisions recorded what they gave the complainant (redress) or complainants answered the
  satisfaction survey, a last paragraph states them: decisions giving money and the total paid, decisions giving
  an action, decisions that only explained, the uphold rate (upheld in whole or in part ÷ decided) overall and for
  the three categories with the most decisions, and the answers with their average score. A year whose decisions
  recorded none (history imported from elsewhere) gets no such paragraph rather than zeros.
"""

import re
from decimal import Decimal

from django.db import transaction
from django.utils import translation

from notices import services as notice_services
from notices.models import Category as NoticeCategory
from notices.models import Notice
from notices.models import Status as NoticeStatus
from portal.models import province_label

from ..models import BusinessChannel, Category, Source
from .care import special_groups
from .reports import UNSPECIFIED, Period, complaint_report
from .review_register import review_counts

HEADINGS = {"zh_hans": "## 消费投诉情况", "en": "## Complaints"}
REVIEW_HEADINGS = {"zh_hans": "## 消费者权益保护审查", "en": "## Consumer-protection reviews"}
REVIEW_KINDS_ZH = {
    "product": "产品",
    "marketing": "营销宣传材料",
    "contract": "合同",
    "service_rule": "服务规则",
    "other": "其他",
}
REVIEW_KINDS_EN = {
    "product": "products",
    "marketing": "marketing material",
    "contract": "contracts",
    "service_rule": "service rules",
    "other": "other items",
}
TOP = {"by_business_channel": 2, "by_category": 2, "by_province": 3}


def _top(breakdown: dict, count: int) -> list[str]:
    ranked = sorted(
        ((key, n) for key, n in breakdown.items() if n and key != UNSPECIFIED), key=lambda item: (-item[1], item[0])
    )
    return [key for key, _n in ranked[:count]]


def _join_zh(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + "及" + items[-1]


def _join_en(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _labels(report: dict, key: str, language: str) -> list[str]:
    codes = _top(report[key], TOP[key])
    with translation.override(language):
        if key == "by_province":
            return [province_label(code) for code in codes]
        choices = BusinessChannel if key == "by_business_channel" else Category
        return [str(choices(code).label) for code in codes]


def _all_on_time(report: dict) -> bool:
    return report["open"] == 0 and report["closed_on_time"] == report["closed"]


def _paragraph_zh(year: int, report: dict, who: str) -> str:
    if not report["total"]:
        return f"{year}年，公司无{who}投诉案件。"
    if _all_on_time(report):
        timing = "以上案件均已按监管规定时效要求办结"
    else:
        timing = f"已办结{report['closed']}件，其中按时办结{report['closed_on_time']}件" + (
            f"，尚在处理中{report['open']}件" if report["open"] else ""
        )
    text = f"{year}年，涉及公司的{who}投诉案件合计{report['total']}件，{timing}。"
    parts = []
    channels = _labels(report, "by_business_channel", "zh-hans")
    if channels:
        parts.append(f"从业务渠道来看，主要通过{_join_zh([c + '渠道' for c in channels])}购买保险产品")
    categories = _labels(report, "by_category", "zh-hans")
    if categories:
        parts.append(f"从投诉业务类别来看，主要集中在{_join_zh(categories)}环节")
    provinces = _labels(report, "by_province", "zh-hans")
    if provinces:
        parts.append(f"从投诉地区分布来看，主要集中在{_join_zh(provinces)}{'等' if len(provinces) > 2 else ''}地区")
    if parts:
        text += "；".join(parts) + "。"
    return text


def _paragraph_en(year: int, report: dict, who: str) -> str:
    if not report["total"]:
        return f"In {year} there were no complaints {who}."
    noun = "complaint" if report["total"] == 1 else "complaints"
    if _all_on_time(report):
        timing = "all of them were closed within the regulatory time limits"
    else:
        timing = f"{report['closed']} were closed, {report['closed_on_time']} of them within the time limits"
        if report["open"]:
            timing += f", and {report['open']} are still being handled"
    text = f"In {year} there were {report['total']} {noun} {who}; {timing}."
    channels = _labels(report, "by_business_channel", "en")
    if channels:
        text += f" Most concerned policies bought through {_join_en(channels).lower()}."
    categories = _labels(report, "by_category", "en")
    if categories:
        text += f" Most were about {_join_en(categories).lower()}."
    provinces = _labels(report, "by_province", "en")
    if provinces:
        text += f" Most complainants were in {_join_en(provinces)}."
    return text


def _outcomes(year: int, report: dict) -> dict[str, str] | None:
    """The paragraph on redress and satisfaction in both languages, or None when the year recorded neither."""
    redress, satisfaction = report["redress"], report["satisfaction"]
    counted = redress["monetary_count"] + redress["non_monetary_count"] + redress["explanation_count"]
    if not counted and not satisfaction["responses"]:
        return None
    zh, en = [], []
    if counted:
        paid = f"{Decimal(redress['monetary_amount']):,.2f}"
        zh.append(
            f"{year}年作出处理决定的投诉中，给予金钱补偿{redress['monetary_count']}件，已支付补偿金额{paid}元；"
            f"采取更正、赔礼道歉、保单复效等非金钱措施{redress['non_monetary_count']}件；"
            f"仅作解释说明{redress['explanation_count']}件。"
        )
        en.append(
            f"Of the decisions on {year}'s complaints, {redress['monetary_count']} gave the complainant money "
            f"(¥{paid} paid so far), {redress['non_monetary_count']} an action such as a correction, an apology or "
            f"a policy reinstated, and {redress['explanation_count']} an explanation only."
        )
    uphold = _uphold(report)
    if uphold is not None:
        zh.append(uphold["zh_hans"])
        en.append(uphold["en"])
    if satisfaction["responses"]:
        zh.append(
            f"经回访，{satisfaction['responses']}位投诉人对处理情况作出评价，平均{satisfaction['average']}分"
            "（满分5分）。"
        )
        en.append(
            f"{satisfaction['responses']} complainants rated the handling afterwards, on average "
            f"{satisfaction['average']} out of 5."
        )
    return {"zh_hans": "### 处理结果与回访\n\n" + "".join(zh), "en": "### Outcomes and satisfaction\n\n" + " ".join(en)}


def _platform_section(year: int, period: Period) -> dict:
    """The cases the national complaint platform transferred, stated apart like the regulator's: their count in
    the opening sentence and a paragraph of their own (nothing in a year without any)."""
    platform = complaint_report(period=period, source=Source.PLATFORM)
    if not platform["total"]:
        return {"zh_count": "", "en_count": "", "zh": [], "en": []}
    return {
        "zh_count": f"金融消费者保护服务平台转办{platform['total']}件，",
        "en_count": f", {platform['total']} transferred by the national complaint platform",
        "zh": ["### 平台转办投诉案件", _paragraph_zh(year, platform, "平台转办")],
        "en": [
            "### Complaints transferred by the national complaint platform",
            _paragraph_en(year, platform, "transferred by the platform"),
        ],
    }


def _uphold(report: dict) -> dict[str, str] | None:
    """The uphold rate (decisions upheld in whole or in part ÷ decisions) overall and for the categories with the
    most decisions (up to three), in both languages; None without decisions."""
    outcomes = report.get("outcomes_by_category") or {}
    decided = sum(row["decided"] for row in outcomes.values())
    if not decided:
        return None
    upheld = sum(row["upheld"] for row in outcomes.values())
    top = sorted(((row["decided"], code) for code, row in outcomes.items() if row["decided"]), reverse=True)[:3]
    rates = {code: f"{outcomes[code]['upheld'] * 100 / outcomes[code]['decided']:.1f}%" for _n, code in top}
    with translation.override("zh-hans"):
        zh_parts = [f"{Category(code).label}类{rates[code]}" for _n, code in top]
    with translation.override("en"):
        en_parts = [f"{str(Category(code).label).lower()} {rates[code]}" for _n, code in top]
    overall = f"{upheld * 100 / decided:.1f}%"
    zh = f"作出处理决定的{decided}件投诉中，支持或部分支持投诉人诉求的占{overall}，其中{_join_zh(zh_parts)}。"
    return {
        "zh_hans": zh,
        "en": f"Of the {decided} decisions, {overall} upheld the complaint in whole or in part ({_join_en(en_parts)}).",
    }


def complaint_section(year: int) -> dict[str, str]:
    """The complaint section in both languages (Markdown), from the year's figures."""
    period = Period(year)
    overall = complaint_report(period=period)
    regulator = complaint_report(period=period, source=Source.REGULATOR)
    direct = complaint_report(period=period, source=Source.SELF)
    platform = _platform_section(year, period)
    zh = "\n\n".join(
        [
            HEADINGS["zh_hans"],
            f"{year}年，公司共处理消费投诉{overall['total']}件，其中监管转办{regulator['total']}件，"
            f"{platform['zh_count']}公司自收{direct['total']}件。",
            "### 监管转办投诉案件",
            _paragraph_zh(year, regulator, "监管转办"),
            *platform["zh"],
            "### 公司自收投诉案件",
            _paragraph_zh(year, direct, "公司自收"),
        ]
    )
    en = "\n\n".join(
        [
            HEADINGS["en"],
            f"In {year} we handled {overall['total']} complaints: {regulator['total']} forwarded by the regulator"
            f"{platform['en_count']} and {direct['total']} received directly.",
            "### Complaints forwarded by the regulator",
            _paragraph_en(year, regulator, "forwarded by the regulator"),
            *platform["en"],
            "### Complaints received directly",
            _paragraph_en(year, direct, "received directly"),
        ]
    )
    outcomes = _outcomes(year, overall)
    if outcomes is not None:
        zh, en = f"{zh}\n\n{outcomes['zh_hans']}", f"{en}\n\n{outcomes['en']}"
    groups = special_groups(year, overall)
    if groups is not None:
        zh, en = f"{zh}\n\n{groups['zh_hans']}", f"{en}\n\n{groups['en']}"
    return {"zh_hans": zh, "en": en}


def review_section(year: int) -> dict[str, str] | None:
    """The consumer-protection review section (消保审查) from the register's counts by kind; None when the register
    holds no review of the year (the editor's own text in that section is then left alone)."""
    counts = review_counts(year)
    if not counts["total"]:
        return None
    kinds = [(kind, n) for kind, n in counts["by_kind"].items() if n]
    zh = (
        f"{year}年，公司共开展消费者权益保护审查{counts['total']}件，其中"
        + "、".join(f"{REVIEW_KINDS_ZH[kind]}{n}件" for kind, n in kinds)
        + f"；提出审查意见{counts['opinions']}条，已采纳{counts['adopted']}条。"
    )
    en = (
        f"In {year} we carried out {counts['total']} consumer-protection reviews: "
        + _join_en([f"{n} of {REVIEW_KINDS_EN[kind]}" for kind, n in kinds])
        + f". They gave {counts['opinions']} opinions, of which {counts['adopted']} were adopted."
    )
    return {"zh_hans": f"{REVIEW_HEADINGS['zh_hans']}\n\n{zh}", "en": f"{REVIEW_HEADINGS['en']}\n\n{en}"}


def _replace_section(body: str, heading: str, section: str) -> str:
    """Put `section` in place of the part of `body` under `heading` (up to the next `## ` heading)."""
    body = body or ""
    pattern = re.compile(rf"^{re.escape(heading)}[ \t]*$.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(body):
        return pattern.sub(lambda _match: section.rstrip() + "\n\n", body, count=1).rstrip() + "\n"
    return (body.rstrip() + "\n\n" + section if body.strip() else section).rstrip() + "\n"


@transaction.atomic
def disclosure_draft(*, year: int, actor=None) -> tuple[Notice, bool]:
    """Create the year's draft disclosure, or rewrite the complaint section of the draft there is.
    Returns the notice and whether it was created. Never publishes."""
    section = complaint_section(year)
    reviews = review_section(year)
    draft = (
        Notice.objects.select_for_update()
        .filter(category=NoticeCategory.DISCLOSURES, disclosure_year=year, status=NoticeStatus.DRAFT)
        .order_by("id")
        .first()
    )
    if draft is None:
        notice = notice_services.notice_create(
            actor=actor,
            category=NoticeCategory.DISCLOSURES,
            title_zh_hans=f"{year}年度消费者权益保护工作重大信息披露",
            title_en=f"Consumer protection disclosure for {year}",
            summary_zh_hans=f"{year}年度消费者权益保护工作情况，包括消费投诉的数量、来源、分布和处理时效。",
            summary_en=f"Our consumer-protection work in {year}, including the number, sources, distribution "
            "and handling times of complaints.",
            body_zh_hans=section["zh_hans"] + (f"\n\n{reviews['zh_hans']}\n" if reviews else ""),
            body_en=section["en"] + (f"\n\n{reviews['en']}\n" if reviews else ""),
            slug=f"consumer-protection-disclosure-{year}",
            disclosure_year=year,
        )
        return notice, True
    body_zh = _replace_section(draft.body_zh_hans, HEADINGS["zh_hans"], section["zh_hans"])
    body_en = _replace_section(draft.body_en, HEADINGS["en"], section["en"])
    if reviews:
        body_zh = _replace_section(body_zh, REVIEW_HEADINGS["zh_hans"], reviews["zh_hans"])
        body_en = _replace_section(body_en, REVIEW_HEADINGS["en"], reviews["en"])
    notice = notice_services.notice_update(notice=draft, actor=actor, body_zh_hans=body_zh, body_en=body_en)
    return notice, False
