"""Synthetic complaints for benchmarks (`manage.py generate_volume --complaints N`), written by COPY.

Each complaint follows a path through the workflow (complaints/services.py TRANSITIONS) — e.g. submitted,
accepted, work started, perhaps extended or paused, decided, closed — with event times drawn after its receipt.
Steps that would lie after the last day are cut off, so recent complaints are still open in every status and
old ones are mostly closed, as in a real register. The due date comes from complaints.deadlines.compute_deadline
over the kept clock events, as the services compute it. The same seed gives the same rows.

Benchmark tooling, not part of the running site: nothing imports this package but `manage.py generate_volume`
(through the generators each app registers without importing them) and the benchmarks' tests.
"""

import json
import random
from datetime import date, timedelta, timezone

from portal import codes
from portal.beijing import day_start
from portal.models import PROVINCES, Branch
from portal.volume import bulk_load, copy_lines, next_id, reset_sequence, row_line, weighted

from ..deadlines import CLOCK_ACTIONS, ClockEvent, compute_deadline
from ..models import Complaint, ComplaintEvent, EventAction, Status
from ..services import TRACKING_PREFIX

A = EventAction
S = Status
# China Standard Time has had no daylight saving since 1991: a fixed offset, far cheaper to format than a ZoneInfo.
BEIJING = timezone(timedelta(hours=8))
CHUNK = 20000
YEARS = 5

# Shares seen in insurers' published complaint statistics (sales and policy service lead; phone is the main
# channel; most complaints come through individual agents).
CATEGORIES = {
    "sales": 34,
    "policy_service": 26,
    "claims": 20,
    "service": 12,
    "underwriting": 3,
    "other": 5,
}
# Mobile number blocks that phonenumbers accepts as valid Chinese mobiles (13x, 15x, 17x, 18x, 19x …), so that
# generated complainants can look their complaints up like real ones.
MOBILE_PREFIXES = [f"13{d}" for d in range(10)] + [f"15{d}" for d in "0123589"] + [f"18{d}" for d in range(10)] + [
    "166", "173", "175", "176", "177", "178", "198", "199",
]  # fmt: skip
CHANNELS = {"phone": 45, "visit": 15, "web": 14, "wechat": 13, "email": 8, "letter": 5}
BUSINESS_CHANNELS = {"agency": 55, "bancassurance": 25, "internet": 8, "group": 7, "broker": 5}
# Relative weight of each province where no branch is known (roughly by population and insurance density).
PROVINCE_WEIGHTS = {name: 1 for name in PROVINCES} | {
    "广东": 12, "山东": 9, "江苏": 9, "河南": 8, "浙江": 7, "四川": 7, "湖北": 5, "湖南": 5, "河北": 6,
    "北京": 5, "上海": 5, "福建": 4, "安徽": 4, "辽宁": 4, "陕西": 3, "重庆": 3, "江西": 3, "广西": 3,
}  # fmt: skip
# How a complaint ends (before cutting at the last day).
ENDINGS = {"closed": 82, "closed_extended": 6, "paused_then_closed": 2, "withdrawn": 4, "rejected": 3, "merged": 3}
OUTCOMES = {"upheld": 38, "partly_upheld": 27, "not_upheld": 35}

