"""Each rating element's figures for a year, as `manage.py rating_report` and the compliance page give them:

    {"year": Y, "elements": [{"key", "name", "weight", "figures": [{"key", "value", "unit", "source", "reason"}]}]}

`weight` is in percent (the weights in force, rating.weights); `source` is the address of the evidence in the
portal (a staff page or list filtered to the year), or None; `reason` says, when `value` is None, which data the
portal does not hold — a figure is never invented. Counts are of the calendar year in Beijing time: complaints by
the day they were received, notices by the day they were published, views and exports by the day they happened.
"""

from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from notices.models import Category as NoticeCategory
from notices.models import Notice
from notices.models import Status as NoticeStatus
from portal.audit import PersonalDataSeen
from portal.beijing import day_start
from portal.tabular import xlsx_write

from ...account.requests import data_requests_in_time
from ...models import Callback, CallbackStatus, Category, Complaint, Outcome, Partner, SalesAgent, Source
from .. import sellers
from ..care import rating_care_figures
from ..models import ExportLog, ReviewItem, ReviewOpinion
from ..reports import Period, complaint_report, received_in
from .weights import current_weights

ELEMENT_NAMES = {
    "governance": gettext_lazy("Governance"),
    "suitability": gettext_lazy("Suitability"),
    "sales_conduct": gettext_lazy("Sales conduct"),
    "dispute_resolution": gettext_lazy("Dispute resolution"),
    "education": gettext_lazy("Financial education"),
    "service": gettext_lazy("Consumer service"),
    "personal_information": gettext_lazy("Personal information protection"),
}

FIGURE_LABELS = {
    "reviews": gettext_lazy("Consumer-protection reviews"),
    "reviews_product": gettext_lazy("Reviews of products"),
    "reviews_marketing": gettext_lazy("Reviews of marketing material"),
    "reviews_contract": gettext_lazy("Reviews of contracts"),
    "reviews_service_rule": gettext_lazy("Reviews of service rules"),
    "reviews_other": gettext_lazy("Other reviews"),
    "review_opinions_adopted": gettext_lazy("Review opinions adopted"),
    "reviews_prompted_by_complaints": gettext_lazy("Reviews prompted by complaints or root causes"),
    "suitability_assessments": gettext_lazy("Suitability assessments of customers and products"),
    "sales_complaints": gettext_lazy("Sales-related complaints"),
    "sales_complaints_share": gettext_lazy("Share of sales-related complaints"),
    "sales_complaints_per_agent": gettext_lazy("Sales-related complaints per agent and partner"),
    "complaints_naming_sellers": gettext_lazy("Complaints naming a sales agent or partner"),
    "sales_complaints_naming_sellers": gettext_lazy("Sales-related complaints naming who sold the policy"),
    "complaints": gettext_lazy("Complaints received"),
    "complaints_per_100m_premium": gettext_lazy("Complaints per ¥100m premium"),
    "complaints_per_10k_policies": gettext_lazy("Complaints per 10,000 policies"),
    "complaints_per_100m_premium_change": gettext_lazy("Change on the previous year (per ¥100m premium)"),
    "on_time_rate_own": gettext_lazy("Closed on time: received directly"),
    "on_time_rate_regulator": gettext_lazy("Closed on time: forwarded by the regulator"),
    "on_time_rate_platform": gettext_lazy("Closed on time: from the platform"),
    "review_request_rate": gettext_lazy("Decisions taken to a review"),
    "reviews_overturned": gettext_lazy("Reviews that changed the decision"),
    "mediation": gettext_lazy("Disputes mediated"),
    "escalation_rate": gettext_lazy("Outside escalation rate (forwarded after a direct complaint)"),
    "campaigns_published": gettext_lazy("Campaigns published"),
    "notices_published": gettext_lazy("Education notices published"),
    "satisfaction": gettext_lazy("Satisfaction of complainants (average score, 1 to 5)"),
    "satisfaction_responses": gettext_lazy("Satisfaction answers"),
    "first_contact_resolution": gettext_lazy("Resolved at first contact"),
    "complaints_elderly_mode": gettext_lazy("Complaints filed in the elderly-friendly mode"),
    "complaints_english": gettext_lazy("Complaints filed in English"),
    "call_backs_answered": gettext_lazy("Call backs answered"),
    "call_backs_waiting": gettext_lazy("Call backs still waiting"),
    "full_data_views": gettext_lazy("Personal data seen in full"),
    "exports": gettext_lazy("Exports of complaint data"),
    "exports_unmasked": gettext_lazy("Exports with personal data unmasked"),
    "personal_data_requests_on_time": gettext_lazy("Personal-data requests answered in time"),
    "personal_data_requests": gettext_lazy("Personal-data requests received"),
    "complaints_vulnerable": gettext_lazy("Complaints from vulnerable complainants (any circumstance or help)"),
    "further_requests": gettext_lazy("Materials asked for after the one-time list"),
}

