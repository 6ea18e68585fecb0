"""The words compliance files speak: the Chinese short labels of the coded fields (信/访/网…, 自收/监管转办,
个险/银保…, 销售/理赔…), the export's column headings, and the list of report figures.

Regulators' forms and the company's own spreadsheets use these short labels. Exports write them, the importer
reads them (beside the codes and both languages' labels), the import page's help table lists them, and the
filing workbook and the dashboard name the report's figures from the one list below — so a label changed
here changes everywhere at once.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..models import BusinessChannel, Category, Channel, Outcome, ProductLine, Source

# code -> the short label a regulator's form uses (one per code: exports write it, the importer reads it).
SHORT_LABELS: dict[str, dict[str, str]] = {
    "source": {Source.SELF: "自收", Source.REGULATOR: "监管转办", Source.PLATFORM: "平台转办"},
    "channel": {
        Channel.LETTER: "信", Channel.VISIT: "访", Channel.WEB: "网", Channel.PHONE: "电", Channel.WECHAT: "微",
        Channel.EMAIL: "邮",
    },
    "business_channel": {
        BusinessChannel.AGENCY: "个险", BusinessChannel.BANCASSURANCE: "银保", BusinessChannel.BROKER: "经代",
        BusinessChannel.INTERNET: "互联网", BusinessChannel.GROUP: "团险",
    },
    "category": {
        Category.SALES: "销售", Category.UNDERWRITING: "承保", Category.POLICY_SERVICE: "保全退保",
        Category.CLAIMS: "理赔", Category.SERVICE: "服务", Category.OTHER: "其他",
    },
    "product_line": {
        ProductLine.LIFE: "寿险", ProductLine.ANNUITY: "年金险", ProductLine.HEALTH: "健康险",
        ProductLine.ACCIDENT: "意外险", ProductLine.UNIVERSAL: "万能险", ProductLine.UNIT_LINKED: "投连险",
    },
}  # fmt: skip
# The root-cause list (溯源整改) every database starts with: (code, Chinese, English). Compliance keeps it in the
# admin afterwards (names edited, codes made inactive); a code missing from the table is added back.
ROOT_CAUSES = (
    ("product_design", "产品设计", "Product design"),
    ("sales_practice", "销售行为", "Sales practice"),
    ("underwriting", "核保承保", "Underwriting"),
    ("claims_process", "理赔流程", "Claims process"),
    ("service", "服务质量", "Service"),
    ("systems", "信息系统", "Systems"),
    ("third_party", "第三方机构", "Third party"),
    ("other", "其他", "Other"),
)

# A complaint's remediation as the export states it: an item still open, or every item ended.
REMEDIATION_LABELS = {"open": "整改中", "done": "已整改"}

# Other spellings found in forwarded lists and old logs, read by the importer (never written).
OTHER_SPELLINGS: dict[str, dict[str, str]] = {
    "source": {"监管": Source.REGULATOR, "转办": Source.REGULATOR},
    "channel": {"信函": Channel.LETTER, "来电": Channel.PHONE, "邮件": Channel.EMAIL},
    "category": {
        "保全/退保": Category.POLICY_SERVICE, "保全、退保": Category.POLICY_SERVICE, "保全": Category.POLICY_SERVICE,
        "退保": Category.POLICY_SERVICE,
    },
    "outcome": {
        "成立": Outcome.UPHELD, "支持": Outcome.UPHELD, "部分支持": Outcome.PARTLY_UPHELD,
        "不成立": Outcome.NOT_UPHELD, "不支持": Outcome.NOT_UPHELD,
    },
}  # fmt: skip


def read_forms(field: str) -> dict[str, str]:
    """Every short spelling the importer accepts for `field` (label or other spelling) -> code."""
    forms = {label: code for code, label in SHORT_LABELS.get(field, {}).items()}
    forms.update(OTHER_SPELLINGS.get(field, {}))
    return forms


def choices_help(field: str) -> str:
    """ "self / 自收, regulator / 监管转办": the codes and their short labels, for the import page's table."""
    return ", ".join(f"{code} / {label}" for code, label in SHORT_LABELS[field].items())


# The export's columns: (values_list field, heading). The headings are the importer's Chinese column names
# where it has one, so an unmasked export can be imported again (the importer ignores the other columns).
EXPORT_COLUMNS = (
    ("tracking_number", "投诉编号"),
    ("received_at", "接收时间"),
    ("source", "来源"),
    ("regulator_ref", "监管编号"),
    ("platform_ref", "平台编号"),
    ("channel", "渠道"),
    ("business_channel", "业务渠道"),
    ("category", "投诉类别"),
    ("product_line", "险种"),
    ("province", "省份"),
    ("branch__name", "分支机构"),
    ("handler__username", "经办人"),
    ("status", "状态"),
    ("due_date", "办理期限"),
    ("extensions", "延期次数"),
    ("regulator_deadline", "监管期限"),
    ("late_since", "逾期日期"),
    # Complaint.objects.with_timeliness: ON_TIME_LABELS, empty while the complaint is being handled.
    ("on_time", "按时办结"),
    ("decided_at", "办结日期"),
    ("ended_on", "结案日期"),
    ("outcome", "处理结果"),
    ("cause__name_zh_hans", "根本原因"),
    ("responsible_unit", "责任单位"),
    ("remediation_state", "整改状态"),
    ("name", "姓名"),
    ("phone", "联系电话"),
    ("email", "电子邮箱"),
    ("id_number", "证件号码"),
    ("policy_number", "保单号"),
    ("description", "投诉内容"),
    ("desired_outcome", "诉求"),
    ("root_cause", "原因分析"),
    # Several issues and first contact (complaints/workflow/groups.py, firstcontact.py).
    ("secondary_categories", "其他涉及类别"),
    ("resolved_at_first_contact", "首次接触即解决"),
)
# Free text a complainant or a handler wrote: in a masked export scrubbed of phone, ID and card numbers and
# email addresses (portal.privacy.scrub_text).
EXPORT_FREE_TEXT = ("description", "desired_outcome", "root_cause")
EXPORT_HEADINGS = dict(EXPORT_COLUMNS)
ON_TIME_LABELS = {True: "是", False: "否"}


