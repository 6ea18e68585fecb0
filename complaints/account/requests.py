"""The services of a complainant's requests: about their personal data (PIPL Art. 44–50) and to be called back.

Every write checks its actor: `actor=None` is the signed-in complainant (the view has proved the phone);
staff need the full-data permission for data requests (`FULL_DATA_PERMISSION`) and `answer_callback` for call
backs. Each step leaves an `AccountEvent`; each step of a data request queues a message in the request's
language. The limit for answering is stated as policy: `PORTAL_DATA_REQUEST_WORKING_DAYS` working days
(portal/workdays.py over the holiday calendar), counted from the day after the request."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal import codes, registry
from portal.messaging.models import MessageChannel
from portal.messaging.outbox import message_queue
from portal.models import Holiday
from portal.privacy import ANONYMISED, ANONYMISED_PHONE

from ..models import (
    FULL_DATA_PERMISSION,
    AccountAction,
    AccountCode,
    AccountEvent,
    Callback,
    CallbackOutcome,
    CallbackStatus,
    Complaint,
    DataRequest,
    DataRequestKind,
    DataRequestStatus,
)

CALLBACK_PERMISSION = "complaints.answer_callback"


def data_request_limit_days() -> int:
    return int(settings.PORTAL_DATA_REQUEST_WORKING_DAYS)


def data_request_due(received: date) -> date:
    """The last day to answer a request received on `received` (the company's stated limit)."""
    return Holiday.objects.working_days_after(received, data_request_limit_days())


def _check_staff(actor, permission: str) -> None:
    if actor is None or not actor.is_active or not actor.has_perm(permission):
        raise PermissionDenied(_("You do not have permission to do this."))


def _event(*, actor, action: str, note: str = "", data_request=None, callback=None) -> AccountEvent:
    return AccountEvent.objects.create(
        data_request=data_request, callback=callback, at=timezone.now(), actor=actor, action=action, note=note
    )


def _tell(request: DataRequest, template: str, params: dict) -> None:
    message_queue(
        channel=MessageChannel.SMS,
        recipient=request.phone,
        language=request.language,
        template=template,
        params={"number": request.number, **params},
        about=request,
        reference=request.number,
    )


def _date(day: date, language: str) -> str:
    with translation.override(language):
        return date_format(day, "DATE_FORMAT")


def _kind(request: DataRequest) -> str:
    with translation.override(request.language):
        return str(request.get_kind_display())


@transaction.atomic
def data_request_create(*, phone: str, kind: str, details: str, language: str) -> DataRequest:
    """A request made by the signed-in complainant of `phone`; due by the stated limit; they are told by SMS."""
    if kind not in DataRequestKind.values:
        raise ValidationError(_("Choose what you are asking for."), code="kind")
    if kind == DataRequestKind.CORRECT and not details.strip():
        raise ValidationError(_("Say what is wrong and what it should be."), code="details")
    now = timezone.now()
    received = timezone.localdate(now)
    request = DataRequest.objects.create(
        number=codes.generate("DR", received),
        phone=phone,
        kind=kind,
        details=details.strip(),
        language=language,
        received_at=now,
        due_on=data_request_due(received),
    )
    _event(actor=None, action=AccountAction.REQUESTED, note=request.details, data_request=request)
    _tell(request, "data_request.received", {"kind": _kind(request), "due": _date(request.due_on, language)})
    return request


def _copy_answer(language: str) -> str:
    with translation.override(language):
        return _("A copy was downloaded after signing in.")


@transaction.atomic
def data_request_copy_given(*, phone: str, language: str) -> DataRequest:
    """The complainant downloaded a copy of their data: a copy request, answered at once, on record."""
    now = timezone.now()
    received = timezone.localdate(now)
    request = DataRequest.objects.create(
        number=codes.generate("DR", received),
        phone=phone,
        kind=DataRequestKind.COPY,
        language=language,
        received_at=now,
        due_on=data_request_due(received),
        status=DataRequestStatus.ANSWERED,
        answered_at=now,
        answer=_copy_answer(language),
    )
    _event(actor=None, action=AccountAction.COPY_GIVEN, data_request=request)
    return request


def _locked(request: DataRequest) -> DataRequest:
    return DataRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def data_request_confirm_identity(*, request: DataRequest, actor, method: str, note: str) -> DataRequest:
    """Record how the person's identity was confirmed beyond the SMS code (a call back to the number on record,
    a visit with an identity document): correction and deletion wait for it."""
    _check_staff(actor, FULL_DATA_PERMISSION)
    request = _locked(request)
    if not request.is_open:
        raise ValidationError(_("This request has already been answered."), code="closed")
    if not note.strip():
        raise ValidationError(_("Say how the identity was confirmed."), code="note")
    request.status = DataRequestStatus.IDENTITY_CONFIRMED
    request.identity_method = method
    request.identity_note = note.strip()
    request.identity_confirmed_at = timezone.now()
    request.save(update_fields=["status", "identity_method", "identity_note", "identity_confirmed_at"])
    _event(actor=actor, action=AccountAction.IDENTITY_CONFIRMED, note=note.strip(), data_request=request)
    _tell(request, "data_request.identity_confirmed", {"due": _date(request.due_on, request.language)})
    return request


def kept_records(phone: str) -> list[str]:
    """What a deletion must keep, and until when (complaints/compliance/retention.py's rule: a complaint's data
    is kept PORTAL_RETENTION_YEARS after it ended; on legal hold or still open, for as long as that lasts)."""
    years = int(settings.PORTAL_RETENTION_YEARS)
    kept = []
    for complaint in Complaint.objects.filter(phone=phone, anonymised_at__isnull=True).order_by("received_at"):
        if complaint.legal_hold:
            kept.append(
                _("Complaint %(number)s: kept while it is on legal hold.") % {"number": complaint.tracking_number}
            )
        elif complaint.ended_on is None:
            kept.append(
                _("Complaint %(number)s: kept while it is handled, then %(years)s years after it ends.")
                % {"number": complaint.tracking_number, "years": years}
            )
        else:
            try:
                until = complaint.ended_on.replace(year=complaint.ended_on.year + years)
            except ValueError:
                until = complaint.ended_on.replace(year=complaint.ended_on.year + years, day=28)
            kept.append(
                _("Complaint %(number)s: kept until %(date)s (the record of a complaint the law requires us to keep).")
                % {"number": complaint.tracking_number, "date": date_format(until, "DATE_FORMAT")}
            )
    return kept


def _erase(phone: str, today: date) -> list[str]:
    """What deletion removes now: call backs not tied to a complaint, sign-in codes, and what the other apps'
    account sources may remove (past bookings tied to no complaint)."""
    removed = list(
        Callback.objects.filter(phone=phone, complaint__isnull=True)
        .exclude(status=CallbackStatus.WAITING)
        .values_list("number", flat=True)
    )
    Callback.objects.filter(number__in=removed).update(name=ANONYMISED, phone=ANONYMISED_PHONE, topic="", note="")
    AccountCode.objects.filter(phone=phone).delete()
    for source in registry.account_sources.values():
        removed += source.erase(phone, today)
    return removed


@transaction.atomic
def data_request_answer(*, request: DataRequest, actor, answer: str) -> DataRequest:
    """Answer a request. Correction and deletion only once identity is confirmed beyond the code; deletion
    removes what may go now and states, in the answer and the message, what is kept and until when."""
    _check_staff(actor, FULL_DATA_PERMISSION)
    request = _locked(request)
    if not request.is_open:
        raise ValidationError(_("This request has already been answered."), code="closed")
    if request.needs_identity and request.status != DataRequestStatus.IDENTITY_CONFIRMED:
        raise ValidationError(
            _("Confirm the person's identity (a call back or a visit) before correcting or deleting their data."),
            code="identity",
        )
    if not answer.strip():
        raise ValidationError(_("Write the answer."), code="answer")
    today = timezone.localdate()
    note = answer.strip()
    kept_text = ""
    if request.kind == DataRequestKind.DELETE:
        with translation.override(request.language):
            removed = _erase(request.phone, today)
            kept = kept_records(request.phone)
            removed_line = _("Removed: %(records)s.") % {"records": ", ".join(removed) or _("nothing that may go yet")}
        kept_text = "\n".join([removed_line, *kept])
        note = f"{note}\n{kept_text}"
    request.status = DataRequestStatus.ANSWERED
    request.answer = answer.strip()
    request.answered_at = timezone.now()
    request.kept_until = kept_text
    request.save(update_fields=["status", "answer", "answered_at", "kept_until"])
    _event(actor=actor, action=AccountAction.ANSWERED, note=note, data_request=request)
    _tell(request, "data_request.answered", {})
    return request


@transaction.atomic
def data_request_refuse(*, request: DataRequest, actor, reason: str) -> DataRequest:
    """Refuse a request, with the reason the person is told (PIPL Art. 50: a refusal gives its reasons)."""
    _check_staff(actor, FULL_DATA_PERMISSION)
    request = _locked(request)
    if not request.is_open:
        raise ValidationError(_("This request has already been answered."), code="closed")
    if not reason.strip():
        raise ValidationError(_("Give the reason for refusing."), code="reason")
    request.status = DataRequestStatus.REFUSED
    request.answer = reason.strip()
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answer", "answered_at"])
    _event(actor=actor, action=AccountAction.REFUSED, note=reason.strip(), data_request=request)
    _tell(request, "data_request.refused", {"reason": reason.strip()})
    return request


def data_requests_in_time(start: date, end: date) -> dict:
    """Figures for requests received in [start, end): how many, answered (or refused), answered by their due
    day, answered late, and still open past their due day — what a rating of the handling reads."""
    today = timezone.localdate()
    answered = Q(answered_at__isnull=False)
    counts = DataRequest.objects.filter(received_at__date__gte=start, received_at__date__lt=end).aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=answered),
        in_time=Count("pk", filter=answered & Q(answered_at__date__lte=F("due_on"))),
        late=Count("pk", filter=answered & Q(answered_at__date__gt=F("due_on"))),
        overdue=Count("pk", filter=Q(answered_at__isnull=True, due_on__lt=today)),
    )
    counts["rate"] = round(100 * counts["in_time"] / counts["answered"], 1) if counts["answered"] else None
    return counts