UNIT_LABELS = {
    "count": gettext_lazy("count"),
    "percent": "%",
    "score": gettext_lazy("score"),
    "per_100m_premium": gettext_lazy("per ¥100m premium"),
    "per_10k_policies": gettext_lazy("per 10,000 policies"),
}


def _missing(what: str) -> str:
    """The reason of a figure whose data the portal does not hold."""
    return _("The portal does not record %(what)s yet.") % {"what": what}


def _figure(key, value, unit="count", source=None, reason=None) -> dict:
    return {"key": key, "value": value, "unit": unit, "source": source, "reason": reason if value is None else None}


def _percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _year_range(year: int) -> tuple:
    return day_start(date(year, 1, 1)), day_start(date(year + 1, 1, 1))


def _link(name: str, year_field: str, year: int, **filters) -> str:
    """A staff list filtered to the year (its date hierarchy) and to `filters` (its declared filters)."""
    query = "&".join([f"{year_field}__year={year}", *(f"{key}__exact={value}" for key, value in filters.items())])
    return f"{reverse(name)}?{query}"


def _complaints_link(year: int, **filters) -> str:
    return _link("admin:complaints_complaint_changelist", "received_at", year, **filters)


def _register_link(year: int, **filters) -> str:
    return _link("admin:complaints_reviewitem_changelist", "reviewed_on", year, **filters)


def _governance(year: int) -> list[dict]:
    items = ReviewItem.objects.filter(reviewed_on__year=year)
    register = _register_link(year)
    counts = dict(items.values_list("kind").annotate(n=Count("id")).order_by())
    figures = [_figure("reviews", items.count(), source=register)]
    for kind in ReviewItem.Kind:
        figures.append(
            _figure(f"reviews_{kind.value}", counts.get(kind.value, 0), source=_register_link(year, kind=kind.value))
        )
    opinions = ReviewOpinion.objects.filter(item__in=items)
    total = opinions.count()
    figures.append(
        _figure(
            "review_opinions_adopted",
            _percent(opinions.filter(adopted=True).count(), total),
            "percent",
            register,
            _("No review opinions recorded for the year."),
        )
    )
    prompted = items.filter(Q(complaints__isnull=False) | Q(root_causes__isnull=False)).distinct().count()
    figures.append(_figure("reviews_prompted_by_complaints", prompted, source=register))
    return figures


def _suitability(year: int) -> list[dict]:
    return [
        _figure(
            "suitability_assessments",
            None,
            reason=_missing(_("the suitability assessments of customers and products (the sales systems hold them)")),
        ),
        _figure(
            "reviews_product",
            ReviewItem.objects.filter(reviewed_on__year=year, kind=ReviewItem.Kind.PRODUCT).count(),
            source=_register_link(year, kind=ReviewItem.Kind.PRODUCT.value),
        ),
    ]


def _sales_conduct(year: int, report: dict) -> list[dict]:
    sales = report["by_category"].get(Category.SALES.value, 0)
    link = _complaints_link(year, category=Category.SALES.value)
    return [
        _figure("sales_complaints", sales, source=link),
        _figure("sales_complaints_share", _percent(sales, report["total"]), "percent", link, _("No complaints.")),
        *_seller_figures(year, sales),
        _figure(
            "reviews_marketing",
            ReviewItem.objects.filter(reviewed_on__year=year, kind=ReviewItem.Kind.MARKETING).count(),
            source=_register_link(year, kind=ReviewItem.Kind.MARKETING.value),
        ),
    ]


def _seller_figures(year: int, sales: int) -> list[dict]:
    """The figures of complaints naming sales agents and partners (complaints.compliance.sellers): the sales
    complaints naming one per agent and partner on the lists, how many complaints name one, and the share of
    the sales complaints that do (the others do not say who sold the policy)."""
    counts = sellers.seller_figures(received_in(Period(year)))
    on_lists = SalesAgent.objects.count() + Partner.objects.count()
    link = _complaints_link(year)
    return [
        _figure(
            "sales_complaints_per_agent",
            round(counts["sales_naming_either"] / on_lists, 3) if on_lists else None,
            "count",
            reverse("admin:complaints_compliance_sellers") + f"?year={year}",
            _("No sales agents or partners are on the lists."),
        ),
        _figure("complaints_naming_sellers", counts["naming_either"], source=link),
        _figure(
            "sales_complaints_naming_sellers",
            _percent(counts["sales_naming_either"], sales),
            "percent",
            link,
            _("No sales-related complaints."),
        ),
    ]


