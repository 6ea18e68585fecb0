"""The intake rules of a complaint's source: what a complaint forwarded by the regulator or transferred by the
national complaint platform must carry (its reference; a reply date not before receipt), one platform case per
complaint, and the reply date the forwarding body set."""

from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.actors import is_system_actor

from ..deadlines import PLATFORM_DEFAULT_DAYS
from ..models import Complaint, RuleVersion, Source
from .core import WorkflowError, _aware

# What complaints.services re-exports from this module.
__all__ = ["validate_intake"]


def validate_intake(
    *,
    received_at: datetime | date,
    source: str,
    regulator_ref: str = "",
    regulator_deadline: date | None = None,
    platform_ref: str = "",
    platform_deadline: date | None = None,
) -> dict[str, WorkflowError]:
    """The checks of a complaint coming in, whichever way it comes (registered by staff, taken at a visit,
    imported): each refused field with the reason. A complaint forwarded by the regulator carries its
    reference, and the regulator's deadline (kept for those only) is not before the day of receipt.
    complaint_register raises the first; the importer names them all by row and column."""
    problems = {}
    if source == Source.REGULATOR and not (regulator_ref or "").strip():
        problems["regulator_ref"] = WorkflowError(
            _("Give the regulator's reference for a forwarded complaint."), code="regulator_ref"
        )
    if (
        source == Source.REGULATOR
        and regulator_deadline is not None
        and regulator_deadline < timezone.localdate(_aware(received_at))
    ):
        problems["regulator_deadline"] = WorkflowError(
            _("The regulator's deadline cannot be before the day the complaint was received."),
            code="regulator_deadline",
        )
    problems |= validate_platform_intake(
        received_at=received_at, source=source, platform_ref=platform_ref, platform_deadline=platform_deadline
    )
    return problems


def validate_platform_intake(
    *, received_at: datetime | date, source: str, platform_ref: str = "", platform_deadline: date | None = None
) -> dict[str, WorkflowError]:
    """A case transferred by the national complaint platform carries the platform's reference, and the
    platform's reply date (where it sets one) is not before the day of receipt."""
    problems = {}
    if source != Source.PLATFORM:
        return problems
    if not (platform_ref or "").strip():
        problems["platform_ref"] = WorkflowError(
            _("Give the platform's reference for a case it transferred."), code="platform_ref"
        )
    if platform_deadline is not None and platform_deadline < timezone.localdate(_aware(received_at)):
        problems["platform_deadline"] = WorkflowError(
            _("The platform's reply date cannot be before the day the complaint was received."),
            code="platform_deadline",
        )
    return problems


def platform_ref_taken(platform_ref: str, actor) -> WorkflowError | None:
    """The refusal of a platform reference already registered (one complaint per platform case): naming that
    complaint to whoever may open it, and nothing of it to anyone else (a reference must not reveal whose case
    a colleague handles)."""
    existing = Complaint.objects.filter(platform_ref=(platform_ref or "").strip()).exclude(platform_ref="").first()
    if existing is None:
        return None
    visible = actor is not None and (
        is_system_actor(actor) or Complaint.objects.visible_to(actor).filter(pk=existing.pk).exists()
    )
    if visible:
        return WorkflowError(
            _("The platform's reference %(ref)s is already registered as complaint %(number)s."),
            code="platform_ref_taken",
            params={"ref": existing.platform_ref, "number": existing.tracking_number},
        )
    return WorkflowError(
        _("The platform's reference %(ref)s is already registered, on a complaint you cannot open: ask a supervisor."),
        code="platform_ref_taken",
        params={"ref": existing.platform_ref},
    )


def forwarded_reply_date(*, source: str, received_at: datetime | date, given: date | None) -> date | None:
    """The reply date the forwarding body set, as kept in `regulator_deadline`: the regulator's as given; the
    platform's as given, or where the platform sets none its default limit (the rule version in force on the
    day of receipt, RuleVersion.platform_default_days, counted like the regulation's days from the day after
    receipt; PLATFORM_DEFAULT_DAYS before the first version). Nothing for a complaint received directly."""
    if source == Source.REGULATOR:
        return given
    if source != Source.PLATFORM:
        return None
    if given is not None:
        return given
    received = timezone.localdate(_aware(received_at))
    version = RuleVersion.objects.in_force(received)
    days = version.platform_default_days if version is not None else PLATFORM_DEFAULT_DAYS
    return received + timedelta(days=days)
