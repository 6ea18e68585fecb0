"""The complaint's documents as its complainant sees them: "Documents you sent" (their own files) and "Documents we
sent you" (staff documents sent to them, and the decision letter once issued), and the download of a sent document
through the tracking look-up. Internal staff documents appear on no public page, address, feed or message: they
are neither listed nor served here (complaints.models.attachments)."""

from dataclasses import dataclass
from datetime import datetime

from django.http import FileResponse, Http404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.uploads import download_name

from .models import Complaint, EventAction
from .tracking import tracked as _tracked


@dataclass(frozen=True)
class LetterSent:
    """A decision letter recorded as issued (printed and posted): its text is the decision on the page."""

    issued_at: datetime


def status_documents(complaint: Complaint) -> dict:
    """The status page's two lists, from one query of the files and one of the issued letters."""
    files = list(complaint.attachments.all())
    sent = sorted((file for file in files if file.is_sent), key=lambda file: (file.sent_at, file.pk))
    letters = [LetterSent(at) for at in complaint.events.filter(action=EventAction.LETTER).values_list("at", flat=True)]
    return {
        "documents_from_you": [file for file in files if file.by_complainant],
        "documents_to_you": sent,
        "letters_to_you": letters,
    }


@never_cache
@require_GET
def document(request, key: str):
    """A document we sent the complainant, for the browser holding the look-up of its complaint; anything else
    (an internal document, the complainant's own file, another complaint's, no look-up) is not found."""

    complaint = _tracked(request)
    if complaint is None:
        raise Http404
    found = next((file for file in complaint.attachments.sent_to_complainant() if file.has_public_key(key)), None)
    if found is None:
        raise Http404
    return attachment_response(found, as_attachment=True)


def attachment_response(attachment, *, as_attachment: bool) -> FileResponse:
    """A complaint's file as its reader gets it (the complainant here, staff in complaints/staff/): under its own
    name, never cached, never sniffed into another type."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=as_attachment,
        filename=download_name(attachment.original_name, attachment.content_type),
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
