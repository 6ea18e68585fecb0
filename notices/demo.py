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


def _pdf_line(line: str, chinese: bool) -> bytes:
    if chinese:
        # Two bytes per character in the UniGB-UCS2-H encoding of Adobe's standard Chinese font.
        return b"<" + line.encode("utf-16-be").hex().upper().encode() + b"> '"
    return b"(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1") + b") '"


def summary_pdf(lines: list[str], *, chinese: bool = False) -> bytes:
    """A one-page PDF of plain lines (the disclosure's key figures), built by hand: no PDF library needed.
    Chinese lines use STSong-Light, one of the standard Chinese fonts every PDF reader provides."""
    text = b"BT /F1 12 Tf 72 760 Td 18 TL " + b" ".join(_pdf_line(line, chinese) for line in lines) + b" ET"
    if chinese:
        fonts = [
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
            b"/DescendantFonts [6 0 R] >>",
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 "
            b"/W [1 95 500] >>",
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
            b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        ]
    else:
        fonts = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        *fonts,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


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
