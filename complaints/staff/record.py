"""What a complaint's record page (the admin's change page) shows beside its fields: the timeline, the days
left, the messages, the attachments, the steps this user may take, the extension requests and possible repeats,
and for a review the complaint whose decision it re-examines."""

from portal.messaging.models import Message
from portal.privacy import personal_data_seen, scrub_text

from .. import history, services
from ..models import FULL_DATA_PERMISSION, Complaint
from .care import care_summary
from .common import REPEATS_SHOWN, days_left, display_user
from .escalations import escalation_panel
from .mediation import mediation_context
from .steps import ACTION_FORMS

# The complainant's identifying data in full, for those with the permission.
FULL_FIELDS = ("name", "phone_in_full", "email", "id_number", "representative_in_full", "address")


def scrubbed(complaint, text: str | None) -> str:
    """Free text about `complaint` as those who see complainants masked read it: numbers, addresses and the
    case's own names, phone, ID and policy number removed (portal.privacy.scrub_text)."""
    return scrub_text(
        text,
        names=(complaint.name, complaint.principal_name),
        numbers=(complaint.phone, complaint.id_number, complaint.policy_number),
    )


def record_context(request, complaint) -> dict:
    full = request.user.has_perm(FULL_DATA_PERMISSION)
    if full:
        # The page shows the complainant's data in full: who saw it, and when, is kept (PIPL; JR/T 0171).
        personal_data_seen(request.user, complaint, where="admin:complaint", fields=",".join(FULL_FIELDS))
    left = days_left(complaint)
    requests = list(complaint.extension_requests.select_related("requested_by", "decided_by", "complaint"))
    outbox = list(Message.objects.about(complaint))
    for message in outbox:
        message.shown_text = message.text if full else scrubbed(complaint, message.text)
    return {
        "timeline": history.timeline(complaint, scrub=None if full else (lambda text: scrubbed(complaint, text))),
        "days_left": left,
        "days_late": -left if left is not None and left < 0 else 0,
        "handler_name": display_user(complaint.handler) if complaint.handler_id else "",
        "outbox_messages": outbox,
        "attachments": complaint.attachments.select_related("uploaded_by"),
        "workflow_actions": [
            (action, services.action_label(complaint, action))
            for action in ACTION_FORMS
            if services.can_act(request.user, complaint, action)
        ],
        "can_print_letter": services.can_act(request.user, complaint, services.A.LETTER),
        "can_add_documents": services.can_act(request.user, complaint, services.A.ATTACH),
        "extension_requests": [
            (extension, services.can_decide_extension(request.user, extension)) for extension in requests
        ],
        "conflicted": services.is_conflicted(request.user, complaint),
        "repeats": _repeats(request, complaint),
        "review_origin": _review_origin(request, complaint),
        "outside_escalation": escalation_panel(request, complaint),
        # The complainant's circumstances and help asked for (a badge in the head; no deadline changes).
        "care_summary": care_summary(complaint, points=True),
        **mediation_context(request, complaint),
    }


def _review_origin(request, complaint):
    """For a review: the complaint whose decision it re-examines (named in the header instead of the source and
    channel of a fresh complaint), and whether this user may open it (then its number is a link)."""
    if not complaint.review_of_id:
        return None
    original = complaint.review_of
    return {
        "complaint": original,
        "may_open": Complaint.objects.visible_to(request.user).filter(pk=original.pk).exists(),
    }


def _repeats(request, complaint):
    """Possible repeats of the complaint (same phone or policy within 90 days), each with whether this user
    may merge the complaint into it with one click. A repeat this user may not open is listed without its
    tracking number or handler (`hidden`): with the caller's phone, the number would open its public look-up."""
    merge_allowed = services.can_act(request.user, complaint, services.A.MERGE)
    repeats = list(services.possible_repeats(complaint)[:REPEATS_SHOWN])
    visible = set()
    if repeats:
        mine = Complaint.objects.visible_to(request.user).filter(pk__in=[repeat.pk for repeat in repeats])
        visible = set(mine.values_list("pk", flat=True))
    return [
        {
            "complaint": repeat,
            "hidden": repeat.pk not in visible,
            "handler": services.handler_label(repeat) if repeat.pk in visible else "",
            "can_merge": repeat.pk in visible
            and services.can_merge_into(request.user, complaint, repeat, merge_allowed=merge_allowed),
        }
        for repeat in repeats
    ]
