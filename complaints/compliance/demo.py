"""Demo content for the compliance side: last year's closed complaints and the draft disclosure drawn from them.

The record is a table of the kind a complaint team imports from its older systems (received, channel, category,
province, closed, outcome), generated from a fixed seed and loaded through the importer, so the complaints carry
the same events as any imported record. The year's disclosure is then drafted through `disclosure_draft`, as a
compliance officer would from the dashboard, and published as the editor would once the rest of the report is
written around its complaint section (the demo's texts). Idempotent: the importer leaves rows it has seen alone,
and a year whose disclosure is public gets no second.
The draw's weights and texts are data, in demo_data/record.toml.
"""

import csv
import io
import random
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.utils import timezone

from notices import services as notice_services
from notices.models import Category as NoticeCategory
from notices.models import Notice
from notices.models import Status as NoticeStatus
from portal.actors import system_actor
from portal.beijing import BEIJING

from .. import care_demo
from .disclosure import disclosure_draft
from .importer import complaint_import
from .platform import demo as platform_demo

_DATA = tomllib.loads((Path(__file__).resolve().parent / "demo_data" / "record.toml").read_text("utf-8"))
ROWS = _DATA["rows"]
COLUMNS = (
    "received_at", "source", "regulator_ref", "channel", "business_channel", "category", "province", "name",
    "phone", "description", "closed_at", "outcome",
)  # fmt: skip
CATEGORIES = _DATA["weights"]["categories"]
CHANNELS = _DATA["weights"]["channels"]
BUSINESS = _DATA["weights"]["business"]
PROVINCES = _DATA["weights"]["provinces"]
OUTCOMES = _DATA["weights"]["outcomes"]
MOBILE_BLOCKS = tuple(_DATA["people"]["mobile_blocks"])
SURNAMES = _DATA["people"]["surnames"]
TITLES = tuple(_DATA["people"]["titles"])
DESCRIPTIONS = {category: tuple(texts) for category, texts in _DATA["descriptions"].items()}
DISCLOSURE = _DATA["disclosure"]


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def last_year_rows(year: int) -> list[dict[str, str]]:
    """The demo record of `year`: ROWS complaints spread over the year, nearly all decided and closed within
    the 15-day limit, a few closed late, about one in eight forwarded by the regulator. The same year gives
    the same rows."""
    rng = random.Random(f"complaints-{year}")
    first = date(year, 1, 4)
    rows = []
    for index in range(ROWS):
        received = datetime.combine(
            first + timedelta(days=rng.randrange(355)), time(rng.randrange(8, 18), rng.randrange(60)), BEIJING
        )
        late = rng.random() < 0.05
        closed = received + timedelta(days=rng.randrange(16, 24) if late else rng.randrange(2, 14), hours=3)
        category = _pick(rng, CATEGORIES)
        regulator = rng.random() < 0.12
        rows.append(
            {
                "received_at": received.strftime("%Y-%m-%d %H:%M"),
                "source": "regulator" if regulator else "self",
                "regulator_ref": f"京金监投〔{year}〕{index + 101:04d}号" if regulator else "",
                "channel": "letter" if regulator else _pick(rng, CHANNELS),
                "business_channel": _pick(rng, BUSINESS),
                "category": category,
                "province": _pick(rng, PROVINCES),
                "name": rng.choice(SURNAMES) + rng.choice(TITLES),
                "phone": f"{rng.choice(MOBILE_BLOCKS)}{rng.randrange(10**8):08d}",
                "description": rng.choice(DESCRIPTIONS[category]),
                "closed_at": closed.strftime("%Y-%m-%d %H:%M"),
                "outcome": _pick(rng, OUTCOMES),
            }
        )
    return sorted(rows, key=lambda row: row["received_at"])


def publish_disclosure(year: int) -> Notice | None:
    """Last year's disclosure as the demo's editor publishes it: the complaint section disclosure_draft wrote from
    the record, with the rest of the report around it (demo_data/record.toml, [disclosure]). Returns the notice it
    published, or None when the year's disclosure is already public (or was written by hand)."""
    notice = Notice.objects.filter(category=NoticeCategory.DISCLOSURES, disclosure_year=year).order_by("id").first()
    if notice is None:
        notice, _created = disclosure_draft(year=year, actor=system_actor())
    if notice.status != NoticeStatus.DRAFT:
        return None
    texts = {
        key: value.replace("{year}", str(year)) if isinstance(value, str) else value
        for key, value in DISCLOSURE.items()
    }
    notice = notice_services.notice_update(
        notice=notice,
        actor=system_actor(),
        summary_zh_hans=texts["summary_zh_hans"],
        summary_en=texts["summary_en"],
        body_zh_hans="\n\n".join(
            part.strip() for part in (texts["before_zh_hans"], notice.body_zh_hans, texts["after_zh_hans"])
        ),
        body_en="\n\n".join(part.strip() for part in (texts["before_en"], notice.body_en, texts["after_en"])),
    )
    planned = datetime(year + 1, texts["publish_month"], texts["publish_day"], 10, 0, tzinfo=BEIJING)
    return notice_services.notice_publish(notice=notice, actor=system_actor(), publish_at=min(planned, timezone.now()))


def load(stdout=None) -> None:
    year = timezone.localdate().year - 1
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(last_year_rows(year))
    plan = complaint_import(data=table.getvalue().encode(), name=f"demo-record-{year}.csv")
    # Circumstances and help on a share of the year's complaints, before the disclosure counts them.
    care_demo.flag_year(year)
    published = publish_disclosure(year)
    told = f"; the {year} disclosure drafted from it and published (notice {published.pk})" if published else ""
    if stdout is not None:
        stdout.write(f"complaints of {year}: {plan.created} imported, {plan.unchanged} already there{told}\n")
    platform_demo.load(stdout)
    _load_systemic(year, stdout)
    _load_mediations(stdout)


def _load_systemic(year: int, stdout) -> None:
    """Agents, partners and a systemic issue on the year's record (compliance/demo_systemic.py)."""
    from ..demo import _staff
    from .demo_systemic import load as load_systemic

    load_systemic(year, _staff("supervisor"), stdout)


def _load_mediations(stdout) -> None:
    """A year of mediations (compliance/demo_mediation.py), on the record just imported."""
    from .demo_mediation import load as load_mediations

    load_mediations(stdout)
