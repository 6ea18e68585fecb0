"""Demo complaints in every status, through the same services staff use. Idempotent: each demo complaint has
an idempotency key, and a second run finds them all and changes nothing.

Dates are relative to the day of loading, so there is always something overdue and something due soon.
"""

from contextlib import contextmanager
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from portal import roles
from portal.actors import system_actor
from portal.models import Branch

from . import notifications, services
from .models import Complaint, LetterTemplate

HANDLER_USERNAME = "demo.handler"
# Names to act as (nobody logs in as them): the approvals are acts of approvers, and the review of a decision
# is handled by someone other than whoever decided it.
STAFF = {
    "handler": (HANDLER_USERNAME, roles.COMPLAINT_HANDLER, "示例", "经办人"),
    "supervisor": ("demo.supervisor", roles.SUPERVISOR, "示例", "主管"),
    "senior": ("demo.senior", roles.SENIOR_MANAGER, "示例", "高级管理人员"),
    "reviewer": ("demo.reviewer", roles.COMPLAINT_HANDLER, "总公司", "核查人员"),
}

# key, days ago received, channel, category, business channel, branch slug, language, name, phone, description,
# steps (what happens to it after registration, each "step@N": N days after receipt).
DEMO = [
    ("received-web", 1, "web", "claims", "agency", "beijing", "zh-hans", "陈晓梅", "13811112222",
     "我母亲的住院医疗理赔材料两周前已经交齐，至今没有任何进展，打热线也只说在审核。请尽快给出结论。", []),
    ("received-phone-en", 2, "phone", "service", "internet", "", "en", "Daniel Weber", "13911113333",
     "I bought a policy online and never received the electronic policy document or the invoice, although the "
     "premium was taken from my card.", []),
    ("accepted", 4, "letter", "policy_service", "agency", "jiangsu", "zh-hans", "王建国", "13611114444",
     "申请变更保单受益人已一个月，分公司柜面要求重复提交已经交过的户口本复印件。", ["accept@1"]),
    ("in-progress", 6, "visit", "sales", "bancassurance", "hunan", "zh-hans", "刘芳", "13711115555",
     "在银行办理存款时被推荐购买了分红险，销售人员说是存款产品，没有说明犹豫期和退保损失。", ["accept@1", "start@2"]),
    ("due-soon", 13, "email", "underwriting", "agency", "beijing", "zh-hans", "赵强", "13511116666",
     "投保时如实告知了高血压病史，承保时却被加费且没有书面说明理由。", ["accept@1", "start@2"]),
    # Late: the limit passed on day 15 with no decision; it stays late.
    ("overdue", 19, "wechat", "claims", "group", "jiangsu", "zh-hans", "孙丽", "13411117777",
     "公司团体意外险理赔被拒，理由是“非意外”，但医院诊断写明是摔伤。", ["accept@1", "start@3"]),
    ("paused", 8, "letter", "claims", "agency", "hunan", "zh-hans", "周伟", "13311118888",
     "伤残等级认定有分歧，要求重新鉴定后赔付。", ["accept@1", "start@1", "pause@3"]),
    # Extended in time: asked on day 10, granted on day 11, before the 15 days ran out.
    ("extended-once", 16, "phone", "policy_service", "broker", "beijing", "zh-hans", "吴敏", "13211119999",
     "退保金额与合同现金价值表不一致，差额近三千元。", ["accept@1", "start@2", "request@10", "grant@11"]),
    ("extended-twice", 40, "visit", "sales", "bancassurance", "jiangsu", "en", "Maria Santos", "13111110000",
     "The agent promised a guaranteed return of 5% a year; the contract shows a much lower guaranteed rate.",
     ["accept@1", "start@2", "request@12", "grant@13", "request@27", "grant@28"]),
    # Forwarded by the regulator with its own deadline, 10 days after receipt: earlier than the 15 days.
    ("regulator", 3, "letter", "sales", "agency", "beijing", "zh-hans", "郑海", "18811112222",
     "监管转来：消费者反映业务员代签名投保。", ["accept@1"]),
    ("regulator-answered", 24, "letter", "claims", "agency", "hunan", "zh-hans", "钱明", "18211113333",
     "监管转来：消费者反映重疾理赔审核时间过长。",
     ["accept@1", "start@2", "decide@9", "report_back@10", "close@11"]),
    ("decided", 10, "web", "service", "internet", "", "zh-hans", "冯雪", "18911113333",
     "App多次登录失败，客服电话长时间无人接听。", ["accept@1", "start@2", "decide@8"]),
    ("closed", 25, "phone", "claims", "agency", "hunan", "zh-hans", "何静", "18611114444",
     "重疾理赔款到账时间比承诺的晚了二十天。", ["accept@1", "start@2", "decide@12", "close@14"]),
    ("closed-en", 28, "email", "policy_service", "internet", "", "en", "Tom Becker", "18711115555",
     "My address change request was ignored twice and letters keep going to the old address.",
     ["accept@1", "decide@10", "close@11"]),
    # Decided on day 20, after its 15 days: closed late.
    ("decided-late", 35, "phone", "claims", "agency", "jiangsu", "zh-hans", "杨帆", "18111116666",
     "意外医疗理赔材料被要求反复补交，至今未赔付。", ["accept@2", "start@3", "decide@20", "close@21"]),
    # An extension asked for on day 13 and not granted before the limit ended on day 15: it lapsed, late.
    ("extension-lapsed", 30, "letter", "underwriting", "broker", "hunan", "zh-hans", "许娟", "18011117777",
     "保单复效申请提交后一直没有答复。", ["accept@1", "start@2", "request@13", "decide@22", "close@23"]),
    ("withdrawn", 5, "web", "other", "", "", "zh-hans", "高原", "18511116666",
     "想咨询一下保单贷款的利率是怎么算的。", ["withdraw@1"]),
    ("rejected", 7, "email", "other", "", "", "en", "Alex Kim", "18411117777",
     "Please send me your company's marketing brochure for next year.", ["reject@1"]),
    ("repeat", 3, "phone", "sales", "bancassurance", "hunan", "zh-hans", "刘芳", "13711115555",
     "再次反映：银行网点销售分红险时误导，说是存款。", ["merge:in-progress@0"]),
    # Decided by the Beijing branch; the review goes to the head office, handled by someone who did not decide.
    ("reviewed", 20, "web", "claims", "agency", "beijing", "zh-hans", "林涛", "18311118888",
     "门诊费用理赔只赔了一半，没有说明扣减依据。", ["accept@1", "start@2", "decide@5", "review@8"]),
]  # fmt: skip

