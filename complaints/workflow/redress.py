"""Redress: what a decision gives the complainant (`reliefs`, recorded with the decision) and the payments that
follow it (`complaint_record_payment`, a step of its own, since money is paid days or weeks after the letter).

The rule of which reliefs fit which outcome is data (`RELIEFS_BY_OUTCOME` in complaints/models/vocabulary.py):
upheld, in whole or in part, gives money or an action; not upheld is explained, and may still be followed by a
goodwill payment or an apology. A decision whose only relief is the explanation counts as "explanation only".
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import (
    MONETARY_RELIEFS,
    NON_MONETARY_RELIEFS,
    RELIEFS_BY_OUTCOME,
    Complaint,
    Outcome,
    Relief,
)
from .core import A, WorkflowError
from .transitions import _apply, _begin

# What complaints.services re-exports from this module.
__all__ = [
    "check_reliefs",
    "complaint_record_payment",
]

# The largest single payment recorded here (yuan); larger sums are a typing error or a matter for the courts.
MAX_PAYMENT = Decimal("10000000.00")


def _labels(codes) -> str:
    names = dict(Relief.choices)
    return "、".join(str(names[code]) for code in Relief.values if code in codes)


def check_reliefs(outcome: str, reliefs) -> list[str]:
    """The reliefs of a decision with `outcome`, in the list's order; refused with the reason when missing, unknown
    or not fitting the outcome."""
    chosen = {str(code) for code in (reliefs or [])}
    if not chosen:
        raise WorkflowError(_("Record what the complainant gets from the decision (redress)."), code="reliefs")
    unknown = chosen - set(Relief.values)
    if unknown:
        raise WorkflowError(_("Choose the redress from the list."), code="reliefs")
    allowed = RELIEFS_BY_OUTCOME.get(outcome, frozenset())
    misfits = chosen - allowed
    if misfits:
        raise WorkflowError(
            _("“%(reliefs)s” does not fit the outcome “%(outcome)s”.")
            % {"reliefs": _labels(misfits), "outcome": Outcome(outcome).label},
            code="reliefs",
        )
    if outcome in (Outcome.UPHELD, Outcome.PARTLY_UPHELD) and not chosen & (MONETARY_RELIEFS | NON_MONETARY_RELIEFS):
        raise WorkflowError(
            _("A complaint upheld in whole or in part gives the complainant money or an action."), code="reliefs"
        )
    if outcome == Outcome.NOT_UPHELD and Relief.EXPLANATION not in chosen:
        raise WorkflowError(_("A complaint not upheld is explained to the complainant."), code="reliefs")
    return [code for code in Relief.values if code in chosen]


def parse_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        raise WorkflowError(_("Write the amount in yuan, e.g. 1250.50."), code="amount") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_PAYMENT or amount != amount.quantize(Decimal("0.01")):
        raise WorkflowError(
            _("The amount must be more than 0 and at most %(max)s yuan, to the fen.") % {"max": f"{MAX_PAYMENT:,.0f}"},
            code="amount",
        )
    return amount


@transaction.atomic
def complaint_record_payment(
    *, complaint: Complaint, actor, amount, paid_on: date | None = None, note: str = ""
) -> Complaint:
    """A payment to the complainant under a decision that gives money (a refund, a claim, compensation, goodwill):
    the amount in yuan and the day paid; each payment an event, the complaint keeping their total."""
    current = _begin(complaint, A.PAYMENT, actor=actor)
    if not set(current.reliefs or []) & MONETARY_RELIEFS:
        raise WorkflowError(_("The decision gives the complainant no money to pay."), code="not_monetary")
    amount = parse_amount(amount)
    paid_on = paid_on or timezone.localdate()
    decided_on = timezone.localdate(current.decided_at) if current.decided_at else None
    if paid_on > timezone.localdate():
        raise WorkflowError(_("The day paid cannot be in the future."), code="future")
    if decided_on and paid_on < decided_on:
        raise WorkflowError(_("The day paid cannot be before the decision."), code="before_decision")
    total = (current.redress_paid or Decimal("0")) + amount
    last = max(filter(None, [current.redress_paid_on, paid_on]))
    return _apply(
        current,
        A.PAYMENT,
        actor=actor,
        note=note,
        happened_on=paid_on,
        data={"amount": f"{amount:.2f}", "paid_on": paid_on.isoformat()},
        fields={"redress_paid": total, "redress_paid_on": last},
    )
