"""The case file: information the complainant adds, internal notes, calls, staff documents and decision letters."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import letters, staff_alerts
from ..models import (
    CallDirection,
    CallOutcome,
    Complaint,
    ComplaintAttachment,
    DocumentAudience,
)
from .core import (
    A,
    WorkflowError,
    _require,
    _staff_actor,
)
from .intake import _store_attachments
from .transitions import (
    _apply,
    _begin,
    _transition,
)

# What complaints.services re-exports from this module.
__all__ = [
    "complaint_add_information",
    "complaint_add_note",
    "complaint_add_staff_attachments",
    "complaint_issue_letter",
    "complaint_log_call",
    "complaint_send_documents",
]


@transaction.atomic
def complaint_add_information(*, complaint: Complaint, text: str = "", attachments=(), actor=None) -> Complaint:
    """More information or files from the complainant while the complaint is open."""
    text = (text or "").strip()
    attachments = list(attachments or [])
    if not text and not attachments:
        raise WorkflowError(_("Write something or attach a file."), code="empty")
    complaint = _transition(
        complaint,
        A.ADD_INFORMATION,
        actor=actor,
        note=text,
        data={"files": len(attachments)},
    )
    _store_attachments(complaint, attachments, by_complainant=actor is None)
    staff_alerts.information_added(complaint)
    return complaint


@transaction.atomic
def complaint_add_note(*, complaint: Complaint, actor, text: str) -> Complaint:
    """An internal note on the case (what was checked, who was asked): an event without a status change, for
    staff only, never shown to the complainant."""
    _staff_actor(actor)
    text = _require(text, _("Write the note."))
    return _transition(complaint, A.NOTE, actor=actor, note=text, public=False)


@transaction.atomic
def complaint_log_call(
    *,
    complaint: Complaint,
    actor,
    direction: str,
    outcome: str,
    text: str = "",
    happened_at: datetime | None = None,
) -> Complaint:
    """A phone call with the complainant, in or out, and how it went (reached, no answer, asked to be called
    back, wrong number ...): an event without a status change, dated the day of the call, never public."""
    _staff_actor(actor)
    if direction not in CallDirection.values:
        raise WorkflowError(_("Say whether the call came in or went out."), code="direction")
    if outcome not in CallOutcome.values:
        raise WorkflowError(_("Choose how the call went."), code="outcome")
    happened_at = happened_at or timezone.now()
    if timezone.is_naive(happened_at):
        happened_at = timezone.make_aware(happened_at)
    if happened_at > timezone.now():
        raise WorkflowError(_("The time of the call cannot be in the future."), code="future")
    current = _begin(complaint, A.CALL, actor=actor)
    return _apply(
        current,
        A.CALL,
        actor=actor,
        note=(text or "").strip(),
        public=False,
        happened_on=timezone.localdate(happened_at),
        data={
            "direction": direction,
            "outcome": outcome,
            "at": timezone.localtime(happened_at).isoformat(timespec="minutes"),
        },
    )


@transaction.atomic
def complaint_add_staff_attachments(
    *, complaint: Complaint, actor, files, note: str = "", audience: str = DocumentAudience.INTERNAL
) -> Complaint:
    """Documents staff add at any step (a recording's transcript, a branch's statement, an invoice), checked by
    their content exactly like the complainant's (_store_attachments: PDF, JPEG, PNG, DOCX, at most five of 10 MB
    each), kept with who added them, and an event naming them (never public). They are internal unless
    `audience` is DocumentAudience.COMPLAINANT: then they are sent to the complainant at once
    (complaint_send_documents' event follows)."""
    _staff_actor(actor)
    if audience not in DocumentAudience.values:
        raise WorkflowError(_("Choose who the documents are for."), code="audience")
    files = list(files or [])
    if not files:
        raise WorkflowError(_("Choose at least one file."), code="empty")
    current = _begin(complaint, A.ATTACH, actor=actor)
    stored = _store_attachments(current, files, by_complainant=False, uploaded_by=actor)
    current = _apply(
        current,
        A.ATTACH,
        actor=actor,
        note=(note or "").strip(),
        public=False,
        data={"files": [attachment.original_name for attachment in stored]},
    )
    if audience == DocumentAudience.COMPLAINANT:
        current = _send(current, stored, actor=actor)
    return current


@transaction.atomic
def complaint_send_documents(*, complaint: Complaint, actor, documents) -> Complaint:
    """Send internal staff documents of the complaint to the complainant: from now on their status page lists
    them under "Documents we sent you" and they may download them; a public event names them. Only internal
    staff documents of this complaint can be sent; a sent document stays sent (there is no way back: the
    complainant may have read it)."""
    _staff_actor(actor)
    current = _begin(complaint, A.SEND_DOCUMENTS, actor=actor)
    wanted = {getattr(document, "pk", document) for document in documents or ()}
    if not wanted:
        raise WorkflowError(_("Choose at least one document to send."), code="empty")
    found = list(ComplaintAttachment.objects.select_for_update().filter(complaint=current, pk__in=wanted))
    if len(found) != len(wanted) or any(not document.is_internal for document in found):
        raise WorkflowError(
            _("Only this complaint's internal staff documents can be sent; documents already sent stay sent."),
            code="not_internal",
        )
    return _send(current, found, actor=actor)


def _send(complaint: Complaint, documents, *, actor) -> Complaint:
    """Mark `documents` of the locked `complaint` sent now, with the public event that names them (on the
    complainant's timeline)."""
    documents = sorted(documents, key=lambda document: document.pk)
    ComplaintAttachment.objects.filter(pk__in=[document.pk for document in documents]).update(sent_at=timezone.now())
    names = [document.original_name for document in documents]
    return _apply(complaint, A.SEND_DOCUMENTS, actor=actor, public=True, data={"files": names})


@transaction.atomic
def complaint_issue_letter(*, complaint: Complaint, actor) -> Complaint:
    """Record that the decision letter was printed and sent (to a complainant who came by letter, visit or
    phone): the event keeps the letter's text as issued, in the complainant's language. A letter that still holds
    a template's hint (a decision recorded before hints were refused) is refused, naming it."""
    _staff_actor(actor)
    current = _begin(complaint, A.LETTER, actor=actor)
    if not current.decision:
        raise WorkflowError(_("There is no decision to send yet."), code="no_decision")
    letter = letters.decision_letter(current)
    hints = letter.hints
    if hints:
        raise WorkflowError(letters.hints_message(hints), code="hint")
    return _apply(current, A.LETTER, actor=actor, note=letter.text, public=False, data={"language": letter.language})