@transaction.atomic
def callback_create(*, name: str, phone: str, preferred_time: str, language: str, topic: str = "") -> Callback:
    """A request to be called back; it waits in the staff work queue."""
    now = timezone.now()
    callback = Callback.objects.create(
        number=codes.generate("CB", timezone.localdate(now)),
        name=name.strip(),
        phone=phone,
        preferred_time=preferred_time,
        language=language,
        topic=topic.strip(),
        created_at=now,
    )
    _event(actor=None, action=AccountAction.REQUESTED, note=callback.topic, callback=callback)
    return callback


@transaction.atomic
def callback_record(*, callback: Callback, actor, outcome: str, note: str, tracking_number: str = "") -> Callback:
    """Record the call: it became a complaint (linked by its tracking number), was answered on the phone, or the
    person could not be reached."""
    _check_staff(actor, CALLBACK_PERMISSION)
    callback = Callback.objects.select_for_update().get(pk=callback.pk)
    if callback.status != CallbackStatus.WAITING:
        raise ValidationError(_("This call back has already been recorded."), code="closed")
    if outcome not in CallbackOutcome.values:
        raise ValidationError(_("Choose the outcome of the call."), code="outcome")
    complaint = None
    if outcome == CallbackOutcome.COMPLAINT:
        complaint = Complaint.objects.filter(tracking_number=codes.normalize(tracking_number or "")).first()
        if complaint is None:
            raise ValidationError(
                _("Give the tracking number of the complaint the call became (register it first)."),
                code="tracking_number",
            )
    callback.status = CallbackStatus.DONE
    callback.outcome = outcome
    callback.note = note.strip()
    callback.complaint = complaint
    callback.answered_at = timezone.now()
    callback.answered_by = actor
    callback.save(update_fields=["status", "outcome", "note", "complaint", "answered_at", "answered_by"])
    _event(
        actor=actor,
        action=AccountAction.CALLED,
        note=" · ".join(part for part in (str(callback.get_outcome_display()), note.strip()) if part),
        callback=callback,
    )
    return callback


