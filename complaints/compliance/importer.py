"""Importing complaints received elsewhere: the regulator's forwarded lists, phone and letter logs, past records.

The rules:
- All or nothing. Every row is checked before anything is written; one bad row refuses the whole file, and the
  refusal names every bad row and column. The writes then run in one transaction, so a failure half-way leaves
  nothing behind either.
- Each row is checked by `complaints.services.validate_intake`, as every complaint coming in, and each new
  complaint is registered through `complaints.services.complaint_register_imported` (and, when the file says
  it was closed, accepted, decided and closed through the workflow services), so it carries the same events as
  a complaint registered by hand. The complainants are not notified: they were answered through the channel they used.
- A regulator-forwarded row whose `regulator_ref` is already known corrects that complaint instead of adding one
  (`complaint_correct`: an event names every changed field), and closes it through the workflow when the
  list says it was closed.
  A row identical to a complaint already imported (same receipt time, channel, complainant, phone and text) is
  left alone, so importing the same file twice changes nothing.
"""

import hashlib
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from portal.actors import is_system_actor, system_actor
from portal.models import PROVINCE_ENGLISH, PROVINCES
from portal.phones import normalize_phone
from portal.tabular import ImportRefused, TableError, read_table

from .. import notifications, services
from ..models import OPEN_STATUSES, BusinessChannel, Category, Channel, Complaint, Outcome, Source
from .vocabulary import read_forms

MAX_ROWS = 50_000
MAX_DESCRIPTION = 10_000
FIELD_LIMITS = {"name": 100, "regulator_ref": 60, "phone": 32, "outcome": 40}

# Header spellings accepted for each column (lower case; full-width forms are normalised by portal.tabular).
ALIASES = {
    "received_at": "received_at", "received": "received_at", "date received": "received_at",
    "接收日期": "received_at", "收到日期": "received_at", "接收时间": "received_at", "收到时间": "received_at",
    "投诉日期": "received_at", "投诉时间": "received_at", "受理日期": "received_at",
    "source": "source", "来源": "source", "投诉来源": "source",
    "regulator_ref": "regulator_ref", "regulator reference": "regulator_ref", "监管编号": "regulator_ref",
    "转办编号": "regulator_ref", "监管转办编号": "regulator_ref", "监管单号": "regulator_ref",
    "channel": "channel", "渠道": "channel", "投诉渠道": "channel", "接收渠道": "channel", "投诉方式": "channel",
    "business_channel": "business_channel", "business channel": "business_channel", "业务渠道": "business_channel",
    "销售渠道": "business_channel",
    "category": "category", "类别": "category", "投诉类别": "category", "业务类别": "category", "投诉类型": "category",
    "province": "province", "省份": "province", "地区": "province", "投诉地区": "province", "所在地区": "province",
    "name": "name", "姓名": "name", "投诉人": "name", "投诉人姓名": "name",
    "phone": "phone", "电话": "phone", "联系电话": "phone", "手机": "phone", "手机号": "phone",
    "description": "description", "投诉内容": "description", "内容": "description", "描述": "description",
    "投诉事项": "description",
    "regulator_deadline": "regulator_deadline", "regulator deadline": "regulator_deadline",
    "监管期限": "regulator_deadline", "监管时限": "regulator_deadline", "转办期限": "regulator_deadline",
    "closed_at": "closed_at", "closed": "closed_at", "办结日期": "closed_at", "办结时间": "closed_at",
    "outcome": "outcome", "处理结果": "outcome", "结果": "outcome", "办结结果": "outcome",
}  # fmt: skip
REQUIRED = ("received_at", "source", "channel", "category", "name", "phone", "description")

CHOICES = {
    "source": Source,
    "channel": Channel,
    "business_channel": BusinessChannel,
    "category": Category,
    "outcome": Outcome,
}
COLUMN_LABELS = {
    "received_at": gettext_lazy("received at"),
    "source": gettext_lazy("source"),
    "regulator_ref": gettext_lazy("regulator's reference"),
    "regulator_deadline": gettext_lazy("regulator's deadline"),
    "channel": gettext_lazy("channel"),
    "business_channel": gettext_lazy("business channel"),
    "category": pgettext_lazy("complaint", "category"),
    "province": gettext_lazy("province"),
    "name": pgettext_lazy("person", "name"),
    "phone": gettext_lazy("phone"),
    "description": gettext_lazy("description"),
    "closed_at": gettext_lazy("closed at"),
    "outcome": gettext_lazy("outcome"),
}
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:\.\d+)?)?)?$"
)