# Regulator-forwarded demo complaints: (reference, the regulator's deadline in days after receipt).
REGULATOR = {
    "regulator": ("京金监投〔2026〕0123号", 10),
    "regulator-answered": ("湘金监投〔2026〕0456号", 12),
}

DECISIONS = {
    "claims": {
        "zh-hans": (
            "经核实，您提交的理赔材料齐全，扣减依据不充分。"
            "我们已按合同约定重新核算，并于3个工作日内补付差额至您的收款账户。"
        ),
        "en": "We checked the file: your claim documents were complete and the deduction was not justified. We "
        "recalculated the benefit under the contract and will pay the difference to your account within three "
        "working days.",
    },
    "service": {
        "zh-hans": (
            "经核实，系统升级期间App登录异常属实，热线排队时间过长。我们已修复登录问题，增加高峰时段坐席，并向您致歉。"
        ),
        "en": "We confirmed that logging in to the app failed during a system upgrade and that the hotline queue was "
        "too long. The login fault is fixed, more staff answer at peak hours, and we apologise.",
    },
    "policy_service": {
        "zh-hans": "经核实，柜面要求重复提交材料不符合我司保全规定。相关变更已办理完毕，我们已对柜面人员进行再培训。",
        "en": "We confirmed that asking you again for documents you had already given was against our policy "
        "service rules. The change has been made, and the counter staff have been retrained.",
    },
    "sales": {
        "zh-hans": "经调取销售录音录像核实，销售过程存在未充分说明产品性质的情况。我们同意解除合同并全额退还已交保费。",
        "en": "The sales recording shows that the nature of the product was not explained properly. We agree to "
        "cancel the contract and refund the premiums paid in full.",
    },
    "underwriting": {
        "zh-hans": "经复核，加费决定符合核保规则，但未书面说明理由。我们已向您寄送书面核保说明，并完善了告知流程。",
        "en": "On review, the extra premium follows our underwriting rules, but the reason was not given in writing. "
        "We have sent you a written explanation and improved how such decisions are told.",
    },
    "other": {
        "zh-hans": "您反映的问题我们已记录并转交相关部门处理，处理结果将另行告知。",
        "en": "We have recorded your concern and passed it to the department concerned, which will write to you.",
    },
}
EXTENSION_REASONS = ("需要调取销售录音录像并约谈相关人员", "需等待银行网点提供原始单证")

