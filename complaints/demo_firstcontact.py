"""Demo data of first-contact resolutions, group complaints and complaints about several things: a year of them,
through the same services staff use (texts in demo_data/firstcontact.toml). Idempotent: each has an idempotency
key (or, for the secondary categories, is set only where none are), and a second run changes nothing. Called from
complaints/demo.py's load, with notifications muted (nobody is there to be told)."""

import random
import tomllib
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from portal.actors import system_actor
from portal.models import Branch

from . import services
from .models import Complaint

_DATA = tomllib.loads((Path(__file__).resolve().parent / "demo_data" / "firstcontact.toml").read_text("utf-8"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "海燕")


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(SURNAMES) + rng.choice(GIVEN), f"139{rng.randrange(10**8):08d}"


def load(*, staff: dict, clock, stdout=None) -> None:
    """`staff` is complaints.demo's people by role, `clock` its context manager that runs a step at a moment."""
    made = _first_contact(staff["handler"], clock) + _groups(staff, clock)
    marked = _secondary(staff["supervisor"])
    if stdout:
        stdout.write(f"complaints: {made} resolved at first contact or group complaints added, {marked} reclassified\n")


def _days_this_year(now) -> int:
    """Whole days from 1 January of this year (Beijing) to `now`: the demo's year runs in the current calendar year,
    so that last year's published statistics and disclosure keep the seeded record alone."""
    return (now.date() - now.date().replace(month=1, day=1)).days


def _first_contact(handler, clock) -> int:
    settings = _DATA["first_contact"]
    cases = settings["case"]
    rng = random.Random("first-contact")
    now, made = timezone.localtime(), 0
    span, count = _days_this_year(now), settings["count"]
    if span < 1:
        return 0
    branches = list(Branch.objects.order_by("slug"))
    for index in range(count):
        key = f"demo:first-contact:{index}"
        case = cases[index % len(cases)]
        name, phone = _person(rng)
        if Complaint.objects.filter(idempotency_key=key).exists():
            continue
        # Spread evenly over the year so far, the newest yesterday.
        day = now - timedelta(days=1 + index * (span - 1) // count)
        received_at = day.replace(hour=9 + index % 7, minute=(index * 13) % 60, second=0, microsecond=0)
        resolved = received_at + timedelta(minutes=20)
        with clock(resolved), services.recording_history(resolved):
            complaint = services.complaint_resolve_at_first_contact(
                actor=handler,
                received_at=received_at,
                complainant_agreed=True,
                decision=case["decision"],
                outcome=case["outcome"],
                reliefs=case["reliefs"],
                channel=case["channel"],
                name=name,
                phone=phone,
                description=case["description"],
                category=case["category"],
                branch=branches[index % len(branches)] if branches else None,
                idempotency_key=key,
            )
            if case["secondary"]:
                services.complaint_set_secondary_categories(
                    complaint=complaint, actor=handler, categories=case["secondary"]
                )
        made += 1
    return made


def _groups(staff: dict, clock) -> int:
    now, made = timezone.localtime(), 0
    branches = {branch.slug: branch for branch in Branch.objects.all()}
    for group in _DATA["group"]:
        key = f"demo:{group['key']}"
        if Complaint.objects.filter(idempotency_key=key).exists():
            continue
        rng = random.Random(group["key"])
        # At its share of the year so far; a decided one at least 10 days back (decided 9 days after receipt).
        days = max(int(_days_this_year(now) * group["share"]), 10 if "outcome" in group else 1)
        received_at = (now - timedelta(days=days)).replace(hour=10, minute=5, second=0, microsecond=0)
        members = [
            dict(zip(("name", "phone"), _person(rng), strict=True)) | {"policy_number": f"P{rng.randrange(10**9):09d}"}
            for _n in range(group["members"])
        ]
        for number, member in enumerate(members):
            member["representative"] = number < group["representatives"]
        members[0]["name"] = group["name"]
        with clock(received_at), services.recording_history(received_at):
            complaint = services.complaint_register(
                actor=system_actor(),
                channel="letter",
                received_at=received_at,
                name=group["name"],
                phone=members[0]["phone"],
                description=group["description"],
                category=group["category"],
                branch=branches.get(group["branch"]),
                idempotency_key=key,
            )
        later = received_at + timedelta(hours=2)
        with clock(later), services.recording_history(later):
            services.complaint_assign(complaint=complaint, actor=staff["supervisor"], handler=staff["handler"])
            services.complaint_set_members(complaint=complaint, actor=staff["handler"], members=members)
            services.complaint_set_secondary_categories(
                complaint=complaint, actor=staff["handler"], categories=group["secondary"]
            )
            services.complaint_accept(complaint=complaint, actor=staff["handler"])
        if "outcome" in group:
            decided = received_at + timedelta(days=9)
            with clock(decided), services.recording_history(decided):
                services.complaint_decide(
                    complaint=complaint,
                    actor=staff["handler"],
                    decision=group["decision"],
                    outcome=group["outcome"],
                    reliefs=group["reliefs"],
                    remedies=["review", "mediation", "arbitration", "litigation"],
                )
        made += 1
    return made


def _secondary(actor) -> int:
    marked = 0
    for key, categories in _DATA["secondary"].items():
        complaint = Complaint.objects.filter(idempotency_key=f"demo:{key}").first()
        if complaint is None or complaint.secondary_categories:
            continue
        services.complaint_set_secondary_categories(complaint=complaint, actor=actor, categories=categories)
        marked += 1
    return marked
