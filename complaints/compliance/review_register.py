"""The consumer-protection review register (消保审查): products, marketing material, contracts and service rules
reviewed before release, the opinions given and whether each was adopted, and the complaints or root causes that
prompted a review point.

- `review_record` records one review (compliance: `complaints.add_reviewitem`).
- `review_import` reads a spreadsheet (XLSX or CSV), one row per opinion; rows sharing a reference are one review
  and must agree on its other columns. All or nothing: every bad row is named (ImportRefused) and nothing is
  recorded; a reference already in the register is refused, so a file imported twice adds nothing.
- `review_counts` gives a year's counts by kind, for the disclosure draft and the rating figures.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.tabular import ImportRefused, TableError, read_table

from ..models import Complaint, RootCause
from .models import ReviewItem, ReviewOpinion

PERMISSION = "complaints.add_reviewitem"
MAX_ROWS = 2000

# Header spellings accepted for each column (portal.tabular normalises case and full-width forms).
ALIASES = {
    "reference": "reference", "编号": "reference", "审查编号": "reference",
    "kind": "kind", "type": "kind", "类型": "kind", "审查类型": "kind",
    "item": "title", "title": "title", "item reviewed": "title", "审查事项": "title", "名称": "title",
    "requester": "requester", "requested by": "requester", "提出部门": "requester", "申请部门": "requester",
    "reviewer": "reviewer", "reviewed by": "reviewer", "审查人": "reviewer",
    "date": "reviewed_on", "reviewed on": "reviewed_on", "审查日期": "reviewed_on",
    "opinion": "opinion", "审查意见": "opinion",
    "adopted": "adopted", "是否采纳": "adopted", "采纳": "adopted",
    "complaints": "complaints", "关联投诉": "complaints",
    "root causes": "root_causes", "根因": "root_causes", "关联根因": "root_causes",
}  # fmt: skip
REQUIRED = ("reference", "kind", "title", "requester", "reviewer", "reviewed_on")
COLUMN_LABELS = {
    "reference": gettext_lazy("reference"),
    "kind": gettext_lazy("kind"),
    "title": gettext_lazy("item reviewed"),
    "requester": gettext_lazy("requested by"),
    "reviewer": gettext_lazy("reviewed by"),
    "reviewed_on": gettext_lazy("reviewed on"),
    "opinion": gettext_lazy("opinion"),
    "adopted": gettext_lazy("adopted"),
    "complaints": gettext_lazy("complaints that prompted it"),
    "root_causes": gettext_lazy("root causes that prompted it"),
}
KIND_WORDS = {
    "product": ReviewItem.Kind.PRODUCT, "产品": ReviewItem.Kind.PRODUCT,
    "marketing": ReviewItem.Kind.MARKETING, "marketing material": ReviewItem.Kind.MARKETING,
    "营销宣传": ReviewItem.Kind.MARKETING, "营销宣传材料": ReviewItem.Kind.MARKETING,
    "宣传材料": ReviewItem.Kind.MARKETING,
    "contract": ReviewItem.Kind.CONTRACT, "合同": ReviewItem.Kind.CONTRACT, "格式条款": ReviewItem.Kind.CONTRACT,
    "service_rule": ReviewItem.Kind.SERVICE_RULE, "service rule": ReviewItem.Kind.SERVICE_RULE,
    "服务规则": ReviewItem.Kind.SERVICE_RULE, "服务": ReviewItem.Kind.SERVICE_RULE,
    "other": ReviewItem.Kind.OTHER, "其他": ReviewItem.Kind.OTHER,
}  # fmt: skip
YES = {"yes", "y", "true", "1", "是", "采纳", "已采纳"}
NO = {"no", "n", "false", "0", "否", "未采纳", "不采纳"}
ITEM_COLUMNS = ("kind", "title", "requester", "reviewer", "reviewed_on")


@dataclass
class Problem:
    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        label = str(COLUMN_LABELS.get(self.column, self.column))
        return _("Row %(row)d, %(column)s: %(message)s") % {"row": self.row, "column": label, "message": self.message}


@dataclass
class PlannedReview:
    reference: str
    values: dict
    first_row: int
    opinions: list[tuple[str, bool]] = field(default_factory=list)
    complaints: set[int] = field(default_factory=set)
    root_causes: set[int] = field(default_factory=set)


def _check(actor) -> None:
    if actor is None or not actor.has_perm(PERMISSION):
        raise PermissionDenied(_("You do not have permission to do this."))


def split_list(text: str) -> list[str]:
    for separator in ("；", ";", "、", "，", "\n"):
        text = text.replace(separator, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


def _complaint_ids(numbers: list[str]) -> tuple[set[int], list[str]]:
    found = dict(Complaint.objects.filter(tracking_number__in=numbers).values_list("tracking_number", "pk"))
    return set(found.values()), [number for number in numbers if number not in found]


def _cause_ids(codes: list[str]) -> tuple[set[int], list[str]]:
    found = dict(RootCause.objects.filter(code__in=codes).values_list("code", "pk"))
    return set(found.values()), [code for code in codes if code not in found]


def _parse_row(row, problems: list[Problem]) -> dict | None:
    values = {key: (row.values.get(key) or "").strip() for key in ALIASES.values()}
    before = len(problems)
    for key in REQUIRED:
        if not values[key]:
            problems.append(Problem(row.number, key, _("This column is empty.")))
    kind = KIND_WORDS.get(values["kind"].lower()) if values["kind"] else None
    if values["kind"] and kind is None:
        problems.append(
            Problem(
                row.number,
                "kind",
                _("Not a kind of review: product, marketing material, contract, service rule or other."),
            )
        )
    try:
        reviewed_on = date.fromisoformat(values["reviewed_on"][:10]) if values["reviewed_on"] else None
    except ValueError:
        reviewed_on = None
        problems.append(Problem(row.number, "reviewed_on", _("Not a date (YYYY-MM-DD).")))
    adopted = None
    if values["opinion"]:
        word = values["adopted"].lower()
        adopted = True if word in YES else False if word in NO else None
        if adopted is None:
            problems.append(Problem(row.number, "adopted", _("Say whether the opinion was adopted: yes or no.")))
    elif values["adopted"]:
        problems.append(Problem(row.number, "opinion", _("An answer to “adopted” needs the opinion it is about.")))
    for key, limit in (("reference", 40), ("title", 200), ("requester", 100), ("reviewer", 100)):
        if len(values[key]) > limit:
            problems.append(Problem(row.number, key, _("At most %(count)d characters.") % {"count": limit}))
    if len(problems) > before:
        return None
    return {**values, "kind": kind, "reviewed_on": reviewed_on, "adopted": adopted}


def plan_review_import(data: bytes, name: str = "") -> list[PlannedReview]:
    """Read and check a whole file without writing anything; raises ImportRefused naming every problem."""
    try:
        table = read_table(data, name, ALIASES, REQUIRED, labels=COLUMN_LABELS, max_rows=MAX_ROWS)
    except TableError as error:
        raise ImportRefused([Problem(None, "", str(error))]) from None
    except Exception:
        raise ImportRefused([Problem(None, "", _("The file cannot be read as a table."))]) from None
    if not table:
        raise ImportRefused([Problem(None, "", _("The file has a header but no rows."))])
    problems: list[Problem] = []
    planned: dict[str, PlannedReview] = {}
    existing = set(
        ReviewItem.objects.filter(reference__in=[row.values.get("reference", "") for row in table]).values_list(
            "reference", flat=True
        )
    )
    for row in table:
        values = _parse_row(row, problems)
        if values is None:
            continue
        reference = values["reference"]
        if reference in existing:
            problems.append(Problem(row.number, "reference", _("This review is already in the register.")))
            continue
        review = planned.get(reference)
        if review is None:
            review = planned[reference] = PlannedReview(
                reference, {key: values[key] for key in ITEM_COLUMNS}, row.number
            )
        else:
            for key in ITEM_COLUMNS:
                if values[key] != review.values[key]:
                    problems.append(
                        Problem(
                            row.number,
                            key,
                            _("Differs from row %(row)d of the same review.") % {"row": review.first_row},
                        )
                    )
        if values["opinion"]:
            review.opinions.append((values["opinion"], values["adopted"]))
        ids, unknown = _complaint_ids(split_list(values["complaints"]))
        review.complaints |= ids
        if unknown:
            problems.append(
                Problem(row.number, "complaints", _("No complaint %(numbers)s.") % {"numbers": "、".join(unknown)})
            )
        ids, unknown = _cause_ids(split_list(values["root_causes"]))
        review.root_causes |= ids
        if unknown:
            problems.append(
                Problem(row.number, "root_causes", _("No root cause %(codes)s.") % {"codes": "、".join(unknown)})
            )
    if problems:
        raise ImportRefused(problems)
    return list(planned.values())


def _save(actor, reference: str, values: dict, opinions, complaints, root_causes) -> ReviewItem:
    item = ReviewItem(reference=reference, recorded_by=actor, **values)
    item.full_clean(exclude=["recorded_by"])
    item.save()
    ReviewOpinion.objects.bulk_create(
        [ReviewOpinion(item=item, text=text, adopted=adopted) for text, adopted in opinions]
    )
    item.complaints.set(complaints)
    item.root_causes.set(root_causes)
    return item


@transaction.atomic
def review_import(*, actor, data: bytes, name: str = "") -> list[ReviewItem]:
    """Import the reviews of a spreadsheet, all or none (module docstring)."""
    _check(actor)
    planned = plan_review_import(data, name)
    return [
        _save(actor, review.reference, review.values, review.opinions, review.complaints, review.root_causes)
        for review in planned
    ]


@transaction.atomic
def review_record(
    *,
    actor,
    reference: str,
    kind: str,
    title: str,
    requester: str,
    reviewer: str,
    reviewed_on: date,
    opinions=(),
    complaints=(),
    root_causes=(),
) -> ReviewItem:
    """Record one review with its opinions ((text, adopted) pairs) and the complaints (tracking numbers) and
    root causes (codes) that prompted it. A ValidationError names every bad field; nothing is half-recorded."""
    _check(actor)
    errors = {}
    if ReviewItem.objects.filter(reference=reference.strip()).exists():
        errors["reference"] = [_("This review is already in the register.")]
    complaint_ids, unknown = _complaint_ids(list(complaints))
    if unknown:
        errors["complaints"] = [_("No complaint %(numbers)s.") % {"numbers": "、".join(unknown)}]
    cause_ids, unknown = _cause_ids(list(root_causes))
    if unknown:
        errors["root_causes"] = [_("No root cause %(codes)s.") % {"codes": "、".join(unknown)}]
    if any(not text.strip() for text, _adopted in opinions):
        errors["opinions"] = [_("An opinion cannot be empty.")]
    if errors:
        raise ValidationError(errors)
    values = {"kind": kind, "title": title.strip(), "requester": requester.strip(), "reviewer": reviewer.strip()}
    return _save(
        actor,
        reference.strip(),
        {**values, "reviewed_on": reviewed_on},
        [(text.strip(), bool(adopted)) for text, adopted in opinions],
        complaint_ids,
        cause_ids,
    )


def review_counts(year: int) -> dict:
    """The year's reviews: the total, by kind (every kind, zero included) and the opinions given and adopted."""
    items = ReviewItem.objects.filter(reviewed_on__year=year)
    by_kind = dict(items.values_list("kind").annotate(n=Count("id")).order_by())
    opinions = ReviewOpinion.objects.filter(item__in=items)
    return {
        "total": sum(by_kind.values()),
        "by_kind": {kind.value: by_kind.get(kind.value, 0) for kind in ReviewItem.Kind},
        "opinions": opinions.count(),
        "adopted": opinions.filter(adopted=True).count(),
    }
