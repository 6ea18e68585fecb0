"""Systemic issues (系统性问题) and what was done about each early warning.

The rules:
- Every early warning gets a disposition: looked into (a note may say what was found), dismissed (a reason is
  required) or issue opened (the warning's complaints are linked to the new issue, or to an open one named).
  A disposition may be changed later by the same rules; every change is in the audit trail (SystemicEvent).
- An issue links many complaints, owns remediation items (RemediationItem.issue) and keeps the customers hit by
  the same cause who did not complain (entered one by one or imported from a spreadsheet, all or nothing), each
  with a remedy status: pending, settled, not reachable, declined.
- An issue closes when every affected customer is settled and every remediation item is done or dropped. With a
  customer not settled (not reachable, declined, still pending) it closes only with a reason given by one member
  of compliance and confirmed by a second (the four-eyes rule of rule versions and rating weights): a customer
  left without a remedy is a decision two people take, never one. Open items always block closing.
- Only compliance officers and senior managers (complaints.manage_systemic_issue) open and close issues and
  dispose of warnings; the same people add affected customers and items. Every write checks its actor.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.phones import normalize_phone
from portal.tabular import ImportRefused

from .. import people
from ..identity import policy_key
from ..models import AffectedCustomer, Complaint, RemediationItem, SystemicEvent, SystemicIssue, WarningDisposition
from .models import warning_key
from .remediation import validate_ending, validate_item
from .sellers import Problem, read_rows

PERMISSION = "complaints.manage_systemic_issue"
Outcome = WarningDisposition.Outcome
Remedy = AffectedCustomer.Remedy


def _check(actor) -> None:
    if actor is None or not actor.is_active or not actor.has_perm(PERMISSION):
        raise PermissionDenied(_("You do not have permission to do this."))


def _audit(actor, action: str, *, issue=None, warning: str = "", note: str = "", **data) -> SystemicEvent:
    return SystemicEvent.objects.create(
        actor=actor, issue=issue, warning_key=warning, action=action, note=note, data=data
    )


def _open_issue(issue: SystemicIssue) -> SystemicIssue:
    issue = SystemicIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.status != SystemicIssue.Status.OPEN:
        raise ValidationError(_("This issue is closed."), code="closed")
    return issue


def _next_reference(today: date) -> str:
    prefix = f"SI-{today.year}-"
    taken = SystemicIssue.objects.select_for_update().filter(reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


# Issues.


@transaction.atomic
def issue_open(*, actor, title: str, description: str, complaints=(), root_cause=None) -> SystemicIssue:
    """Open an issue linking `complaints` (Complaint rows or ids)."""
    _check(actor)
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the issue a title.")]
    if not (description or "").strip():
        errors["description"] = [_("Say what is wrong and why.")]
    if errors:
        raise ValidationError(errors)
    issue = SystemicIssue.objects.create(
        reference=_next_reference(timezone.localdate()),
        title=title.strip()[:200],
        description=description.strip(),
        root_cause=root_cause,
        opened_by=actor,
    )
    ids = [getattr(complaint, "pk", complaint) for complaint in complaints]
    issue.complaints.set(Complaint.objects.filter(pk__in=ids))
    _audit(actor, "open", issue=issue, note=issue.title, complaints=sorted(ids))
    return issue


@transaction.atomic
def issue_link(*, issue: SystemicIssue, actor, tracking_numbers) -> list[str]:
    """Link more complaints by tracking number; an unknown number is refused with the others."""
    _check(actor)
    issue = _open_issue(issue)
    numbers = [number.strip().upper() for number in tracking_numbers if number.strip()]
    found = dict(Complaint.objects.filter(tracking_number__in=numbers).values_list("tracking_number", "pk"))
    unknown = [number for number in numbers if number not in found]
    if unknown:
        raise ValidationError(
            {"complaints": [_("No complaint %(numbers)s.") % {"numbers": "、".join(unknown)}]}, code="unknown"
        )
    issue.complaints.add(*found.values())
    _audit(actor, "link", issue=issue, complaints=sorted(found))
    return sorted(found)


def closing_blockers(issue: SystemicIssue) -> dict:
    """What keeps an issue open: affected customers not settled and remediation items still open."""
    return {
        "unsettled": issue.affected.exclude(remedy=Remedy.SETTLED).count(),
        "open_items": issue.remediation_items.filter(status=RemediationItem.Status.OPEN).count(),
    }


@transaction.atomic
def issue_close(*, issue: SystemicIssue, actor, note: str = "", reason: str = "") -> SystemicIssue:
    """Close the issue (module docstring). With every customer settled and every item ended, it closes. With a
    customer not settled, the first call with a `reason` asks for closing; a second member of compliance
    confirms by calling again (the reason stays the first one's). Returns the issue, closed or not."""
    _check(actor)
    issue = _open_issue(issue)
    blockers = closing_blockers(issue)
    if blockers["open_items"]:
        raise ValidationError(
            _("%(count)d remediation items are still open: finish or drop them first.")
            % {"count": blockers["open_items"]},
            code="open_items",
        )
    now = timezone.now()
    if blockers["unsettled"]:
        if issue.close_requested_by_id is None:
            if not (reason or "").strip():
                raise ValidationError(
                    _(
                        "%(count)d affected customers are not settled. Settle them, or give the reason for "
                        "closing without it; a second colleague must then confirm."
                    )
                    % {"count": blockers["unsettled"]},
                    code="unsettled",
                )
            issue.close_reason, issue.close_requested_by = reason.strip(), actor
            issue.save(update_fields=["close_reason", "close_requested_by"])
            _audit(actor, "close_requested", issue=issue, note=issue.close_reason, unsettled=blockers["unsettled"])
            return issue
        if issue.close_requested_by_id == actor.pk:
            raise ValidationError(
                _("Closing with customers not settled must be confirmed by a second colleague."), code="four_eyes"
            )
    issue.status, issue.closed_by, issue.closed_at = SystemicIssue.Status.CLOSED, actor, now
    issue.closing_note = (note or "").strip()
    issue.save(update_fields=["status", "closed_by", "closed_at", "closing_note"])
    _audit(actor, "close", issue=issue, note=issue.closing_note, unsettled=blockers["unsettled"])
    return issue


# Affected customers.


def _clean_customer(name, phone, policy_number, remedy, amount) -> tuple[dict, dict]:
    errors, values = {}, {}
    values["name"] = (name or "").strip()
    if not values["name"]:
        errors["name"] = _("This column is empty.")
    elif len(values["name"]) > 100:
        errors["name"] = _("At most %(count)d characters.") % {"count": 100}
    values["policy_number"] = policy_key(policy_number)
    if not values["policy_number"]:
        errors["policy_number"] = _("This column is empty.")
    elif len(values["policy_number"]) > 40:
        errors["policy_number"] = _("At most %(count)d characters.") % {"count": 40}
    values["phone"] = ""
    if (phone or "").strip():
        try:
            values["phone"] = normalize_phone(phone)
        except ValidationError as error:
            errors["phone"] = error.messages[0]
    values["remedy"] = remedy or Remedy.PENDING
    if values["remedy"] not in Remedy.values:
        errors["remedy"] = _("Not a remedy status: pending, settled, not reachable or declined.")
    values["amount"] = None
    if amount not in (None, ""):
        try:
            values["amount"] = Decimal(str(amount).replace(",", "").replace("¥", "").strip())
            if values["amount"] < 0 or values["amount"] >= Decimal("1e12"):
                raise InvalidOperation
            values["amount"] = values["amount"].quantize(Decimal("0.01"))
        except InvalidOperation:
            errors["amount"] = _("Not an amount in yuan.")
    return values, errors


@transaction.atomic
def affected_add(
    *, issue: SystemicIssue, actor, name: str, policy_number: str, phone: str = "", remedy: str = "", amount=None
) -> AffectedCustomer:
    _check(actor)
    issue = _open_issue(issue)
    values, errors = _clean_customer(name, phone, policy_number, remedy, amount)
    if not errors and issue.affected.filter(policy_number=values["policy_number"]).exists():
        errors["policy_number"] = _("This policy is already on the issue's list.")
    if errors:
        raise ValidationError({key: [message] for key, message in errors.items()})
    customer = AffectedCustomer.objects.create(issue=issue, **values)
    _audit(actor, "customer_add", issue=issue, customer=customer.pk, remedy=customer.remedy)
    return customer


@transaction.atomic
def affected_update(*, customer: AffectedCustomer, actor, remedy: str, amount=None, note: str = "") -> AffectedCustomer:
    """Record where a customer's remedy stands (and the amount paid or offered)."""
    _check(actor)
    _open_issue(customer.issue)
    customer = AffectedCustomer.objects.select_for_update().get(pk=customer.pk)
    values, errors = _clean_customer(customer.name, "", customer.policy_number, remedy, amount)
    errors.pop("phone", None)
    if remedy == Remedy.SETTLED and values["amount"] is None and customer.amount is None:
        errors["amount"] = _("Give the amount the customer was paid (0 when the remedy was not money).")
    if errors:
        raise ValidationError({key: [message] for key, message in errors.items()})
    customer.remedy = values["remedy"]
    if values["amount"] is not None:
        customer.amount = values["amount"]
    customer.note = (note or "").strip()[:300] or customer.note
    customer.save()
    _audit(
        actor,
        "customer_update",
        issue=customer.issue,
        customer=customer.pk,
        remedy=customer.remedy,
        amount=str(customer.amount) if customer.amount is not None else None,
    )
    return customer


CUSTOMER_ALIASES = {
    "name": "name", "姓名": "name", "客户姓名": "name",
    "phone": "phone", "电话": "phone", "手机": "phone", "联系电话": "phone",
    "policy": "policy_number", "policy number": "policy_number", "保单号": "policy_number", "保单号码": "policy_number",
    "remedy": "remedy", "remedy status": "remedy", "status": "remedy", "状态": "remedy", "补救状态": "remedy",
    "amount": "amount", "金额": "amount", "补偿金额": "amount",
}  # fmt: skip
CUSTOMER_LABELS = {
    "name": gettext_lazy("name"),
    "phone": gettext_lazy("phone"),
    "policy_number": gettext_lazy("policy number"),
    "remedy": gettext_lazy("remedy status"),
    "amount": gettext_lazy("amount (yuan)"),
}
REMEDY_WORDS = {
    "": Remedy.PENDING, "pending": Remedy.PENDING, "待处理": Remedy.PENDING, "未处理": Remedy.PENDING,
    "settled": Remedy.SETTLED, "已解决": Remedy.SETTLED, "已补偿": Remedy.SETTLED, "已办结": Remedy.SETTLED,
    "not reachable": Remedy.NOT_REACHABLE, "not_reachable": Remedy.NOT_REACHABLE, "联系不上": Remedy.NOT_REACHABLE,
    "无法联系": Remedy.NOT_REACHABLE,
    "declined": Remedy.DECLINED, "拒绝": Remedy.DECLINED, "客户拒绝": Remedy.DECLINED,
}  # fmt: skip


@transaction.atomic
def affected_import(*, issue: SystemicIssue, actor, data: bytes, name: str = "") -> list[AffectedCustomer]:
    """Add the customers of a spreadsheet to the issue, all or none; every bad row is named (ImportRefused)."""
    _check(actor)
    issue = _open_issue(issue)
    table = read_rows(data, name, CUSTOMER_ALIASES, ("name", "policy_number"), CUSTOMER_LABELS)
    existing = set(issue.affected.values_list("policy_number", flat=True))
    problems, planned, seen = [], [], {}
    for row in table:
        cells = {key: (row.values.get(key) or "").strip() for key in CUSTOMER_LABELS}
        remedy = REMEDY_WORDS.get(cells["remedy"].lower(), "?")
        values, errors = _clean_customer(cells["name"], cells["phone"], cells["policy_number"], remedy, cells["amount"])
        if remedy == "?":
            errors["remedy"] = _("Not a remedy status: pending, settled, not reachable or declined.")
        policy = values["policy_number"]
        if policy and "policy_number" not in errors:
            if policy in existing:
                errors["policy_number"] = _("This policy is already on the issue's list.")
            elif policy in seen:
                errors["policy_number"] = _("The same policy as row %(row)d.") % {"row": seen[policy]}
            seen.setdefault(policy, row.number)
        problems += [Problem(row.number, column, message, CUSTOMER_LABELS) for column, message in errors.items()]
        if not errors:
            planned.append(AffectedCustomer(issue=issue, **values))
    if problems:
        raise ImportRefused(problems)
    created = AffectedCustomer.objects.bulk_create(planned)
    _audit(actor, "customer_import", issue=issue, rows=len(created), file=name[:100])
    return created


# Remediation items of an issue (the fields' rules are those of a complaint's items).


@transaction.atomic
def issue_item_add(*, issue: SystemicIssue, actor, action: str, owner, due_date: date) -> RemediationItem:
    _check(actor)
    issue = _open_issue(issue)
    action = (action or "").strip()
    validate_item(action=action, owner=owner, due_date=due_date)
    item = RemediationItem.objects.create(issue=issue, action=action, owner=owner, due_date=due_date)
    _audit(actor, "item_add", issue=issue, note=action, item=item.pk, owner=owner.get_username())
    return item


@transaction.atomic
def issue_item_update(*, item: RemediationItem, actor, status: str, closing_note: str = "") -> RemediationItem:
    _check(actor)
    item = RemediationItem.objects.select_for_update().get(pk=item.pk)
    if item.issue_id is None:
        raise ValidationError(_("This item belongs to a complaint."), code="not_issue")
    if item.status != RemediationItem.Status.OPEN:
        raise ValidationError(_("This item is closed; add a new item instead."), code="closed")
    validate_ending(status=status, closing_note=closing_note)
    if status == RemediationItem.Status.OPEN:
        return item
    item.status, item.closing_note, item.closed_at = status, closing_note.strip(), timezone.now()
    item.save()
    _audit(actor, "item_update", issue=item.issue, note=item.closing_note, item=item.pk, status=status)
    return item


# Dispositions of early warnings.


@transaction.atomic
def warning_dispose(
    *, warning, actor, outcome: str, reason: str = "", issue: SystemicIssue | None = None, title: str = ""
) -> WarningDisposition:
    """Record what was done about `warning` (a computed Warning or a stored OversightWarning). For "issue opened"
    without an `issue`, a new issue titled `title` (or the warning's description) is opened with the warning's
    complaints; with an open `issue`, the complaints are linked to it."""
    _check(actor)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("Choose what was done about the warning.")]})
    reason = (reason or "").strip()
    if outcome == Outcome.DISMISSED and not reason:
        raise ValidationError({"reason": [_("Say why the warning is dismissed.")]})
    from .alerts import dimension_label, value_label

    key = warning_key(warning)
    complaint_ids = list(getattr(warning, "complaint_ids", []) or [])
    if outcome == Outcome.ISSUE_OPENED:
        if issue is None:
            title = (
                title or ""
            ).strip() or f"{dimension_label(warning.dimension)} {value_label(warning.dimension, warning.value)}"
            issue = issue_open(
                actor=actor,
                title=title,
                description=reason or _("Opened from the early warning %(key)s.") % {"key": key},
                complaints=complaint_ids,
            )
        else:
            issue = _open_issue(issue)
            issue.complaints.add(*Complaint.objects.filter(pk__in=complaint_ids))
    else:
        issue = None
    disposition, created = WarningDisposition.objects.update_or_create(
        key=key,
        defaults={
            "as_of": date.fromisoformat(str(warning.end)),
            "outcome": outcome,
            "reason": reason,
            "issue": issue,
            "decided_by": actor,
        },
    )
    _audit(
        actor,
        "dispose" if created else "dispose_again",
        issue=issue,
        warning=key,
        note=reason,
        outcome=outcome,
    )
    return disposition


