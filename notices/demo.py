"""Demo notices in Chinese and English, written from the facts an insurer publishes (the 2023 disclosure's
figures, the fraud reporting channels, the guides for foreign nationals, the product query platform, typical
cases, the 5·15 campaign). Their texts are data, in demo_data/notices.toml; this module reads them and creates
the notices through the services. Idempotent: each notice is keyed by category and slug, and a second run finds
nothing to change."""

import datetime
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.actors import system_actor
from portal.pdf import summary_pdf

from .models import Notice, Status
from .services import notice_attachment_add, notice_create, notice_publish, notice_update

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOTICES = tomllib.loads((Path(__file__).resolve().parent / "demo_data" / "notices.toml").read_text("utf-8"))["notice"]


def publish_at(data: dict) -> datetime.datetime:
    """10:00 Beijing time on the notice's `published` day, or `published_days_ago` days before today: notices
    whose text carries no year are dated relative to the day the demo is loaded, so the newest is never old."""
    if "published_days_ago" in data:
        day = datetime.datetime.now(SHANGHAI).date() - datetime.timedelta(days=data["published_days_ago"])
    else:
        day = data["published"]
    return datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI)


CONTENT_FIELDS = (
    "title_zh_hans", "title_en", "summary_zh_hans", "summary_en", "body_zh_hans", "body_en",
    "pinned", "rights", "audiences", "disclosure_year", "publish_at",
)  # fmt: skip


def load(stdout=None) -> None:
    created = changed = 0
    for data in NOTICES:
        values = {name: data.get(name, [] if name in ("rights", "audiences") else None) for name in CONTENT_FIELDS}
        values["publish_at"] = publish_at(data)
        values["pinned"] = bool(values["pinned"])
        notice = Notice.objects.filter(category=data["category"], slug=data["slug"]).first()
        if notice is None:
            notice = notice_create(actor=system_actor(), category=data["category"], slug=data["slug"], **values)
            created += 1
        elif any(getattr(notice, name) != value for name, value in values.items()):
            notice = notice_update(notice=notice, actor=system_actor(), **values)
            changed += 1
        if notice.status != Status.PUBLISHED:
            notice_publish(notice=notice, actor=system_actor())
        if data.get("attachment_name_en") and not notice.attachments.exists():
            # The key figures in each language, each offered on its own language's page.
            for language, suffix in (("zh-hans", "zh_hans"), ("en", "en")):
                pdf = summary_pdf(data[f"attachment_lines_{suffix}"], chinese=language == "zh-hans")
                upload = SimpleUploadedFile(data[f"attachment_name_{suffix}"], pdf)
                notice_attachment_add(notice=notice, actor=system_actor(), upload=upload, language=language)
    if stdout:
        stdout.write(f"notices: {len(NOTICES)} demo notices ({created} new, {changed} updated)\n")