def _no_volume(year: int) -> str:
    return _("No business volume (premium and policies) is entered for %(year)d.") % {"year": year}


def _reviews(year: int) -> tuple[int, int, int]:
    """Of the complaints received in the year and decided: how many were taken to a review, and of the reviews
    decided, how many changed the outcome of the original decision."""
    decided = received_in(Period(year)).filter(review_of__isnull=True, decided_at__isnull=False)
    reviews = Complaint.objects.filter(review_of__in=decided)
    changed = reviews.filter(decided_at__isnull=False).exclude(outcome="")
    overturned = sum(
        1
        for outcome, original in changed.values_list("outcome", "review_of__outcome")
        if outcome != original and outcome in (Outcome.UPHELD, Outcome.PARTLY_UPHELD)
    )
    return decided.count(), reviews.count(), overturned


def _dispute_resolution(year: int, report: dict) -> list[dict]:
    dashboard = f"{reverse('admin:complaints_compliancedashboard_changelist')}?year={year}"
    previous = complaint_report(period=Period(year - 1))
    change = None
    if report["per_100m_premium"] is not None and previous["per_100m_premium"]:
        change = round((report["per_100m_premium"] / previous["per_100m_premium"] - 1) * 100, 1)
    decided, reviews, overturned = _reviews(year)
    direct = report["by_source"][Source.SELF.value]
    regulator, platform = report["regulator_forwarded"], report["platform_forwarded"]
    direct_closed = report["closed"] - regulator["closed"] - platform["closed"]
    direct_on_time = report["closed_on_time"] - regulator["closed_on_time"] - platform["closed_on_time"]
    return [
        _figure("complaints", report["total"], source=_complaints_link(year)),
        _figure(
            "complaints_per_100m_premium", report["per_100m_premium"], "per_100m_premium", dashboard, _no_volume(year)
        ),
        _figure(
            "complaints_per_10k_policies", report["per_10k_policies"], "per_10k_policies", dashboard, _no_volume(year)
        ),
        _figure(
            "complaints_per_100m_premium_change",
            change,
            "percent",
            dashboard,
            _("Needs the business volume of %(year)d and of %(previous)d.") % {"year": year, "previous": year - 1},
        ),
        _figure(
            "on_time_rate_own",
            _percent(direct_on_time, direct_closed) if direct else None,
            "percent",
            _complaints_link(year, source=Source.SELF.value),
            _("No complaint received directly was closed in the year."),
        ),
        _figure(
            "on_time_rate_regulator",
            _percent(regulator["closed_on_time"], regulator["closed"]),
            "percent",
            _complaints_link(year, source=Source.REGULATOR.value),
            _("No complaint forwarded by the regulator was closed in the year."),
        ),
        _figure(
            "on_time_rate_platform",
            _percent(platform["closed_on_time"], platform["closed"]),
            "percent",
            _complaints_link(year, source=Source.PLATFORM.value),
            _("No case transferred by the national complaint platform was closed in the year."),
        ),
        _figure("review_request_rate", _percent(reviews, decided), "percent", None, _("No complaint was decided.")),
        _figure("reviews_overturned", overturned),
        _figure("mediation", report["mediation"]["requested"], source=_mediation_link(year)),
        _escalation_figure(report, dashboard),
    ]


def _escalation_figure(report: dict, dashboard: str) -> dict:
    """越级投诉率: forwarded complaints with a confirmed link to an earlier direct one, in per cent."""
    rate = report.get("escalation_rate")
    return _figure(
        "escalation_rate",
        round(rate * 100, 1) if rate is not None else None,
        "percent",
        dashboard,
        _("No complaint was forwarded by the regulator or the platform in the year."),
    )


def _education(year: int) -> list[dict]:
    start, end = _year_range(year)
    published = Notice.objects.filter(status=NoticeStatus.PUBLISHED, publish_at__gte=start, publish_at__lt=end)
    education = (NoticeCategory.CAMPAIGNS, NoticeCategory.FRAUD_WARNINGS, NoticeCategory.CASES)
    return [
        _figure(
            "campaigns_published",
            published.filter(category=NoticeCategory.CAMPAIGNS).count(),
            source=_link(
                "admin:notices_notice_changelist", "publish_at", year, category=NoticeCategory.CAMPAIGNS.value
            ),
        ),
        _figure(
            "notices_published",
            published.filter(category__in=education).count(),
            source=_link("admin:notices_notice_changelist", "publish_at", year),
        ),
    ]


