"""Demo outside escalations (越级投诉): a year of complaints forwarded by the regulator, most of them after the
same person or policy complained to the company directly, registered through the same services staff use.

Each pair is a direct complaint and, some weeks later, a regulator's transfer matched by phone, policy number
or ID number: the transfer's registration suggests the link (complaints.workflow.escalations), and a
supervisor confirms most suggestions, rejects a few and leaves the newest waiting. A dozen transfers follow no
direct complaint. Complaints whose closing day has come are closed as the record says. Idempotent: each demo
complaint has an idempotency key, and a pair already made is left alone. Dates are relative to the day of
loading, within the current year (last year holds the imported record and its disclosure). The texts are data,
in demo_data/escalations.toml."""

import tomllib
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from portal.actors import system_actor
from portal.models import Branch

from . import services
from .models import Complaint, EscalationLinkStatus, Outcome, ProductLine

PAIRS = 30
ALONE = 12
_DATA = tomllib.loads((Path(__file__).resolve().parent / "demo_data" / "escalations.toml").read_text("utf-8"))
NAMES = tuple(_DATA["names"])
DIRECT = tuple(_DATA["direct"])
FORWARDED = tuple(_DATA["forwarded"])
CATEGORIES = tuple(_DATA["categories"])


def _moment(days_ago: int, hour: int):
    moment = timezone.localtime() - timedelta(days=days_ago)  # Beijing time: the day stays in this year
    return moment.replace(hour=hour, minute=(days_ago * 7) % 60, second=0, microsecond=0)


def _register(key: str, received_at, **fields) -> Complaint:
    existing = Complaint.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    with services.recording_history(received_at):
        complaint = services.complaint_register(
            actor=system_actor(), channel="phone", received_at=received_at, idempotency_key=key, **fields
        )
    closed_at = received_at + timedelta(days=9)
    if closed_at < timezone.now() - timedelta(hours=1):
        services.complaint_record_closed(
            complaint=complaint,
            actor=system_actor(),
            closed_at=closed_at,
            outcome=Outcome.NOT_UPHELD if len(key) % 2 else Outcome.PARTLY_UPHELD,
            note=_DATA["closing_note"],
        )
    return complaint


def _person(index: int) -> dict:
    """The direct complaint's person; the transfer shares one key with it (phone, policy or ID number)."""
    return {
        "name": NAMES[index % len(NAMES)],
        "phone": f"1390{(index * 7919) % 10_000_000:07d}",
        "policy_number": f"P-2025-{8000 + index:05d}",
        "id_type": "passport",
        "id_number": f"E{(index * 104_729) % 100_000_000:08d}",
    }


def _transfer_of(index: int, person: dict) -> dict:
    shared = ("phone", "policy_number", "id_number")[index % 3]
    other = {"phone": f"1370{(index * 3571) % 10_000_000:07d}", "id_type": "passport", "id_number": ""}
    other[shared] = person[shared]
    if shared == "id_number":
        other["id_number"] = person["id_number"].lower()  # typed differently, the same person
    if shared == "policy_number":
        other["policy_number"] = person["policy_number"].lower()
    return {"name": person["name"], **other}


def load(stdout=None, *, supervisor) -> None:
    """The pairs and the lone transfers; `supervisor` (the demo's) confirms or rejects the suggestions."""
    branches = list(Branch.objects.order_by("slug"))
    # This year only: last year is the imported record (complaints/compliance/demo.py) and its disclosure.
    this_year = (timezone.localdate() - timezone.localdate().replace(month=1, day=1)).days
    lines = ProductLine.values
    made = 0
    for index in range(PAIRS):
        direct_days = 30 + index * 11
        if direct_days > this_year:
            break
        forwarded_days = max(1, direct_days - (10 + (index * 7) % 50))
        branch = branches[index % len(branches)] if branches else None
        common = {
            "branch": branch,
            "product_line": lines[index % len(lines)],
            "category": CATEGORIES[index % len(CATEGORIES)],
        }
        person = _person(index)
        if Complaint.objects.filter(idempotency_key=f"demo-escalation:{index}:forwarded").exists():
            continue
        _register(
            f"demo-escalation:{index}:direct",
            _moment(direct_days, 10),
            description=DIRECT[index % len(DIRECT)],
            **person,
            **common,
        )
        received_at = _moment(forwarded_days, 15)
        transfer = _register(
            f"demo-escalation:{index}:forwarded",
            received_at,
            description=FORWARDED[index % len(FORWARDED)],
            source="regulator",
            regulator_ref=f"银保监投诉〔{received_at.year}〕{5000 + index}号",
            regulator_deadline=timezone.localdate(received_at) + timedelta(days=10),
            **_transfer_of(index, person),
            **common,
        )
        _decide_links(transfer, index, supervisor, received_at)
        made += 1
    for index in range(ALONE):
        if 5 + index * 29 > this_year:
            break
        received_at = _moment(5 + index * 29, 14)
        _register(
            f"demo-escalation:alone:{index}",
            received_at,
            name=NAMES[(index + 3) % len(NAMES)],
            phone=f"1360{(index * 6007) % 10_000_000:07d}",
            description=FORWARDED[index % len(FORWARDED)],
            source="regulator",
            regulator_ref=f"银保监投诉〔{received_at.year}〕{6000 + index}号",
            regulator_deadline=timezone.localdate(received_at) + timedelta(days=10),
            branch=branches[(index + 1) % len(branches)] if branches else None,
            product_line=lines[(index + 2) % len(lines)],
            category=CATEGORIES[index % len(CATEGORIES)],
        )
    if stdout:
        stdout.write(f"outside escalations: {made} forwarded complaints after a direct one added\n")


def _decide_links(transfer: Complaint, index: int, supervisor, received_at) -> None:
    """Most suggestions confirmed the day after the transfer, one in ten rejected, the newest left waiting."""
    if index < 3:
        return  # the newest transfers: their suggestion waits for a supervisor
    with services.recording_history(received_at + timedelta(days=1)):
        for link in transfer.escalation_links.filter(status=EscalationLinkStatus.SUGGESTED):
            if index % 10 == 4:
                services.escalation_reject(link=link, actor=supervisor, note=_DATA["reject_note"])
            elif index % 5 != 3:
                services.escalation_confirm(link=link, actor=supervisor, note=_DATA["confirm_note"])
