"""Demo complaints in every status, through the same services staff use. Idempotent: each demo complaint has
an idempotency key, and a second run finds them all and changes nothing. Their texts and plans are data, in
demo_data/complaints.toml.

Dates are relative to the day of loading, so there is always something overdue and something due soon.
"""

import tomllib
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from portal import roles
from portal.actors import system_actor
from portal.models import Branch

from . import care_demo, demo_escalations, demo_firstcontact, notifications, services
from .models import Complaint, LetterTemplate

_DATA = tomllib.loads((Path(__file__).resolve().parent / "demo_data" / "complaints.toml").read_text("utf-8"))

# role: (username, group, first name, last name) of the names the demo acts as (nobody logs in as them).
STAFF = {
    role: (row["username"], getattr(roles, row["group"]), row["first_name"], row["last_name"])
    for role, row in _DATA["staff"].items()
}

# key, days ago received, channel, category, business channel, branch slug, language, name, phone, description,
# steps (what happens to it after registration, each "step@N": N days after receipt).
DEMO = [
    (
        row["key"], row["days_ago"], row["channel"], row["category"], row["business_channel"], row["branch"],
        row["language"], row["name"], row["phone"], row["description"], row["steps"],
    )
    for row in _DATA["complaint"]
]  # fmt: skip

# Regulator-forwarded demo complaints: (reference, the regulator's deadline in days after receipt).
REGULATOR = {
    row["key"]: (row["regulator_ref"], row["regulator_days"]) for row in _DATA["complaint"] if "regulator_ref" in row
}

# category: {language: the decision written for it}
DECISIONS = {
    category: {"zh-hans": texts["zh_hans"], "en": texts["en"]} for category, texts in _DATA["decisions"].items()
}
EXTENSION_REASONS = tuple(_DATA["extension"]["reasons"])

# Each step happens on its day after receipt ("step@N") at a believable time of the working day (hour, minute).
STEP_HOURS = {step: (moment.hour, moment.minute) for step, moment in _DATA["step_hours"].items()}


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
    elif (user.first_name, user.last_name) != (first_name, last_name):  # a demo loaded before its people had names
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
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
            reliefs=["claim_paid", "explanation"],
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


# Two decision-letter templates, one per language, as a supervisor would keep them (complaints.letters):
# (name, language, outcome, body).
LETTER_TEMPLATES = [(row["name"], row["language"], row["outcome"], row["body"]) for row in _DATA["letter_template"]]


def load(stdout=None) -> None:
    with notifications.muted():
        # The lists of materials first: the demo complaints accepted are sent theirs (complaints/care_demo.py).
        care_demo.load_lists(_staff("supervisor"))
        _load(stdout)
        demo_escalations.load(stdout, supervisor=_staff("supervisor"))
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
    care_demo.flag_current(made, staff["supervisor"])
    # A year of first-contact resolutions, group complaints and complaints about several things.
    demo_firstcontact.load(staff=staff, clock=_clock, stdout=stdout)
    if stdout:
        stdout.write(f"complaints: {created} demo complaints added ({len(DEMO)} in all)\n")
        sample = made.get("decided")
        if sample is not None:
            stdout.write(
                f"Try tracking a complaint at /complaints/track/ with number {sample.tracking_number} "
                f"and phone {sample.phone.removeprefix('+86')}\n"
            )