# Each step happens on its day after receipt ("step@N") at a believable time of the working day, so that a demo
# history reads like a real one rather than one minute in which everything happened.
STEP_HOURS = {"accept": (9, 40), "start": (14, 5), "pause": (10, 20), "request": (16, 30), "grant": (10, 15),
              "decide": (15, 10), "report_back": (16, 45), "close": (11, 0), "review": (20, 45),
              "withdraw": (9, 15), "reject": (10, 50)}  # fmt: skip


@contextmanager
def _clock(moment):
    """Run one demo step as if at `moment`: the services take the time from django.utils.timezone.now. Used only
    while loading demo data (a command), never while serving a request."""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


def _step_moment(received, step: str, offset: int, remaining: int, now):
    """When a step `offset` days after receipt happens: that day at a working-day hour, and never later than two
    hours per step still to come before `now` (a step taken today, before this hour)."""
    name = step.split(":", 1)[0]
    hour, minute = STEP_HOURS.get(name, (10, 0))
    day = timezone.localtime(received) + timedelta(days=offset)
    moment = day.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return min(moment, now - timedelta(hours=2 * remaining))


def _staff(role: str):
    username, group_name, first_name, last_name = STAFF[role]
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(username=username, is_staff=True, first_name=first_name, last_name=last_name)
        user.set_unusable_password()  # a name to act as; nobody logs in as it
        user.save()
    group = Group.objects.filter(name=group_name).first()
    if group is not None and not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
    return user


def _apply(complaint: Complaint, step: str, language: str, made: dict, staff: dict) -> None:
    handler = staff["handler"]
    if step == "accept":
        services.complaint_accept(complaint=complaint, actor=handler)
    elif step == "start":
        services.complaint_start(complaint=complaint, actor=handler)
    elif step == "pause":
        services.complaint_pause(complaint=complaint, actor=handler, reason="委托第三方机构进行伤残等级鉴定")
    elif step == "request":
        services.complaint_request_extension(
            complaint=complaint, actor=handler, reason=EXTENSION_REASONS[complaint.extensions]
        )
    elif step == "grant":
        request = complaint.extension_requests.get(status="pending")
        approver = staff["supervisor"] if request.number == 1 else staff["senior"]
        services.extension_grant(request=request, actor=approver)
    elif step == "decide":
        services.complaint_decide(
            complaint=complaint,
            actor=handler,
            decision=DECISIONS.get(complaint.category, DECISIONS["other"])[language],
            outcome="partly_upheld",
            remedies=["review", "mediation", "arbitration", "litigation"],
        )
    elif step == "close":
        services.complaint_close(
            complaint=complaint,
            actor=handler,
            cause="service",
            root_cause="服务时效未达到承诺标准",
            responsible_unit="运营管理部",
            remediation="优化理赔时效监控，超时自动提醒。",
        )
    elif step == "report_back":
        services.complaint_report_back(
            complaint=complaint, actor=handler, reference="湘小康消保〔2026〕12号", note="已书面回复监管部门"
        )
    elif step == "withdraw":
        services.complaint_withdraw(complaint=complaint, note="已电话解答，客户撤回")
    elif step == "reject":
        services.complaint_reject(
            complaint=complaint, actor=system_actor(), reason="Not a complaint: a request for brochures."
        )
    elif step == "review":
        review = services.complaint_request_review(complaint=complaint, reason="不认可扣减比例，申请上级机构核查。")
        services.complaint_assign(complaint=review, actor=staff["supervisor"], handler=staff["reviewer"])
        services.complaint_accept(complaint=review, actor=staff["reviewer"])
    elif step.startswith("merge:"):
        services.complaint_merge(
            complaint=complaint, into=made[step.split(":", 1)[1]], actor=system_actor(), note="同一事项"
        )


