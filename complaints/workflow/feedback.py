"""Asking the complainant afterwards (回访, satisfaction): the invitation, the answer on the public page, a score
taken on the telephone by staff, and the supervisors' alert on a low score.

- The day after a decision reached the complainant (`decision_delivered_on`), the periodic job
  `feedback_invitations_send` texts them one link, `/complaints/feedback/<token>/` (under `/en/` for those who
  complained in English), valid for `FEEDBACK_VALID_DAYS` (60) days. Decisions delivered more than
  `INVITE_WITHIN_DAYS` ago are not asked any more (a job that stood still for a week, or the first run after
  this was installed, does not text people about old cases). A complaint is asked once; a review is a complaint
  of its own and is asked about its own decision.
- The answer is a score from 1 to 5 and an optional comment, given once. Staff may record a score given on the
  telephone instead, while none was given (`complaint_record_feedback`, the handler's permission).
- A score of `LOW_SCORE` (2) or less alerts the supervisors (inbox and email). The page that takes it then offers
  the complainant a review while the 30 days for asking are open and none was asked for, otherwise mediation and
  the regulator's hotline (`feedback_next_steps`).
"""

import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from portal import roles
from portal.messaging.alerts import absolute, staff_alert, users_in_group
from portal.messaging.models import MessageChannel
from portal.messaging.outbox import message_queue

from ..models import (
    FEEDBACK_VALID_DAYS,
    LOW_SCORE,
    Complaint,
    Feedback,
    FeedbackChannel,
    Status,
)
from ..review import review_window_ends
from .core import A, WorkflowError, _locked, _staff_actor, record_event
from .transitions import _begin

# What complaints.services re-exports from this module.
__all__ = [
    "complaint_record_feedback",
    "feedback_answer",
    "feedback_answer_signed_in",
    "feedback_for_token",
    "feedback_invitations_send",
    "feedback_invite",
    "feedback_next_steps",
    "feedback_open",
    "feedback_window_ends",
]

INVITE_WITHIN_DAYS = 7
COMMENT_MAX_LENGTH = 1000
SCORES = (1, 2, 3, 4, 5)


def _token_hash(token: str) -> str:
    """A keyed hash of a link's token: the table holds these only, so a copy of it opens no link."""
    return hmac.new(settings.SECRET_KEY.encode(), token.encode(), hashlib.sha256).hexdigest()


def feedback_link(token: str, language: str) -> str:
    with translation.override(language):
        return absolute(reverse("complaints:feedback", args=[token]))


def _check_score(score, comment: str) -> tuple[int, str]:
    if score not in SCORES:
        raise WorkflowError(_("Choose a score from 1 to 5."), code="score")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise WorkflowError(
            _("Keep the comment to %(limit)s characters.") % {"limit": COMMENT_MAX_LENGTH}, code="comment"
        )
    return score, comment


def invitable(today: date):
    """The complaints to ask today: decided (or closed) with the decision received since INVITE_WITHIN_DAYS
    days and before today, a phone to text, and not asked yet."""
    return Complaint.objects.filter(
        status__in=[Status.DECIDED, Status.CLOSED],
        decided_at__isnull=False,
        decision_delivered_on__lt=today,
        decision_delivered_on__gte=today - timedelta(days=INVITE_WITHIN_DAYS),
        feedback__isnull=True,
    ).exclude(phone="")


@transaction.atomic
def feedback_invite(*, complaint: Complaint, now: datetime | None = None) -> str | None:
    """Text the complainant the link (the system's step; idempotent: None when they were asked already)."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(24)
    valid_until = timezone.localdate(now) + timedelta(days=FEEDBACK_VALID_DAYS)
    try:
        with transaction.atomic():
            Feedback.objects.create(
                complaint=complaint,
                channel=FeedbackChannel.LINK,
                token_hash=_token_hash(token),
                invited_at=now,
                valid_until=valid_until,
            )
    except IntegrityError:
        return None  # asked already (another run of the job got there first)
    with translation.override(complaint.language):
        params = {
            "number": complaint.tracking_number,
            "until": formats.date_format(valid_until, "DATE_FORMAT"),
            "link": feedback_link(token, complaint.language),
        }
    message_queue(
        channel=MessageChannel.SMS,
        recipient=complaint.phone,
        language=complaint.language,
        template="complaint.feedback",
        params=params,
        about=complaint,
        reference=complaint.tracking_number,
    )
    return token


def feedback_invitations_send(*, now: datetime | None = None) -> int:
    """The periodic job: ask every complaint `invitable` today. Returns how many were asked."""
    now = now or timezone.now()
    asked = 0
    for complaint in invitable(timezone.localdate(now)).order_by("pk").iterator():
        asked += feedback_invite(complaint=complaint, now=now) is not None
    return asked


def feedback_for_token(token: str) -> Feedback | None:
    if not token or len(token) > 64:
        return None
    return Feedback.objects.select_related("complaint").filter(token_hash=_token_hash(token)).first()


def link_expired(feedback: Feedback, today: date | None = None) -> bool:
    return feedback.valid_until is not None and (today or timezone.localdate()) > feedback.valid_until


def _record(feedback: Feedback, *, score: int, comment: str, actor, channel: str) -> Feedback:
    complaint = _locked(feedback.complaint)
    feedback.score, feedback.comment, feedback.answered_at = score, comment, timezone.now()
    feedback.channel = channel
    feedback.recorded_by = actor
    feedback.save(update_fields=["score", "comment", "answered_at", "channel", "recorded_by"])
    record_event(complaint, A.FEEDBACK, actor=actor, data={"score": score, "asked": channel})
    if score <= LOW_SCORE:
        staff_alert(
            users=users_in_group(roles.SUPERVISOR),
            template="low_score",
            params={"number": complaint.tracking_number, "score": score},
            key=f"low-score:{feedback.pk}",
            reference=complaint.tracking_number,
            url=reverse("admin:complaints_complaint_change", args=[complaint.pk]),
        )
    return feedback


@transaction.atomic
def feedback_answer(*, token: str, score, comment: str = "") -> Feedback:
    """The complainant's answer through the link: once, while the link is valid."""
    feedback = feedback_for_token(token)
    if feedback is None:
        raise WorkflowError(_("This link is not known. Check that it was copied whole."), code="unknown")
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.answered:
        raise WorkflowError(_("Thank you: your answer was already recorded."), code="answered")
    if link_expired(feedback):
        raise WorkflowError(_("This link has expired."), code="expired")
    score, comment = _check_score(score, comment)
    return _record(feedback, score=score, comment=comment, actor=None, channel=FeedbackChannel.LINK)


