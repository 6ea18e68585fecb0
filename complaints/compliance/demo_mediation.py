"""Demo mediations: a year of them, through the same services staff use, each step as of its own day.

The settlement authority table (entered by one demo compliance officer, approved by a second), the levels a
supervisor gave (a branch approver, a head-office approver), then mediations of some of last year's closed
complaints and of this year's demo complaints: most answered in time, a few late; settled with money approved
at the level its amount needs, not settled, withdrawn; one referred by a court and judicially confirmed; one
whose mediator's recommendation the record offers to follow up as a remediation item; one still waiting for
the head office's approval.
Idempotent: a complaint already mediated is left alone, and the table and levels are set once.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from portal import roles
from portal.beijing import BEIJING

from .. import notifications, services
from ..demo import _clock, _staff
from ..models import Complaint, Mediation, SettlementAuthority, Status

OFFICERS = (("demo.compliance", "敏", "赵"), ("demo.compliance2", "磊", "孙"))
BODIES = (
    ("committee", "湖南省保险纠纷人民调解委员会"),
    ("committee", "北京银行业保险业消费者权益保护中心"),
    ("other", "上海金融消费纠纷调解中心"),
)
# Per mediation of last year, in turn: (origin, days to answer, amount proposed or None, outcome).
PLAN = (
    ("complainant", 1, "6800", "settled"),
    ("regulator", 2, None, "not_settled"),
    ("platform", 3, "15000", "settled"),
    ("complainant", 5, None, "withdrawn"),
    ("court", 2, "42000", "settled"),
    ("complainant", 1, "3200", "settled"),
    ("regulator", 6, None, "not_settled"),
    ("platform", 2, "28000", "settled"),
    ("complainant", 3, None, "not_settled"),
    ("complainant", 1, "9500", "settled"),
)
RECOMMENDATION = "理赔材料清单告知不完整，建议统一理赔告知书并在受理时一次性告知所需材料。"


def _officer(username: str, first_name: str, last_name: str):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": True, "first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_unusable_password()  # a name to act as; nobody logs in as it
        user.save()
    user.groups.add(Group.objects.get(name=roles.COMPLIANCE_OFFICER))
    return user


def _at(day: date, hour: int = 10) -> datetime:
    return min(datetime.combine(day, time(hour), tzinfo=BEIJING), timezone.now() - timedelta(minutes=5))


def _step(day: date, hour: int, call):
    moment = _at(day, hour)
    with _clock(moment), services.recording_history(moment):
        return call()


def _authority(staff: dict, year: int) -> None:
    if SettlementAuthority.objects.approved().exists():
        return
    first, second = (_officer(*row) for row in OFFICERS)
    day = date(year, 1, 1)

    def enter():
        table = services.settlement_authority_enter(
            actor=first,
            effective_from=day,
            branch_limit="20000",
            head_office_limit="500000",
            reason="公司调解和解授权管理办法（2025年修订）",
        )
        return services.settlement_authority_decide(table=table, actor=second, approve=True)

    _step(day, 9, enter)
    for user, level in ((staff["reviewer"], "branch"), (staff["senior"], "head_office")):
        if not services.staff_level(user):
            _step(day, 11, lambda user=user, level=level: services.staff_authority_set(
                actor=staff["supervisor"], user=user, level=level, reason="调解和解审批授权"
            ))  # fmt: skip


def _mediate(complaint: Complaint, start: date, plan: tuple, index: int, staff: dict) -> Mediation:
    origin, answer_days, amount, outcome = plan
    actor = staff["supervisor"]
    kind, body = BODIES[index % len(BODIES)]
    if origin == "court":
        kind, body = "court", "长沙市岳麓区人民法院"
    mediation = _step(start, 10, lambda: services.mediation_open(
        complaint=complaint, actor=actor, origin=origin, body_kind=kind, body=body, requested_on=start,
        invited_on=start,
    ))  # fmt: skip
    answered = start + timedelta(days=answer_days)
    mediation = _step(answered, 11, lambda: services.mediation_respond(
        mediation=mediation, actor=actor, responded_on=answered, mediator="刘调解员"
    ))  # fmt: skip
    settled_amount = None
    if amount is not None:
        proposed = answered + timedelta(days=7)
        mediation = _step(proposed, 14, lambda: services.mediation_propose_settlement(
            mediation=mediation, actor=actor, amount=amount
        ))  # fmt: skip
        approver = staff["reviewer"] if mediation.level_needed == "branch" else staff["senior"]
        mediation = _step(proposed + timedelta(days=1), 10, lambda: services.mediation_approve_settlement(
            mediation=mediation, actor=approver
        ))  # fmt: skip
        settled_amount = str(Decimal(amount) * Decimal("0.9"))
    ended = answered + timedelta(days=12)
    recommended = index == 2
    mediation = _step(ended, 15, lambda: services.mediation_record_outcome(
        mediation=mediation, actor=actor, outcome=outcome, ended_on=ended,
        settled_amount=settled_amount if outcome == "settled" else None,
        recommendations=RECOMMENDATION if recommended else "",
    ))  # fmt: skip
    if origin == "court":
        confirmed = ended + timedelta(days=10)
        mediation = _step(confirmed, 10, lambda: services.mediation_confirm_judicially(
            mediation=mediation, actor=actor, confirmed_on=confirmed
        ))  # fmt: skip
    return mediation


def _last_year(staff: dict, year: int) -> int:
    closed = Complaint.objects.filter(
        status=Status.CLOSED, received_at__gte=_at(date(year, 1, 1), 0), received_at__lt=_at(date(year, 12, 1), 0)
    ).order_by("received_at", "pk")
    made = 0
    for index, complaint in enumerate(list(closed)[::6][: len(PLAN)]):
        if complaint.mediations.exists():
            continue
        ended = complaint.ended_on or timezone.localdate(complaint.decided_at or complaint.received_at)
        _mediate(complaint, ended + timedelta(days=9), PLAN[index], index, staff)
        made += 1
    return made


def _this_year(staff: dict) -> int:
    """This year's demo complaint decided in Hunan goes to mediation and waits for the head office's approval."""
    complaint = Complaint.objects.filter(idempotency_key="demo:closed").first()
    if complaint is None or complaint.mediations.exists():
        return 0
    actor = staff["supervisor"]
    start = timezone.localdate() - timedelta(days=6)
    mediation = _step(start, 10, lambda: services.mediation_open(
        complaint=complaint, actor=actor, origin="platform", body_kind="committee", body=BODIES[0][1],
        requested_on=start, invited_on=start,
    ))  # fmt: skip
    mediation = _step(start + timedelta(days=1), 11, lambda: services.mediation_respond(
        mediation=mediation, actor=actor, mediator="周调解员"
    ))  # fmt: skip
    _step(start + timedelta(days=3), 15, lambda: services.mediation_propose_settlement(
        mediation=mediation, actor=actor, amount="36000", note="客户接受按合同约定给付加部分利息"
    ))  # fmt: skip
    return 1


def load(stdout=None) -> None:
    from ..demo import STAFF

    staff = {role: _staff(role) for role in STAFF}
    year = timezone.localdate().year - 1
    with notifications.muted():
        _authority(staff, year)
        made = _last_year(staff, year) + _this_year(staff)
    if stdout is not None:
        stdout.write(f"mediations: {made} added ({Mediation.objects.count()} in all)\n")