# Two decision-letter templates, one per language, as a supervisor would keep them (complaints.letters).
LETTER_TEMPLATES = [
    (
        "理赔投诉处理决定（不予支持）",
        "zh-hans",
        "not_upheld",
        "您于{received_date}提出的投诉（编号{tracking_number}）已收悉。我司调取了保单资料、理赔材料及相关记录，"
        "并与您进行了沟通核实。\n"
        "经核查，[写明核查的事实与依据的合同条款]，因此我司维持原理赔结论，对您的投诉请求不予支持。\n"
        "感谢您对我司工作的监督。如对处理有疑问，请致电我司客服热线。",
    ),
    (
        "Claim complaint decision (not upheld)",
        "en",
        "not_upheld",
        "We received your complaint {tracking_number} on {received_date}. We have reviewed the policy, the claim "
        "documents and the related records, and spoke with you to check the facts.\n"
        "We found that [state the facts found and the policy terms relied on]. We therefore maintain the claim "
        "decision and do not uphold your complaint.\n"
        "Thank you for bringing this to our attention. If anything in this decision is unclear, please call us.",
    ),
]


def load(stdout=None) -> None:
    with notifications.muted():
        _load(stdout)
    _load_letter_templates()


def _load_letter_templates() -> None:
    supervisor = _staff("supervisor")
    for name, language, outcome, body in LETTER_TEMPLATES:
        LetterTemplate.objects.get_or_create(
            name=name,
            language=language,
            defaults={"outcome": outcome, "body": body, "created_by": supervisor, "updated_by": supervisor},
        )


def _load(stdout) -> None:
    staff = {role: _staff(role) for role in STAFF}
    now = timezone.now()
    branches = {branch.slug: branch for branch in Branch.objects.all()}
    made: dict[str, Complaint] = {}
    created = 0
    for key, days, channel, category, business, slug, language, name, phone, description, steps in DEMO:
        idempotency_key = f"demo:{key}"
        complaint = Complaint.objects.filter(idempotency_key=idempotency_key).first()
        if complaint is None:
            received_at = (now - timedelta(days=days)).replace(hour=(days * 3) % 9 + 1, minute=(days * 7) % 60)
            reference, regulator_days = REGULATOR.get(key, ("", None))
            # Each step is recorded as of its own day and at a working-day hour, as if it had been taken then:
            # the rules are judged on that day (services.recording_history), and the history shows that moment.
            with _clock(received_at), services.recording_history(received_at):
                complaint = services.complaint_register(
                    actor=system_actor(),
                    channel=channel,
                    received_at=received_at,
                    name=name,
                    phone=phone,
                    description=description,
                    category=category,
                    business_channel=business,
                    branch=branches.get(slug),
                    language=language,
                    email=f"{key}@example.com" if language == "en" else "",
                    source="regulator" if reference else "self",
                    regulator_ref=reference,
                    regulator_deadline=(
                        timezone.localdate(received_at) + timedelta(days=regulator_days) if reference else None
                    ),
                    idempotency_key=idempotency_key,
                )
            if steps and steps[0].split("@")[0] not in ("withdraw", "reject") and not steps[0].startswith("merge"):
                assigned = received_at + timedelta(minutes=25)
                with _clock(assigned), services.recording_history(assigned):
                    services.complaint_assign(complaint=complaint, actor=staff["supervisor"], handler=staff["handler"])
            previous = received_at + timedelta(minutes=25)
            for index, entry in enumerate(steps):
                step, _at, offset = entry.partition("@")
                moment = _step_moment(received_at, step, int(offset or 0), len(steps) - index, now)
                moment = max(moment, previous + timedelta(minutes=5))
                with _clock(moment), services.recording_history(moment):
                    _apply(complaint, step, language, made, staff)
                previous = moment
                complaint.refresh_from_db()
            # What the daily run does: a limit that passed with no decision is recorded as late.
            complaint = services.complaint_mark_late(complaint=complaint)
            created += 1
        made[key] = complaint
    if stdout:
        stdout.write(f"complaints: {created} demo complaints added ({len(DEMO)} in all)\n")
        sample = made.get("decided")
        if sample is not None:
            stdout.write(
                f"Try tracking a complaint at /complaints/track/ with number {sample.tracking_number} "
                f"and phone {sample.phone.removeprefix('+86')}\n"
            )