@transaction.atomic
def complaint_record_feedback(*, complaint: Complaint, actor, score, comment: str = "") -> Feedback:
    """A score the complainant gave on the telephone (回访 by staff), recorded by someone who may handle the
    complaint; not when they answered already (by the link or on an earlier call)."""
    _staff_actor(actor)
    _begin(complaint, A.FEEDBACK, actor=actor)
    score, comment = _check_score(score, comment)
    feedback = Feedback.objects.select_for_update().filter(complaint=complaint).first()
    if feedback is None:
        feedback = Feedback.objects.create(
            complaint=complaint, channel=FeedbackChannel.PHONE, invited_at=timezone.now()
        )
    elif feedback.answered:
        raise WorkflowError(_("The complainant's satisfaction was already recorded."), code="answered")
    return _record(feedback, score=score, comment=comment, actor=actor, channel=FeedbackChannel.PHONE)


def feedback_window_ends(complaint: Complaint) -> date | None:
    """The last day the complainant may rate a decision: FEEDBACK_VALID_DAYS after it reached them, or after the
    link was texted when that was later; None before a decision."""
    if complaint.status not in (Status.DECIDED, Status.CLOSED) or complaint.decided_at is None:
        return None
    delivered = complaint.decision_delivered_on or timezone.localdate(complaint.decided_at)
    ends = delivered + timedelta(days=FEEDBACK_VALID_DAYS)
    invited = Feedback.objects.filter(complaint=complaint).values_list("valid_until", flat=True).first()
    return max(ends, invited) if invited else ends


def feedback_open(complaint: Complaint, today: date | None = None) -> bool:
    """Whether the complainant may still rate the handling (signed in to their account): a decision, within its
    window, not answered yet by any way."""
    ends = feedback_window_ends(complaint)
    if ends is None or (today or timezone.localdate()) > ends:
        return False
    return not Feedback.objects.filter(complaint=complaint, score__isnull=False).exists()


@transaction.atomic
def feedback_answer_signed_in(*, complaint: Complaint, score, comment: str = "") -> Feedback:
    """The complainant's answer from their account (signed in by a code sent to the complaint's phone): the same
    answer as through the link, once, within the window."""
    _locked(complaint)
    if not feedback_open(complaint):
        answered = Feedback.objects.filter(complaint=complaint, score__isnull=False).exists()
        if answered:
            raise WorkflowError(_("Thank you: your answer was already recorded."), code="answered")
        raise WorkflowError(_("This complaint can no longer be rated."), code="closed")
    score, comment = _check_score(score, comment)
    feedback = Feedback.objects.select_for_update().filter(complaint=complaint).first()
    if feedback is None:
        feedback = Feedback.objects.create(
            complaint=complaint, channel=FeedbackChannel.ACCOUNT, invited_at=timezone.now()
        )
    return _record(feedback, score=score, comment=comment, actor=None, channel=FeedbackChannel.ACCOUNT)


def feedback_next_steps(complaint: Complaint, today: date | None = None) -> dict:
    """What the page offers after a low score: a review while the window is open (and none was asked for and
    this is not itself a review), otherwise mediation and the regulator's hotline."""
    today = today or timezone.localdate()
    ends = review_window_ends(complaint)
    review_open = (
        complaint.review_of_id is None
        and ends is not None
        and today <= ends
        and not complaint.reviews.exists()
        and complaint.status in (Status.DECIDED, Status.CLOSED)
    )
    return {"review": review_open, "review_until": ends if review_open else None}