DESCRIPTIONS = {
    "zh-hans": {
        "sales": [
            "在银行办理存款时被推荐购买分红险，销售人员称其为存款产品，没有说明犹豫期和退保损失。",
            "业务员承诺每年保证收益百分之五，合同上的保证利率远低于此，要求按承诺处理。",
            "投保时业务员代替我签名，我并不知道保单的具体责任，要求全额退还保费。",
        ],
        "policy_service": [
            "退保金额与合同现金价值表不一致，差额近三千元，请给出计算依据。",
            "申请变更受益人一个多月，柜面要求重复提交已经交过的户口本复印件。",
            "保单贷款利率与告知的不一致，要求说明并按约定利率计息。",
        ],
        "claims": [
            "母亲的住院医疗理赔材料两周前已经交齐，至今没有任何进展，热线只说在审核。",
            "重疾理赔款到账时间比承诺的晚了二十天，要求说明原因。",
            "门诊费用理赔只赔了一半，没有说明扣减依据。",
        ],
        "service": [
            "App多次登录失败，客服电话长时间无人接听。",
            "柜面服务人员态度冷淡，办理业务等待超过两个小时。",
            "多次收到推销电话，要求停止拨打并说明号码来源。",
        ],
        "underwriting": [
            "投保时如实告知了高血压病史，承保时却被加费且没有书面说明理由。",
            "体检结果正常却被拒保，要求说明核保结论的依据。",
        ],
        "other": [
            "想了解保单的现金价值如何计算，多次咨询没有得到答复。",
            "地址变更后信函仍寄往旧地址，担心个人信息泄露。",
        ],
    },
    "en": {
        "sales": [
            "The agent at the bank sold me a participating policy as if it were a deposit and never mentioned the "
            "cooling-off period.",
            "I was promised a guaranteed return of 5% a year; the contract shows a much lower guaranteed rate.",
        ],
        "policy_service": [
            "The surrender value paid differs from the table in my contract by almost 3,000 yuan.",
            "My request to change the beneficiary has been pending for over a month.",
        ],
        "claims": [
            "My hospital claim documents were complete two weeks ago and nothing has happened since.",
            "Only half of my outpatient claim was paid, with no explanation of the deduction.",
        ],
        "service": [
            "I cannot log in to the app and nobody answers the hotline.",
            "I keep receiving sales calls and want them to stop.",
        ],
        "underwriting": ["I disclosed my blood pressure honestly and was charged extra without a written reason."],
        "other": ["Letters keep going to my old address after I asked twice to change it."],
    },
}
DECISIONS = {
    "zh-hans": [
        "经核实，按合同约定补付差额，并向您致歉。",
        "经核实，销售过程存在不规范行为，同意解除合同并退还保费。",
        "经核查，理赔结论符合合同条款，已书面说明依据。",
    ],
    "en": [
        "We checked the records, paid the difference under the contract and apologise.",
        "The sale did not follow our rules; the contract is cancelled and the premium refunded.",
        "The claim decision follows the policy terms; the reasons are explained in writing.",
    ],
}
ROOT_CAUSES = ["销售误导", "理赔时效", "服务态度", "系统故障", "条款理解分歧", "信息告知不充分"]
UNITS = ["个险销售部", "银保部", "理赔部", "运营中心", "客户服务部", "信息技术部"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "桂英",
    "建国",
]
EN_NAMES = ["Daniel Weber", "Maria Santos", "Tom Becker", "Alex Kim", "Sarah Miller", "Kenji Sato", "Anna Ivanova"]
AREA_CODES = ["110101", "310104", "440106", "320102", "330106", "510104", "420102", "430102", "370102", "410105"]

COLUMNS = (
    "id", "tracking_number", "received_at", "source", "regulator_ref", "regulator_deadline", "channel",
    "business_channel", "category", "province", "branch_id", "policy_number", "name", "phone", "email", "id_type",
    "id_number", "capacity", "principal_name", "power_of_attorney", "language", "description", "desired_outcome",
    "status", "handler_id", "named_employee_id", "due_date", "extensions", "decision", "decided_at", "remedies",
    "outcome", "root_cause", "responsible_unit", "remediation", "ended_on", "review_of_id", "merged_into_id",
    "idempotency_key", "created_at", "updated_at",
)  # fmt: skip
NULL = "\\N"  # COPY's text format; every other value written here is free of tabs, newlines and backslashes
EVENT_COLUMNS = ("complaint_id", "at", "actor_id", "action", "from_status", "to_status", "note", "public", "data")

# Status after each action (None: unchanged).
TARGET = {
    A.SUBMIT: S.RECEIVED,
    A.REGISTER: S.RECEIVED,
    A.ACCEPT: S.ACCEPTED,
    A.START: S.IN_PROGRESS,
    A.EXTEND: None,
    A.PAUSE: S.PAUSED,
    A.RESUME: S.IN_PROGRESS,
    A.DECIDE: S.DECIDED,
    A.CLOSE: S.CLOSED,
    A.WITHDRAW: S.WITHDRAWN,
    A.REJECT: S.REJECTED,
    A.MERGE: S.MERGED,
}
ENDED_BY = {A.CLOSE, A.WITHDRAW, A.REJECT, A.MERGE}
PUBLIC_NOTES = {
    A.EXTEND: "案情复杂，经批准延长处理期限。",
    A.PAUSE: "需要第三方鉴定，鉴定期间不计入处理期限。",
    A.WITHDRAW: "已与公司协商解决，撤回投诉。",
    A.REJECT: "所反映事项属于业务咨询，不属于投诉。",
}