def dispositions_for(keys) -> dict[str, WarningDisposition]:
    return {
        row.key: row
        for row in WarningDisposition.objects.filter(key__in=list(keys)).select_related("issue", "decided_by")
    }


def disposition_json(row: WarningDisposition | None) -> dict | None:
    if row is None:
        return None
    return {
        "outcome": row.outcome,
        "reason": row.reason,
        "issue": row.issue.reference if row.issue_id else None,
        "decided_at": timezone.localtime(row.decided_at).isoformat(timespec="seconds"),
    }


def attach_dispositions(rows: list[dict]) -> list[dict]:
    """`complaint_alerts --format json`: each warning's `disposition` (null when none), by its `key`."""
    found = dispositions_for(row["key"] for row in rows if row.get("key"))
    for row in rows:
        row["disposition"] = disposition_json(found.get(row.get("key")))
    return rows


# Figures (the workbook and the oversight page).


def issue_figures(start: date, end: date) -> dict:
    """Issues opened in [start, end] (and how many of them are closed, how many complaints they link), the issues
    still open today, the affected customers of the period's issues by remedy status with the amount settled,
    and the period's warning dispositions by outcome: three queries whatever the numbers."""
    in_period = Q(opened_at__date__gte=start, opened_at__date__lte=end)
    issues = SystemicIssue.objects.aggregate(
        opened=Count("id", filter=in_period, distinct=True),
        closed=Count("id", filter=in_period & Q(status=SystemicIssue.Status.CLOSED), distinct=True),
        still_open=Count("id", filter=Q(status=SystemicIssue.Status.OPEN), distinct=True),
        complaints_linked=Count("complaints", filter=in_period, distinct=True),
    )
    customers = AffectedCustomer.objects.filter(
        issue__opened_at__date__gte=start, issue__opened_at__date__lte=end
    ).aggregate(
        amount=Sum("amount", filter=Q(remedy=Remedy.SETTLED)),
        **{value: Count("id", filter=Q(remedy=value)) for value in Remedy.values},
    )
    amount = customers.pop("amount") or Decimal(0)
    dispositions = (
        WarningDisposition.objects.filter(as_of__gte=start, as_of__lte=end)
        .order_by()
        .values_list("outcome")
        .annotate(n=Count("id"))
    )
    return {
        **issues,
        "affected_customers": customers,
        "amount_settled": str(amount.quantize(Decimal("0.01"))),
        "dispositions": {outcome: dict(dispositions).get(outcome, 0) for outcome in Outcome.values},
    }


