"""Care in the figures: the report's `vulnerable` counts (complaints flagged with each circumstance, and
`needs_help`: those that asked for any help) and `further_requests` (materials asked for after the one-time list,
aimed at zero); the disclosure draft's special-groups paragraph; the rating's service figures.

A complaint counts once per flag it has; one complaint may have several. Counts are of the period's complaints
(received in it), as every figure of the report."""

from django.db.models import Count
from django.urls import reverse

from ..models import NEEDS_HELP, VULNERABLE_KEYS, ComplaintEvent, EventAction, flagged

# The groups as the disclosure names them, in the order of VULNERABLE_KEYS.
GROUPS_ZH = {
    "elderly": "老年人",
    "disability": "残障人士",
    "foreign_national": "外籍人士",
    "new_citizen": "新市民",
    "bereaved": "身故受益人及继承人",
    NEEDS_HELP: "提出协助需求（大字、回电、翻译）",
}
GROUPS_EN = {
    "elderly": "older people (60 and over)",
    "disability": "people with a disability",
    "foreign_national": "foreign nationals",
    "new_citizen": "new citizens",
    "bereaved": "bereaved heirs",
    NEEDS_HELP: "people who asked for help (large print, a call back, an interpreter)",
}


def care_figures(queryset) -> dict:
    """The report's keys `vulnerable` (one aggregate over the period's complaints) and `further_requests`."""
    counts = queryset.aggregate(**{key: Count("pk", filter=flagged(key)) for key in VULNERABLE_KEYS})
    further = ComplaintEvent.objects.filter(
        action=EventAction.FURTHER_REQUEST, complaint__in=queryset.values("pk")
    ).count()
    return {"vulnerable": {key: counts[key] for key in VULNERABLE_KEYS}, "further_requests": further}


def special_groups(year: int, report: dict) -> dict[str, str] | None:
    """The disclosure's special-groups paragraph in both languages, or None when no complaint of the year was
    flagged (history recorded before the flags existed gets no paragraph rather than zeros)."""
    groups = [(key, count) for key, count in report["vulnerable"].items() if count]
    if not groups:
        return None
    zh = (
        f"{year}年，公司对特殊群体投诉人给予优先关注，其中"
        + "、".join(f"{GROUPS_ZH[key]}{count}件" for key, count in groups)
        + "；上述投诉与其他投诉适用相同的处理时限和权利。"
        + f"受理时一次性告知所需材料，受理后另行补充要求材料{report['further_requests']}次。"
    )
    en = (
        f"In {year} we gave priority care to complainants in special groups: "
        + ", ".join(f"{count} from {GROUPS_EN[key]}" for key, count in groups)
        + ". Their complaints keep the same time limits and rights as any other. We listed every material "
        f"needed once, at acceptance, and asked for something more {report['further_requests']} times."
    )
    return {"zh_hans": "### 特殊群体投诉\n\n" + zh, "en": "### Complaints from special groups\n\n" + en}


def rating_care_figures(year: int, received, report: dict, figure) -> list[dict]:
    """The rating's service figures of care: the year's complaints flagged with any circumstance or help, and
    the materials asked for after the one-time list (`figure` builds each, as rating/figures.py does)."""
    complaints = reverse("admin:complaints_complaint_changelist")
    events = reverse("admin:complaints_complaintevent_changelist")
    return [
        figure(
            "complaints_vulnerable",
            received.filter(flagged()).count(),
            source=f"{complaints}?received_at__year={year}&care=any",
        ),
        figure(
            "further_requests",
            report["further_requests"],
            source=f"{events}?action__exact={EventAction.FURTHER_REQUEST.value}",
        ),
    ]