def _path(rng: random.Random, ending: str) -> list[tuple[str, float]]:
    """The actions after receipt and the days (fractional) after receipt at which they happen."""
    day = rng.uniform(0.05, 1.5)
    if ending == "rejected":
        return [(A.REJECT, day)]
    steps = [(A.ACCEPT, day)]
    if ending == "withdrawn":
        return [*steps, (A.WITHDRAW, day + rng.uniform(0.5, 10))]
    if ending == "merged":
        return [*steps, (A.MERGE, day + rng.uniform(0.1, 3))]
    day += rng.uniform(0.1, 2)
    steps.append((A.START, day))
    limit = 15
    if ending == "closed_extended":
        day += rng.uniform(5, 12)
        steps.append((A.EXTEND, day))
        limit = 30
    elif ending == "paused_then_closed":
        day += rng.uniform(2, 8)
        steps.append((A.PAUSE, day))
        pause = rng.uniform(10, 45)
        day += pause
        steps.append((A.RESUME, day))
        limit += pause
    # Most are decided in time; about one in thirty late.
    latest = limit - 0.5 if rng.random() > 0.033 else limit + rng.uniform(1, 10)
    day = max(day + 0.5, rng.uniform(day + 0.5, latest)) if latest > day + 0.5 else day + 0.5
    steps.append((A.DECIDE, day))
    steps.append((A.CLOSE, day + rng.uniform(0.5, 6)))
    return steps


def _tracking_number(rng: random.Random, day: date, taken: set) -> str:
    while True:
        # The alphabet has 32 characters: five random bits pick one.
        number = codes.generate(TRACKING_PREFIX, day, choice=lambda alphabet: alphabet[rng.getrandbits(5)])
        if number not in taken:
            taken.add(number)
            return number


def generate(options: dict, stdout) -> None:
    if not options["complaints"]:
        return
    branches = list(Branch.objects.order_by("pk").values_list("pk", "province"))
    written = events_written = 0
    with bulk_load(Complaint, ComplaintEvent):
        for rows, events in chunks(options, branches=branches, first_id=next_id(Complaint)):
            written += copy_lines(Complaint._meta.db_table, COLUMNS, rows)
            events_written += copy_lines(ComplaintEvent._meta.db_table, EVENT_COLUMNS, events)
    reset_sequence(Complaint)
    reset_sequence(ComplaintEvent)
    stdout.write(f"  complaints: {written} with {events_written} events")


def chunks(options: dict, *, branches: list[tuple[int, str]], first_id: int):
    """The complaints as COPY lines, in chunks of (complaint lines, event lines); pure: no database."""
    total = options["complaints"]
    rng = random.Random(f"complaints-{options['seed']}")
    until: date = options["until"]
    end = day_start(until + timedelta(days=1))
    start = end - timedelta(days=365 * YEARS + 1)
    span = (end - start).total_seconds()
    branch_weights = {index: 3 if index < 3 else 1 for index in range(len(branches))}
    draw_branch = weighted(rng, branch_weights) if branches else None
    draws = tuple(
        weighted(rng, weights)
        for weights in (CATEGORIES, CHANNELS, BUSINESS_CHANNELS, PROVINCE_WEIGHTS, ENDINGS, OUTCOMES)
    )
    # Receipt times in order (complaints get ids in the order they arrived), with more complaints in later years.
    offsets = sorted(span * (rng.random() ** 0.8) for _ in range(total))
    taken_by_day: dict[date, set] = {}
    previous_number = ""
    for chunk_start in range(0, total, CHUNK):
        rows = []
        events = []
        for index in range(chunk_start, min(total, chunk_start + CHUNK)):
            complaint_id = first_id + index
            received_at = start + timedelta(seconds=offsets[index])
            received_day = received_at.date()
            row, complaint_events = _complaint(
                rng,
                complaint_id=complaint_id,
                received_at=received_at,
                end=end,
                first_id=first_id,
                branch=branches[draw_branch()] if draw_branch and rng.random() < 0.9 else None,
                draws=draws,
                taken=taken_by_day.setdefault(received_day, set()),
                previous_number=previous_number,
            )
            previous_number = row.split("\t", 2)[1]
            rows.append(row)
            events.extend(complaint_events)
        yield rows, events
        # Keep only the current day's numbers: earlier days can no longer collide (the date is in the number).
        taken_by_day = {received_day: taken_by_day.get(received_day, set())}


