"""Synthetic notices for benchmarks (`manage.py generate_volume --notices N`), written by COPY.

The texts are the demo notices' (both languages; some English left empty, as happens), numbered so that
every title is distinct; the HTML is rendered once per demo body by the same Markdown renderer the model uses.
Categories follow a realistic mix (many announcements and cases, few disclosures); five years of publication
dates, with some drafts, archived notices and notices scheduled for later. The same seed gives the same rows.

Benchmark tooling, not part of the running site: nothing imports this package but `manage.py generate_volume`
(through the generators each app registers without importing them) and the benchmarks' tests.
"""

import json
import random
from datetime import datetime, time, timedelta

from portal.beijing import BEIJING
from portal.rights import RIGHT_CHOICES
from portal.volume import bulk_load, copy_rows, next_id, reset_sequence, weighted

from ..demo import NOTICES
from ..markup import render_markdown
from ..models import Audience, Notice, Status

CATEGORIES = {
    "announcements": 35,
    "cases": 25,
    "campaigns": 18,
    "fraud-warnings": 12,
    "foreigner-guides": 6,
    "disclosures": 4,
}
STATUSES = {Status.PUBLISHED: 90, Status.DRAFT: 5, Status.ARCHIVED: 4, "scheduled": 1}
COLUMNS = (
    "id", "category", "slug", "title", "title_zh_hans", "title_en", "summary", "summary_zh_hans", "summary_en",
    "body", "body_zh_hans", "body_en", "body_html", "body_html_zh_hans", "body_html_en", "status", "publish_at",
    "pinned", "rights", "audiences", "disclosure_year", "author_id", "created_at", "updated_at",
)  # fmt: skip


def _templates() -> list[dict]:
    templates = []
    for notice in NOTICES:
        body_zh = notice.get("body_zh_hans", "")
        body_en = notice.get("body_en", "")
        templates.append(
            {
                "title_zh": notice["title_zh_hans"],
                "title_en": notice.get("title_en", ""),
                "summary_zh": notice.get("summary_zh_hans", ""),
                "summary_en": notice.get("summary_en", ""),
                "body_zh": body_zh,
                "body_en": body_en,
                "html_zh": render_markdown(body_zh),
                "html_en": render_markdown(body_en) if body_en else "",
            }
        )
    return templates


def generate(options: dict, stdout) -> None:
    total = options["notices"]
    if not total:
        return
    rng = random.Random(f"notices-{options['seed']}")
    templates = _templates()
    rights = [code for code, _label in RIGHT_CHOICES]
    audiences = [code for code, _label in Audience.choices]
    draw_category = weighted(rng, CATEGORIES)
    draw_status = weighted(rng, STATUSES)
    until = options["until"]
    end = datetime.combine(until, time(18), tzinfo=BEIJING)
    span = 5 * 365 * 86400
    first_id = next_id(Notice)
    prefix = f"v{options['seed']}-{first_id}"

    def rows():
        for index in range(total):
            template = rng.choice(templates)
            category = draw_category()
            status = draw_status()
            published = end - timedelta(seconds=rng.randrange(span))
            if status == "scheduled":
                status = Status.PUBLISHED
                published = end + timedelta(days=rng.randint(1, 30))
            publish_at = None if status == Status.DRAFT else published
            number = f"（{index + 1}）"
            # One notice in twelve has no English yet (fraud warnings and guides always need both languages).
            english = category in ("fraud-warnings", "foreigner-guides") or rng.random() > 1 / 12
            title_en = f"{template['title_en']} ({index + 1})" if english and template["title_en"] else ""
            summary_en = template["summary_en"] if english else ""
            body_en = template["body_en"] if english else ""
            html_en = template["html_en"] if english else ""
            yield (
                first_id + index,
                category,
                f"{prefix}-{index + 1}",
                template["title_zh"] + number,
                template["title_zh"] + number,
                title_en,
                template["summary_zh"],
                template["summary_zh"],
                summary_en,
                template["body_zh"],
                template["body_zh"],
                body_en,
                template["html_zh"],
                template["html_zh"],
                html_en,
                status,
                publish_at,
                rng.random() < 0.002,
                json.dumps(rng.sample(rights, rng.randint(0, 3))),
                json.dumps(rng.sample(audiences, rng.randint(0, 2))),
                published.year - 1 if category == "disclosures" else None,
                None,
                published - timedelta(days=1),
                published - timedelta(days=1),
            )

    with bulk_load(Notice):
        written = copy_rows(Notice._meta.db_table, COLUMNS, rows())
    reset_sequence(Notice)
    stdout.write(f"  notices: {written}")