@transaction.atomic
def account_requests_anonymise(*, cutoff: date, dry_run: bool = False) -> list[str]:
    """Retention (registered with portal.registry.register_retention_step, run by the complaints' retention run):
    call backs and personal data requests ended on or before `cutoff` lose their personal data — name, phone,
    topic, notes, details — as complaints do; their numbers, kinds, dates and outcomes stay for the figures.
    A call back tied to a complaint on legal hold is kept whole."""
    callbacks = (
        Callback.objects.filter(answered_at__date__lte=cutoff)
        .exclude(phone=ANONYMISED_PHONE)
        .exclude(complaint__legal_hold=True)
        .values_list("number", flat=True)
    )
    data_requests = DataRequest.objects.filter(answered_at__date__lte=cutoff).exclude(phone=ANONYMISED_PHONE)
    numbers = [*callbacks, *data_requests.values_list("number", flat=True)]
    if not dry_run and numbers:
        Callback.objects.filter(number__in=numbers).update(name=ANONYMISED, phone=ANONYMISED_PHONE, topic="", note="")
        data_requests.update(phone=ANONYMISED_PHONE, details="", identity_note="")
        AccountEvent.objects.filter(Q(callback__number__in=numbers) | Q(data_request__number__in=numbers)).update(
            note=""
        )
    return numbers