def _complaint(rng, *, complaint_id, received_at, end, first_id, branch, draws, taken, previous_number):
    draw_category, draw_channel, draw_business, draw_province, draw_ending, draw_outcome = draws
    random_ = rng.random

    def pick(sequence):
        return sequence[int(random_() * len(sequence))]

    def below(limit: int) -> int:
        return int(random_() * limit)

    received_day = received_at.date()
    category = draw_category()
    channel = draw_channel()
    english = random_() < (0.07 if channel == "web" else 0.03)
    language = "en" if english else "zh-hans"
    if branch is not None:
        branch_id, province = branch
    else:
        branch_id, province = None, draw_province()
    regulator = random_() < 0.15
    ending = draw_ending()
    if ending == "merged" and complaint_id == first_id:
        ending = "closed"
    # Now and then an old complaint got stuck in the middle of its path (what the overdue list is for).
    path = _path(rng, ending)
    if random_() < 0.002:
        path = path[: rng.randint(1, max(1, len(path) - 1))]
    number = _tracking_number(rng, received_day, taken)
    first_action = A.SUBMIT if channel == "web" else A.REGISTER
    events = [f"{complaint_id}\t{received_at.isoformat()}\t\\N\t{first_action}\t\t{S.RECEIVED}\t\tt\t{{}}\n"]
    status = S.RECEIVED
    clock: list[ClockEvent] = []
    decided_at = ended_on = None
    outcome = decision = root_cause = unit = ""
    merged_into = None
    last_at = received_at
    for action, days in path:
        at = received_at + timedelta(days=days)
        if at >= end:
            break
        before = status
        status = TARGET[action] or status
        note = PUBLIC_NOTES.get(action, "")
        data = "{}"
        if action == A.MERGE:
            # A repeat of the complaint received just before it (its number is in the event, as the service writes).
            merged_into = complaint_id - 1
            data = json.dumps({"into": previous_number})
        events.append(f"{complaint_id}\t{at.isoformat()}\t\\N\t{action}\t{before}\t{status}\t{note}\tt\t{data}\n")
        if action in CLOCK_ACTIONS:
            clock.append(ClockEvent(action, at.date()))
        if action == A.DECIDE:
            decided_at = at
            outcome = draw_outcome()
            decision = pick(DECISIONS[language])
        if action == A.CLOSE:
            root_cause = pick(ROOT_CAUSES)
            unit = pick(UNITS)
        if action in ENDED_BY:
            ended_on = at.date()
        last_at = at
    if merged_into is not None and status == S.MERGED:
        repeat = json.dumps({"repeat": number})
        events.append(row_line((merged_into, last_at, None, A.MERGED_IN, "", "", "", False, repeat)))
    deadline = compute_deadline(received_day, clock)
    if english:
        name = pick(EN_NAMES)
    else:
        name = pick(SURNAMES) + pick(GIVEN)
    phone = f"+86{pick(MOBILE_PREFIXES)}{below(10**8):08d}"
    resident = random_() < 0.93
    id_number = (
        f"{pick(AREA_CODES)}{1950 + below(55)}{1 + below(12):02d}{1 + below(28):02d}"
        f"{below(1000):03d}{pick('0123456789X')}"
        if resident
        else f"E{below(10**8):08d}"
    )
    due = deadline.due
    line = "\t".join(
        (
            str(complaint_id),
            number,
            received_at.isoformat(),
            "regulator" if regulator else "self",
            f"JG-{received_day.year}-{below(10**5):05d}" if regulator else "",
            (received_day + timedelta(days=15)).isoformat() if regulator else NULL,
            channel,
            draw_business() if category != "other" else "",
            category,
            province,
            NULL if branch_id is None else str(branch_id),
            f"P{below(10**12):012d}" if random_() < 0.9 else "",
            name,
            phone,
            f"c{complaint_id}@example.com" if random_() < 0.2 else "",
            "resident" if resident else "passport",
            id_number,
            "self",
            "",
            "f",
            language,
            pick(DESCRIPTIONS[language][category]),
            "",
            status,
            NULL,
            NULL,
            due.isoformat(),
            str(deadline.extensions),
            decision,
            NULL if decided_at is None else decided_at.isoformat(),
            '["mediation"]' if outcome == "not_upheld" else "[]",
            outcome,
            root_cause,
            unit,
            "",
            NULL if ended_on is None else ended_on.isoformat(),
            NULL,
            str(merged_into) if status == S.MERGED else NULL,
            "",
            received_at.isoformat(),
            last_at.isoformat(),
        )
    )
    return line + "\n", events