COUNT, RATE, NUMBER, AMOUNT = "count", "rate", "number", "amount"  # AMOUNT: yuan, a decimal string


@dataclass(frozen=True)
class Figure:
    """One figure of the complaint report: where it sits in the report (a key, or "a.b" inside a breakdown),
    its name in the Chinese filing workbook and on the dashboard, and how it is shown."""

    key: str
    workbook_label: str
    label: Promise
    kind: str = COUNT

    def value(self, report: dict):
        value = report
        for part in self.key.split("."):
            value = value[part]
        return value


REPORT_FIGURES = (
    Figure("total", "投诉总量", _("Complaints received")),
    Figure("by_source.regulator", "监管转办", _("Forwarded by the regulator")),
    Figure("by_source.self", "自收", _("Received directly")),
    Figure("regulator_share", "监管转办占比", _("Regulator share"), RATE),
    Figure("closed", "已办结", _("Closed")),
    Figure("closed_on_time", "按时办结", _("Closed on time")),
    Figure("on_time_rate", "按时办结率", _("On-time rate"), RATE),
    Figure("open", "未办结", _("Open")),
    Figure("overdue", "其中逾期", _("Overdue")),
    Figure("closed_within.15", "15日内办结", _("Closed within 15 days")),
    Figure("closed_within.30", "30日内办结", _("Closed within 30 days")),
    Figure("closed_within.60", "60日内办结", _("Closed within 60 days")),
    Figure("median_days_to_close", "办结天数中位数", _("Median days to close"), NUMBER),
    Figure("regulator_forwarded.closed", "监管转办已办结", _("Forwarded by the regulator: closed")),
    Figure("regulator_forwarded.closed_on_time", "监管转办按时办结", _("Forwarded by the regulator: closed on time")),
    Figure(
        "regulator_forwarded.on_time_rate", "监管转办按时办结率", _("Forwarded by the regulator: on-time rate"), RATE
    ),
    Figure("regulator_forwarded.reported_back", "已向监管反馈", _("Reported back to the regulator")),
    Figure("regulator_forwarded.reported_back_on_time", "按时向监管反馈", _("Reported back to the regulator on time")),
    *(
        Figure("by_source.platform", "平台转办", _("Transferred by the platform")),
        Figure("platform_forwarded.closed", "平台转办已办结", _("Transferred by the platform: closed")),
        Figure(
            "platform_forwarded.closed_on_time", "平台转办按时办结", _("Transferred by the platform: closed on time")
        ),
        Figure(
            "platform_forwarded.on_time_rate",
            "平台转办按时办结率",
            _("Transferred by the platform: on-time rate"),
            RATE,
        ),
        Figure("platform_forwarded.reported_back", "已向平台反馈", _("Reported back to the platform")),
        Figure(
            "platform_forwarded.reported_back_on_time", "按时向平台反馈", _("Reported back to the platform on time")
        ),
    ),
    Figure("redress.monetary_count", "获得金钱补偿", _("Decisions giving money")),
    Figure("redress.monetary_amount", "已支付补偿金额（元）", _("Redress paid (yuan)"), AMOUNT),
    Figure("redress.non_monetary_count", "获得非金钱补偿", _("Decisions giving an action")),
    Figure("redress.explanation_count", "仅作解释说明", _("Decisions explaining only")),
    Figure("first_contact_resolved", "首次接触即解决", _("Resolved at first contact")),
    Figure("group_complaints", "群体投诉", _("Group complaints")),
    Figure("group_members", "群体投诉涉及人数", _("Members of group complaints")),
    Figure("satisfaction.responses", "回访答复数", _("Satisfaction answers")),
    Figure("satisfaction.average", "平均满意度（1至5分）", _("Average satisfaction (1–5)"), NUMBER),
    Figure("mediation.requested", "调解申请", _("Mediations requested")),
    Figure("mediation.responded_on_time", "按时响应调解", _("Mediations answered on time")),
    Figure("mediation.settled", "调解成功", _("Mediations settled")),
    Figure("mediation.settled_amount", "调解金额（元）", _("Amount settled in mediation (yuan)"), AMOUNT),
    Figure("per_100m_premium", "亿元保费投诉量", _("Per ¥100m premium"), NUMBER),
    Figure("per_10k_policies", "万张保单投诉量", _("Per 10,000 policies"), NUMBER),
    Figure("per_10k_insured", "万人次投诉量", _("Per 10,000 insured"), NUMBER),
    Figure("escalation_rate", "越级投诉率", _("Outside escalation rate"), RATE),
)