def _vocabulary(choices, short_forms) -> dict[str, str]:
    words = {}
    for value, label in choices.choices:
        words[value.lower()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                words[str(label).lower()] = value
    words.update({key.lower(): value for key, value in short_forms.items()})
    return words


_VOCABULARIES: dict[str, dict[str, str]] = {}


def _code(column: str, text: str) -> str | None:
    if column not in _VOCABULARIES:
        _VOCABULARIES[column] = _vocabulary(CHOICES[column], read_forms(column))
    return _VOCABULARIES[column].get(text.strip().lower())


_ENGLISH_PROVINCES = {english.lower(): name for name, english in PROVINCE_ENGLISH.items()}


def _province(text: str) -> str | None:
    text = text.strip()
    if text in PROVINCES:
        return text
    for suffix in _PROVINCE_SUFFIXES:
        if text.endswith(suffix) and text[: -len(suffix)] in PROVINCES:
            return text[: -len(suffix)]
    return _ENGLISH_PROVINCES.get(text.lower())


class BadValue(ValueError):
    pass


def parse_moment(text: str) -> tuple[datetime, bool]:
    """A date (2024-01-01, 2024/1/1, 2024年1月1日) or a date-time (2024-01-01 00:30[:00]) in Beijing time.
    Returns the aware moment and whether a time of day was given."""
    match = _DATE.match(text.strip())
    if not match:
        raise BadValue(_("“%(value)s” is not a date (write 2024-01-31 or 2024-01-31 14:30).") % {"value": text[:40]})
    year, month, day, hour, minute, second = (int(part) if part else None for part in match.groups())
    try:
        moment = datetime(year, month, day, hour or 0, minute or 0, second or 0)
    except ValueError:
        raise BadValue(_("“%(value)s” is not a real date.") % {"value": text[:40]}) from None
    return timezone.make_aware(moment), hour is not None


@dataclass
class RowProblem:
    row: int | None
    column: str
    message: str

    def __str__(self):
        label = str(COLUMN_LABELS.get(self.column, self.column))
        if self.row is None:
            return self.message
        return _("Row %(row)d, %(column)s: %(message)s") % {"row": self.row, "column": label, "message": self.message}


# The columns a new complaint is registered with (complaint_register_imported's arguments of the same names).
REGISTERED_FIELDS = (
    "received_at",
    "source",
    "regulator_ref",
    "regulator_deadline",
    "channel",
    "business_channel",
    "category",
    "province",
    "name",
    "phone",
    "description",
)


@dataclass
class ImportRow:
    number: int
    received_at: datetime
    source: str
    regulator_ref: str
    regulator_deadline: date | None
    channel: str
    business_channel: str
    category: str
    province: str
    name: str
    phone: str
    description: str
    closed_at: datetime | None
    outcome: str
    action: str = "create"  # create, update, unchanged
    existing: Complaint | None = None
    changes: dict = field(default_factory=dict)

    def registration(self) -> dict:
        """The row's values as complaint_register_imported's keyword arguments."""
        return {name: getattr(self, name) for name in REGISTERED_FIELDS}

    @property
    def natural_key(self) -> tuple:
        return (self.received_at, self.channel, self.name, self.phone, self.description)

    @property
    def idempotency_key(self) -> str:
        """The complaint's key among imports: a second import of the same row finds the first complaint."""
        if self.regulator_ref:
            material = f"regulator|{self.regulator_ref}"
        else:
            material = "|".join([self.received_at.isoformat(), self.channel, self.name, self.phone, self.description])
        return "import:" + hashlib.sha256(material.encode()).hexdigest()[:57]


@dataclass
class ImportPlan:
    rows: list[ImportRow]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


def _check_row(number: int, values: dict[str, str], problems: list[RowProblem], now: datetime) -> ImportRow | None:
    found = len(problems)

    def bad(column, message):
        problems.append(RowProblem(number, column, message))

    def text(column) -> str:
        value = values.get(column, "")
        limit = MAX_DESCRIPTION if column == "description" else FIELD_LIMITS.get(column)
        if limit and len(value) > limit:
            bad(column, _("longer than %(limit)d characters.") % {"limit": limit})
            return ""
        return value

    def coded(column, *, required: bool) -> str:
        value = text(column)
        if not value:
            if required:
                bad(column, _("required."))
            return ""
        code = _code(column, value)
        if code is None:
            bad(column, _("“%(value)s” is not a known value.") % {"value": value[:40]})
            return ""
        return code

    received_at = closed_at = None
    raw = text("received_at")
    if not raw:
        bad("received_at", _("required."))
    else:
        try:
            received_at, _timed = parse_moment(raw)
        except BadValue as error:
            bad("received_at", str(error))
        else:
            if received_at > now:
                bad("received_at", _("in the future."))
            elif received_at.year < 2000:
                bad("received_at", _("before 2000."))
    source = coded("source", required=True)
    regulator_ref = text("regulator_ref")
    regulator_deadline = None
    raw_deadline = text("regulator_deadline")
    if raw_deadline:
        try:
            regulator_deadline = timezone.localdate(parse_moment(raw_deadline)[0])
        except BadValue as error:
            bad("regulator_deadline", str(error))
    # The checks of every complaint coming in, as registration makes them, with the same messages.
    for column, refusal in services.validate_intake(
        received_at=received_at or now,
        source=source,
        regulator_ref=regulator_ref,
        regulator_deadline=regulator_deadline if received_at else None,
    ).items():
        bad(column, " ".join(refusal.messages))
    channel = coded("channel", required=True)
    business_channel = coded("business_channel", required=False)
    category = coded("category", required=True)
    province = ""
    if values.get("province"):
        province = _province(text("province")) or ""
        if not province:
            bad("province", _("“%(value)s” is not a province.") % {"value": values["province"][:40]})
    name = text("name")
    if not name:
        bad("name", _("required."))
    phone = ""
    raw_phone = text("phone")
    if not raw_phone:
        bad("phone", _("required."))
    else:
        try:
            phone = normalize_phone(raw_phone)
        except ValidationError as error:
            bad("phone", " ".join(error.messages))
    description = text("description")
    if not description:
        bad("description", _("required."))
    raw_closed = text("closed_at")
    if raw_closed:
        try:
            closed_at, timed = parse_moment(raw_closed)
        except BadValue as error:
            bad("closed_at", str(error))
        else:
            if not timed:
                # A closing date without a time closes the complaint by the end of that day.
                closed_at = closed_at.replace(hour=23, minute=59, second=59)
            if closed_at > now and timezone.localdate(closed_at) > timezone.localdate(now):
                bad("closed_at", _("in the future."))
            elif received_at and timezone.localdate(closed_at) < timezone.localdate(received_at):
                bad("closed_at", _("before the complaint was received."))
            closed_at = min(closed_at, now)
            if received_at and closed_at < received_at:
                closed_at = received_at
    outcome = coded("outcome", required=False)
    if outcome and not raw_closed:
        bad("outcome", _("an outcome needs the closing date (closed_at)."))
    if len(problems) > found:
        return None
    return ImportRow(
        number=number,
        received_at=received_at,
        source=source,
        regulator_ref=regulator_ref if source == Source.REGULATOR else "",
        regulator_deadline=regulator_deadline if source == Source.REGULATOR else None,
        channel=channel,
        business_channel=business_channel,
        category=category,
        province=province,
        name=name,
        phone=phone,
        description=description,
        closed_at=closed_at,
        outcome=outcome,
    )


# An open complaint that a later list reports closed can be closed through the workflow from these statuses.
CLOSABLE = OPEN_STATUSES

# What a later regulator list may correct on a complaint already registered from an earlier one.
UPDATABLE_FIELDS = ("channel", "business_channel", "category", "province", "name", "phone", "description")


def _match_existing(rows: list[ImportRow], problems: list[RowProblem]) -> None:
    refs = {row.regulator_ref for row in rows if row.regulator_ref}
    known = {c.regulator_ref: c for c in Complaint.objects.filter(source=Source.REGULATOR, regulator_ref__in=refs)}
    plain = [row for row in rows if not row.regulator_ref]
    existing_keys = set()
    if plain:
        candidates = Complaint.objects.filter(
            received_at__in={row.received_at for row in plain}, phone__in={row.phone for row in plain}
        ).values_list("received_at", "channel", "name", "phone", "description")
        existing_keys = set(candidates)
    seen_refs: dict[str, int] = {}
    seen_keys: dict[tuple, int] = {}
    for row in rows:
        if row.regulator_ref:
            if _repeated(
                row, row.regulator_ref, seen_refs, problems, "regulator_ref", _("the same reference as row %(row)d.")
            ):
                continue
            complaint = known.get(row.regulator_ref)
            if complaint is None:
                continue
            row.existing = complaint
            row.changes = {
                name: getattr(row, name) for name in UPDATABLE_FIELDS if getattr(complaint, name) != getattr(row, name)
            }
            closes = row.closed_at is not None and complaint.status in CLOSABLE
            row.action = "update" if row.changes or closes else "unchanged"
            continue
        if _repeated(row, row.natural_key, seen_keys, problems, "description", _("the same complaint as row %(row)d.")):
            continue
        if row.natural_key in existing_keys:
            row.action = "unchanged"


def _repeated(row, key, seen: dict, problems: list, field: str, message) -> bool:
    """Whether `key` was already seen on an earlier row of the file (a problem for `field`, `message` naming
    that row as %(row)d); else remember it as this row's."""
    if key in seen:
        problems.append(RowProblem(row.number, field, message % {"row": seen[key]}))
        return True
    seen[key] = row.number
    return False


def plan_import(data: bytes, name: str = "") -> ImportPlan:
    """Read and check a whole file without writing anything. Raises ImportRefused naming every problem."""
    try:
        table = read_table(data, name, ALIASES, REQUIRED)
    except TableError as error:
        raise ImportRefused([RowProblem(None, "", str(error))]) from None
    except Exception:
        # An uploaded file is untrusted: whatever a damaged CSV or workbook makes the readers raise (an
        # oversized field, broken XML inside the archive), the person gets a sentence, not a traceback.
        raise ImportRefused([RowProblem(None, "", _("The file cannot be read as a table."))]) from None
    if not table:
        raise ImportRefused([RowProblem(None, "", _("The file has a header but no rows."))])
    if len(table) > MAX_ROWS:
        raise ImportRefused([RowProblem(None, "", _("At most %(count)d rows at a time.") % {"count": MAX_ROWS})])
    problems: list[RowProblem] = []
    now = timezone.now()
    rows = [row for raw in table if (row := _check_row(raw.number, raw.values, problems, now)) is not None]
    _match_existing(rows, problems)
    if problems:
        raise ImportRefused(problems)
    return ImportPlan(rows=rows)


def _close(complaint: Complaint, row: ImportRow, note: str, actor) -> None:
    services.complaint_record_closed(
        complaint=complaint, actor=actor, closed_at=row.closed_at, outcome=row.outcome, note=note
    )


@transaction.atomic
def complaint_import(*, data: bytes, name: str = "", actor=None) -> ImportPlan:
    """Import a CSV or XLSX file of complaints, all or nothing (see the module's docstring for the rules).
    Returns the plan carried out: how many rows were created, updated and left unchanged. Allowed to staff
    holding complaints.import_complaints and to the system (`actor` None is the system: the import is then
    recorded as the system's account)."""
    actor = system_actor() if actor is None else actor
    if not is_system_actor(actor) and not (actor.is_active and actor.has_perm(services.IMPORT_PERMISSION)):
        raise PermissionDenied(_("You do not have permission to import complaints."))
    plan = plan_import(data, name)
    label = name.rsplit("/", 1)[-1][:80] or "file"
    with notifications.muted():
        for row in plan.rows:
            note = _("Imported from %(file)s, row %(row)d.") % {"file": label, "row": row.number}
            try:
                if row.action == "create":
                    # A closed record is registered as of its closing day too: registered today, an old
                    # complaint would be found late before its recorded decision could count.
                    history = services.recording_history(row.closed_at) if row.closed_at else nullcontext()
                    with history:
                        complaint = services.complaint_register_imported(
                            actor=actor,
                            **row.registration(),
                            note=note,
                            idempotency_key=row.idempotency_key,
                        )
                    if row.closed_at:
                        _close(complaint, row, note, actor)
                elif row.action == "update":
                    if row.changes:
                        services.complaint_correct(
                            complaint=row.existing,
                            actor=actor,
                            changes=row.changes,
                            note=_("Corrected from %(file)s, row %(row)d.") % {"file": label, "row": row.number},
                        )
                    if row.closed_at and row.existing.status in CLOSABLE:
                        _close(row.existing, row, note, actor)
            except ValidationError as error:
                raise ImportRefused([RowProblem(row.number, "", " ".join(error.messages))]) from None
    return plan
