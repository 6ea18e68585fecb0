"""Cases transferred by the national complaint platform, registered as the system's account: each row checked
first (every bad row named, by number and column, in one refusal: nothing of a refused file is registered), then
every new case registered through complaint_register with the idempotency key `platform:<reference>`, in one
transaction. A case whose platform reference is already registered (by an earlier import or by hand from the
platform's notice) is left as it is: importing the same file again changes nothing."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.actors import system_actor
from portal.models import PROVINCE_ENGLISH, PROVINCES, Branch
from portal.phones import normalize_phone
from portal.tabular import ImportRefused, Row

from ... import services
from ...models import Category, Channel, Complaint, IdType, ProductLine, Source
from ..importer import BadValue, RowProblem, parse_moment
from .adapter import FIELD_LABELS

LIMITS = {"platform_ref": 60, "name": 100, "id_number": 40, "policy_number": 40, "description": 10000}
LIMITS["desired_outcome"] = 2000
# A transferred case was filed online, on the platform: its channel is the web.
PLATFORM_CHANNEL = Channel.WEB


def Problem(row: int | None, column: str, message: str) -> RowProblem:
    """A bad value, by row and column (named as FIELD_LABELS names it), printed as the importer's are."""
    return RowProblem(row, str(FIELD_LABELS.get(column, column)), message)


@dataclass
class PlatformImport:
    created: list[Complaint] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # the platform references already registered
    dry_run: bool = False


def _choice(choices, value: str) -> str | None:
    """A coded value given as its code, its English label or its Chinese label (None when it is none of them)."""
    wanted = value.strip().casefold()
    for code, label in choices:
        with translation.override("zh-hans"):
            chinese = str(label)
        with translation.override("en"):
            english = str(label)
        if wanted in (code.casefold(), english.casefold(), chinese.casefold()):
            return code
    return None


def _province(value: str) -> str | None:
    if value in PROVINCES:
        return value
    english = {name.casefold(): province for province, name in PROVINCE_ENGLISH.items()}
    return english.get(value.casefold())


def _case(row: Row, branches: dict[str, Branch], problems: list[RowProblem]) -> dict:
    """The keyword arguments of complaint_register for one row, each bad value added to `problems`."""
    values = row.values

    def text(key: str) -> str:
        return (values.get(key) or "").strip()

    def bad(key: str, message: str):
        problems.append(Problem(row.number, key, message))

    for key in ("platform_ref", "received_at", "name", "phone", "description"):
        if not text(key):
            bad(key, _("This column is required."))
    for key, limit in LIMITS.items():
        if len(text(key)) > limit:
            bad(key, _("At most %(count)d characters.") % {"count": limit})
    case = {
        "source": Source.PLATFORM,
        "channel": PLATFORM_CHANNEL,
        "platform_ref": text("platform_ref"),
        "name": text("name"),
        "id_number": text("id_number"),
        "id_type": IdType.RESIDENT if text("id_number") else "",
        "policy_number": text("policy_number"),
        "description": text("description"),
        "desired_outcome": text("desired_outcome"),
        "category": Category.OTHER,
        "platform_deadline": None,
    }
    received = None
    if text("received_at"):
        try:
            received, _timed = parse_moment(text("received_at"))
        except BadValue as error:
            bad("received_at", str(error))
        else:
            if received > timezone.now():
                bad("received_at", _("The time of receipt cannot be in the future."))
            case["received_at"] = received
    if text("reply_by"):
        try:
            reply_by: date = timezone.localdate(parse_moment(text("reply_by"))[0])
        except BadValue as error:
            bad("reply_by", str(error))
        else:
            if received is not None and reply_by < timezone.localdate(received):
                bad("reply_by", _("The platform's reply date cannot be before the day the complaint was received."))
            case["platform_deadline"] = reply_by
    if text("phone"):
        try:
            case["phone"] = normalize_phone(text("phone"))
        except ValidationError:
            bad("phone", _("“%(value)s” is not a phone number.") % {"value": text("phone")[:40]})
    for key, choices in (("category", Category.choices), ("product_line", ProductLine.choices)):
        if text(key):
            code = _choice(choices, text(key))
            if code is None:
                bad(key, _("“%(value)s” is not one of the known values.") % {"value": text(key)[:40]})
            else:
                case[key] = code
    if text("province"):
        province = _province(text("province"))
        if province is None:
            bad("province", _("“%(value)s” is not one of the known values.") % {"value": text("province")[:40]})
        else:
            case["province"] = province
    if text("branch"):
        branch = branches.get(text("branch").casefold())
        if branch is None:
            bad("branch", _("“%(value)s” is not one of the known values.") % {"value": text("branch")[:40]})
        else:
            case["branch"] = branch
    return case


def import_platform_cases(rows: list[Row], *, dry_run: bool = False, actor=None) -> PlatformImport:
    """Register the platform's transferred cases in `rows` (adapter.exchange().transferred_cases), all or nothing.
    Raises ImportRefused naming every bad row; with `dry_run`, checks and registers everything and keeps none."""
    actor = actor or system_actor()
    problems: list[RowProblem] = []
    if not rows:
        raise ImportRefused([Problem(None, "", _("The file holds no cases."))])
    branches = {}
    for branch in Branch.objects.all():
        branches[branch.slug.casefold()] = branches[branch.name.casefold()] = branch
    seen: dict[str, int] = {}
    cases = []
    for row in rows:
        case = _case(row, branches, problems)
        ref = case["platform_ref"]
        if ref and ref in seen:
            problems.append(
                Problem(row.number, "platform_ref", _("the same reference as row %(row)d.") % {"row": seen[ref]})
            )
        seen.setdefault(ref, row.number)
        cases.append((row, case))
    if problems:
        raise ImportRefused(problems)
    known = set(Complaint.objects.filter(platform_ref__in=list(seen)).values_list("platform_ref", flat=True))
    result = PlatformImport(dry_run=dry_run)
    with transaction.atomic():
        for row, case in cases:
            if case["platform_ref"] in known:
                result.unchanged.append(case["platform_ref"])
                continue
            try:
                complaint = services.complaint_register(
                    actor=actor,
                    idempotency_key=f"platform:{case['platform_ref']}",
                    note=_("Transferred by the national complaint platform (row %(row)d).") % {"row": row.number},
                    **case,
                )
            except ValidationError as error:
                problems.extend(Problem(row.number, "", message) for message in error.messages)
                transaction.set_rollback(True)
                break
            result.created.append(complaint)
        if dry_run:
            transaction.set_rollback(True)
    if problems:
        raise ImportRefused(problems)
    return result