def _service(year: int, report: dict) -> list[dict]:
    received = received_in(Period(year))
    start, end = _year_range(year)
    return [
        _figure(
            "satisfaction",
            report["satisfaction"]["average"],
            "score",
            _complaints_link(year),
            _("No complainant answered the satisfaction survey for the year's complaints."),
        ),
        _figure(
            "satisfaction_responses",
            report["satisfaction"]["responses"],
            source=_complaints_link(year),
        ),
        _figure(
            "first_contact_resolution",
            None,
            reason=_missing(_("whether a complaint was resolved at first contact")),
        ),
        _figure(
            "complaints_elderly_mode",
            received.filter(filed_in_elderly_mode=True).count(),
            source=_complaints_link(year, channel="web"),
        ),
        _figure("complaints_english", received.filter(language="en").count(), source=_complaints_link(year)),
        _figure(
            "call_backs_answered",
            Callback.objects.filter(created_at__gte=start, created_at__lt=end, status=CallbackStatus.DONE).count(),
            source=_link("admin:complaints_callback_changelist", "created_at", year),
        ),
        _figure(
            "call_backs_waiting",
            Callback.objects.filter(created_at__gte=start, created_at__lt=end, status=CallbackStatus.WAITING).count(),
            source=_link("admin:complaints_callback_changelist", "created_at", year, status="waiting"),
        ),
        *rating_care_figures(year, received, report, _figure),
    ]


def _personal_information(year: int) -> list[dict]:
    start, end = _year_range(year)
    exports = ExportLog.objects.filter(at__gte=start, at__lt=end)
    requests = data_requests_in_time(date(year, 1, 1), date(year + 1, 1, 1))
    export_log = "admin:complaints_exportlog_changelist"
    return [
        _figure(
            "full_data_views",
            PersonalDataSeen.objects.filter(at__gte=start, at__lt=end).count(),
            source=reverse("admin:portal_personaldataseen_changelist"),
        ),
        _figure("exports", exports.count(), source=_link(export_log, "at", year)),
        _figure(
            "exports_unmasked", exports.filter(masked=False).count(), source=_link(export_log, "at", year, masked=0)
        ),
        _figure(
            "personal_data_requests_on_time",
            requests["rate"],
            "percent",
            _link("admin:complaints_datarequest_changelist", "received_at", year),
            _("No request about personal data was answered for the year."),
        ),
        _figure(
            "personal_data_requests",
            requests["received"],
            source=_link("admin:complaints_datarequest_changelist", "received_at", year),
        ),
    ]


def rating_figures(year: int) -> dict:
    """The JSON contract of `rating_report` (module docstring): the seven elements in the rating's order."""
    report = complaint_report(period=Period(year))
    weights = current_weights()
    figures = {
        "governance": _governance(year),
        "suitability": _suitability(year),
        "sales_conduct": _sales_conduct(year, report),
        "dispute_resolution": _dispute_resolution(year, report),
        "education": _education(year),
        "service": _service(year, report),
        "personal_information": _personal_information(year),
    }
    return {
        "year": year,
        "elements": [
            {"key": key, "name": str(ELEMENT_NAMES[key]), "weight": weights[key], "figures": figures[key]}
            for key in ELEMENT_NAMES
        ],
    }


def figure_label(key: str) -> str:
    return str(FIGURE_LABELS.get(key, key))


def rating_xlsx(report: dict, target) -> None:
    """The figures as a workbook: one row per figure (element, its weight, the figure, value, unit, evidence or
    the reason it is missing), headings in the active language."""
    rows = [
        [
            _("Element"),
            _("Weight (%)"),
            _("Figure"),
            pgettext("rating figure", "Value"),
            _("Unit"),
            _("Evidence"),
            _("Why no value"),
        ]
    ]
    for element in report["elements"]:
        for figure in element["figures"]:
            rows.append(
                [
                    element["name"],
                    element["weight"],
                    figure_label(figure["key"]),
                    figure["value"],
                    str(UNIT_LABELS.get(figure["unit"], figure["unit"])),
                    figure["source"] or "",
                    figure["reason"] or "",
                ]
            )
    xlsx_write(target, [(str(report["year"]), rows)])


def _mediation_link(year: int) -> str:
    """The mediations requested in the year (the admin's mediation list)."""
    return _link("admin:complaints_mediation_changelist", "requested_on", year)
