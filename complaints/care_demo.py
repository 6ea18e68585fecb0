"""The demo's care (complaints/workflow/care.py), from demo_data/materials.toml: the supervisor's lists of
materials for every category, circumstances and help on a few of the current complaints (one call back waiting,
one further request), and on a share of last year's record (flags set as of the day each complaint was received,
before the year's disclosure is drafted). Idempotent: lists are kept by category, and a complaint already flagged
is left alone."""

import random
import tomllib
from datetime import date
from pathlib import Path

from portal.actors import system_actor
from portal.beijing import day_start

from . import services
from .models import Complaint, EventAction, MaterialsList, Need, Vulnerability

_DATA = tomllib.loads((Path(__file__).resolve().parent / "demo_data" / "materials.toml").read_text("utf-8"))


def load_lists(actor) -> int:
    """Every category's list (and the health claims' own), kept by `actor`; returns how many were added."""
    added = 0
    for row in _DATA["list"]:
        product = row.get("product_line", "")
        if MaterialsList.objects.filter(category=row["category"], product_line=product).exists():
            continue
        materials = MaterialsList(
            category=row["category"], product_line=product, items_zh="\n".join(row["zh"]), items_en="\n".join(row["en"])
        )
        services.materials_list_save(actor=actor, materials=materials)
        added += 1
    return added


def flag_current(made: dict[str, Complaint], actor) -> None:
    """The current demo complaints that need care, and one further request."""
    for key, wanted in _DATA["flags"].items():
        complaint = made.get(key)
        if complaint is None or complaint.needs_care:
            continue
        services.complaint_set_care(
            complaint=complaint, actor=actor, vulnerabilities=wanted["vulnerabilities"], needs=wanted["needs"]
        )
    further = _DATA["further"]
    complaint = made.get(further["key"])
    if complaint is not None and not complaint.events.filter(action=EventAction.FURTHER_REQUEST).exists():
        services.complaint_request_further(
            complaint=complaint, actor=actor, what=further["what"], reason=further["reason"]
        )


def flag_year(year: int) -> int:
    """A share of `year`'s complaints flagged (seeded: the same year flags the same complaints), each as of the
    day it was received; returns how many were flagged now."""
    rng = random.Random(f"care-{year}")
    shares = _DATA["year"]
    received = Complaint.objects.filter(
        received_at__gte=day_start(date(year, 1, 1)), received_at__lt=day_start(date(year + 1, 1, 1))
    ).order_by("received_at", "id")
    flagged = 0
    for complaint in received:
        drawn = {code for code, share in shares.items() if rng.random() < share}
        if not drawn or complaint.needs_care:
            continue
        with services.recording_history(complaint.received_at):
            services.complaint_set_care(
                complaint=complaint,
                actor=system_actor(),
                vulnerabilities=[code for code in Vulnerability.values if code in drawn],
                needs=[code for code in Need.values if code in drawn],
            )
        flagged += 1
    return flagged