def owners():
    return people.remediation_owners()


def workbook_sheets(report: dict) -> list:
    """The filing workbook's (workbook.report_xlsx) sheets of complaints per agent and partner and of the
    period's systemic issues."""
    if "sellers" not in report:
        return []
    heading = ["代码", "名称", "投诉件数", "其中销售类", "其中支持或部分支持"]
    keys = ("code", "name", "complaints", "sales", "upheld")
    rows = [heading]
    for title, key in (("营销员", "agents"), ("中介机构及银行网点", "partners")):
        rows += [[title, "", "", "", ""]] + [[row[k] for k in keys] for row in report["sellers"][key]]
    issues = report["systemic_issues"]
    remedies = {"pending": "待处理", "settled": "已解决", "not_reachable": "无法联系", "declined": "客户拒绝"}
    issue_rows = [
        ["项目", "数值"],
        ["本期新立系统性问题", issues["opened"]],
        ["其中已关闭", issues["closed"]],
        ["目前未关闭", issues["still_open"]],
        ["关联投诉件数", issues["complaints_linked"]],
        *[[f"受影响客户：{label}", issues["affected_customers"][code]] for code, label in remedies.items()],
        ["已补偿金额（元）", Decimal(issues["amount_settled"])],
    ]
    return [("营销员及合作机构", rows), ("系统性问题", issue_rows)]
