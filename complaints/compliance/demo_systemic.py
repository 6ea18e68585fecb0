"""Demo content for agents, partners and systemic issues, on last year's record (complaints/compliance/demo.py):
the lists of sales agents and partners as compliance imports them, the record's complaints naming them (agency
business an agent, bancassurance a bank outlet, brokers an intermediary), one agent named by three complaints
within a month — the early warning of that day, disposed of by opening an issue — and the issue's affected
customers who never complained, two of three settled, with a remediation item still open. Idempotent: a second
load finds the issue and adds nothing."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from portal import roles

from .. import services
from ..models import BusinessChannel, Complaint, Partner, SalesAgent, SystemicIssue
from . import alerts, sellers, systemic

AGENTS = [
    ("A0101", "刘洋", "个险一部"), ("A0102", "陈静", "个险一部"), ("A0103", "杨帆", "个险二部"),
    ("A0104", "赵磊", "个险二部"), ("A0105", "黄丽", "个险三部"), ("A0106", "周强", "个险三部"),
    ("A0107", "吴敏", "个险三部"), ("A0108", "徐涛", "续期服务部"), ("A0109", "孙悦", "续期服务部"),
    ("A0110", "马超", "个险一部"),
]  # fmt: skip
PARTNERS = [
    ("B0201", "工商银行朝阳支行", "银行网点"), ("B0202", "建设银行海淀支行", "银行网点"),
    ("B0203", "招商银行浦东支行", "银行网点"), ("I0301", "安达保险代理有限公司", "中介机构"),
    ("I0302", "华信保险经纪有限公司", "中介机构"),
]  # fmt: skip
CLUSTER_AGENT = "A0107"
ISSUE_TITLE = "营销员夸大分红险收益、未提示犹豫期"
ISSUE_TEXT = (
    "同一营销员一个月内被三件投诉指向：以“保本高收益”介绍分红型产品，未提示犹豫期及退保损失。"
    "核查其同期售出的保单，另有三位客户存在相同情形但未投诉。"
)
AFFECTED = [
    ("钱秀英", "13910012001", "P-2025-880101", "settled", "1860.00"),
    ("郑国平", "13910012002", "P-2025-880102", "settled", "2400.00"),
    ("冯桂兰", "13910012003", "P-2025-880103", "pending", ""),
]


def _officer():
    """The demo's compliance officer (a name to act as; nobody logs in as it)."""
    user, created = get_user_model().objects.get_or_create(
        username="demo.compliance", defaults={"is_staff": True, "first_name": "敏", "last_name": "林"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name=roles.COMPLIANCE_OFFICER))
    return get_user_model().objects.get(pk=user.pk)  # fresh: permissions are cached per instance


def _csv(header: str, rows) -> bytes:
    return "\n".join([header, *(",".join(row) for row in rows)]).encode()


def _cluster(complaints: list[Complaint]) -> list[Complaint]:
    """The three complaints closest together in time (received within 30 days), for the agent warning."""
    best = None
    for index in range(len(complaints) - 2):
        three = complaints[index : index + 3]
        span = three[-1].received_at - three[0].received_at
        if span < timedelta(days=alerts.SELLER_DAYS - 1) and (best is None or span < best[0]):
            best = (span, three)
    return best[1] if best else []


@transaction.atomic
def load(year: int, supervisor, stdout=None) -> None:
    if SystemicIssue.objects.filter(title=ISSUE_TITLE).exists():
        return
    officer = _officer()
    sellers.sellers_import(actor=officer, data=_csv("工号,姓名,团队", AGENTS), name="agents.csv", kind="agents")
    sellers.sellers_import(actor=officer, data=_csv("编码,名称,类型", PARTNERS), name="partners.csv", kind="partners")
    agents = list(SalesAgent.objects.exclude(code=CLUSTER_AGENT).order_by("code"))
    banks = list(Partner.objects.filter(kind=Partner.Kind.BANK_OUTLET).order_by("code"))
    brokers = list(Partner.objects.filter(kind=Partner.Kind.INTERMEDIARY).order_by("code"))
    record = list(Complaint.objects.filter(received_at__year=year).order_by("received_at", "id"))
    cluster = _cluster(record)
    rng = random.Random(f"sellers-{year}")
    for complaint in record:
        named = {}
        if complaint in cluster:
            named["sales_agent"] = SalesAgent.objects.get(code=CLUSTER_AGENT)
        elif complaint.business_channel == BusinessChannel.AGENCY:
            named["sales_agent"] = rng.choice(agents)
        elif complaint.business_channel == BusinessChannel.BANCASSURANCE:
            named["partner"] = rng.choice(banks)
        elif complaint.business_channel == BusinessChannel.BROKER:
            named["partner"] = rng.choice(brokers)
        if named:
            services.complaint_name_seller(complaint=complaint, actor=supervisor, **named)
    if not cluster:
        return
    as_of = timezone.localdate(cluster[-1].received_at)
    alerts.alerts_run(as_of=as_of, notify=False)
    warning = next(w for w in alerts.warnings_for(as_of) if w.kind == "seller" and w.value == CLUSTER_AGENT)
    disposition = systemic.warning_dispose(
        warning=warning, actor=officer, outcome="issue_opened", title=ISSUE_TITLE, reason=ISSUE_TEXT
    )
    issue = disposition.issue
    for name, phone, policy, remedy, amount in AFFECTED:
        customer = systemic.affected_add(issue=issue, actor=officer, name=name, phone=phone, policy_number=policy)
        if remedy != "pending":
            systemic.affected_update(customer=customer, actor=officer, remedy=remedy, amount=amount)
    systemic.issue_item_add(
        issue=issue,
        actor=officer,
        action="对个险三部开展分红险销售话术专项培训，并抽查其一年内新单回访录音。",
        owner=officer,
        due_date=timezone.localdate() + timedelta(days=30),
    )
    if stdout is not None:
        stdout.write(
            f"agents and partners: {len(AGENTS)} agents, {len(PARTNERS)} partners; systemic issue {issue.reference} "
            f"opened from the {as_of} warning\n"
        )
