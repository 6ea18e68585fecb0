"""A complaint comes in: filed on the web by the complainant (complaint_submit), registered by staff
(complaint_register), taken at a reception day (complaint_register_visit), or imported (the importer calls
validate_intake and complaint_register). Their files are checked by their content.
"""

import hashlib
import json
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import codes
from portal.actors import is_system_actor
from portal.display import person_name
from portal.phones import normalize_phone
from portal.uploads import DOCX, JPEG, PDF, PNG, random_storage_name, safe_display_name, validate_upload

from .. import notifications, people, staff_alerts
from ..identity import account_digest, id_number_key, phone_key
from ..models import (
    FORWARDED_SOURCES,
    Category,
    Channel,
    Complaint,
    ComplaintAttachment,
    Source,
)
from . import care
from .core import (
    DEFAULT_PERMISSION,
    A,
    S,
    WorkflowError,
    _aware,
    record_event,
)
from .escalations import suggest_outside_escalations
from .sources import forwarded_reply_date, platform_ref_taken, validate_intake
from .timing import (
    _mark_late,
    _store_deadline,
)

# What complaints.services re-exports from this module.
__all__ = [
    "ATTACHMENT_KINDS",
    "IMPORT_PERMISSION",
    "INTAKE_FIELDS",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "TRACKING_PREFIX",
    "complaint_register",
    "complaint_register_imported",
    "complaint_register_visit",
    "complaint_submit",
    "intake_values",
    "submission_key",
]

TRACKING_PREFIX = "TS"
ATTACHMENT_KINDS = (PDF, JPEG, PNG, DOCX)
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _new_tracking_number(day: date) -> str:
    while True:
        number = codes.generate(TRACKING_PREFIX, day)
        if not Complaint.objects.filter(tracking_number=number).exists():
            return number


def _store_attachments(
    complaint: Complaint, attachments, *, by_complainant: bool, uploaded_by=None
) -> list[ComplaintAttachment]:
    """Check each file by its content and store it under a random name outside the static files."""
    attachments = list(attachments or [])
    if len(attachments) > MAX_ATTACHMENTS:
        raise WorkflowError(
            _("Attach at most %(count)d files at a time."), code="too_many", params={"count": MAX_ATTACHMENTS}
        )
    # Every file is checked before any is written, so that a refused file leaves no other behind.
    kinds = [
        validate_upload(upload, allowed=ATTACHMENT_KINDS, max_bytes=MAX_ATTACHMENT_BYTES) for upload in attachments
    ]
    stored = []
    for upload, kind in zip(attachments, kinds, strict=True):
        upload.seek(0)
        path = default_storage.save(random_storage_name("complaints", kind), upload)
        stored.append(
            ComplaintAttachment.objects.create(
                complaint=complaint,
                file=path,
                original_name=safe_display_name(upload.name or ""),
                content_type=kind.mime,
                size=upload.size,
                by_complainant=by_complainant,
                uploaded_by=uploaded_by,
            )
        )
    return stored


def _create(
    *,
    actor,
    action: str,
    received_at,
    fields: dict,
    note: str = "",
    attachments=(),
    data: dict | None = None,
    provenance: bool = False,
) -> Complaint:
    received_at = _aware(received_at)
    fields = {**fields, "phone": normalize_phone(fields["phone"])}
    if fields.get("representative_phone"):
        fields["representative_phone"] = phone_key(fields["representative_phone"]) or fields["representative_phone"]
    for name in RING_FIELDS:
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    complaint = Complaint(
        tracking_number=_new_tracking_number(timezone.localdate(received_at)),
        received_at=received_at,
        status=S.RECEIVED,
        **fields,
    )
    # The check constraints restate the fields' choices (checked here by the field validation) and are enforced by
    # PostgreSQL on insert; validating them in Python would cost a savepoint and a query each per submission.
    complaint.full_clean(
        exclude=["tracking_number", "idempotency_key", "due_date"], validate_unique=False, validate_constraints=False
    )
    _store_deadline(complaint, [])
    care.care_on_intake(complaint)
    complaint.save()
    # The receipt is public (the complainant's status page lists it); a note staff write when registering is
    # internal, so it is kept apart, in an internal note of its own, never on the public event. An import's
    # `provenance` line (the file and row the record came from) stays on the receipt: it says where, nothing more.
    internal = (note or "").strip() if actor is not None and not provenance else ""
    record_event(
        complaint,
        action,
        actor=actor,
        note="" if internal else note,
        public=True,
        data=data,
        from_status="",
        happened_on=timezone.localdate(received_at),
    )
    if internal:
        record_event(complaint, A.NOTE, actor=actor, note=internal, happened_on=timezone.localdate(received_at))
    # A letter registered after its time limit (received long before, registered late) is late at once.
    if _mark_late(complaint):
        complaint.save(update_fields=["late_since"])
    # What comes with a complaint is the complainant's (a letter's enclosures, a visitor's papers, the web form's
    # files), listed on their status page as theirs; staff add their own documents afterwards (casework).
    _store_attachments(complaint, attachments, by_complainant=True, uploaded_by=actor)
    notifications.notify(complaint, notifications.REVIEW_OPENED if complaint.review_of_id else notifications.RECEIVED)
    care.care_after_intake(complaint)
    if complaint.channel == Channel.WEB and complaint.handler_id is None:
        staff_alerts.unassigned(complaint)
    return complaint


# The complainant's answers on the public form that complaint_submit takes, in the form's order: the public view
# passes exactly these from the form's cleaned data.
INTAKE_FIELDS = (
    "name",
    "phone",
    "email",
    "capacity",
    "principal_name",
    "category",
    "policy_number",
    "province",
    "description",
    "desired_outcome",
    "representative_name",
    "representative_phone",
    "representative_org",
    "representative_relationship",
    "address",
    "desired_remedy",
)
# What a proxy's representative, an address and a coded demand add (the ring signals): the public form's and the
# staff form's fields, passed through as they are.
RING_FIELDS = INTAKE_FIELDS[-6:]
REGISTER_PERMISSION = "complaints.add_complaint"
# An import registers complaints on the importer's own permission.
IMPORT_PERMISSION = "complaints.import_complaints"
# A visitor's complaint taken at a reception day is registered by whoever keeps the day's bookings.
VISIT_PERMISSION = "reception.change_booking"


def intake_values(data: dict, fields=INTAKE_FIELDS) -> dict:
    """The values of `fields` in `data` (a form's cleaned data), for a service's keyword arguments."""
    return {name: data[name] for name in fields}


def submission_key(token: str, answers: dict) -> str:
    """The idempotency key of a complaint filed on the web: its form's one-time token and a digest of what the
    complaint says (the INTAKE_FIELDS, stripped as stored). The same form sent again (a double click, a resend
    after an error) has the same key and gets the first receipt; a used token arriving with different answers
    (a session that could not be saved after the first complaint keeps offering its token) is a new complaint,
    never the earlier one's receipt. 64 hexadecimal characters, the column's width."""
    content = {name: str(answers.get(name) or "").strip() for name in INTAKE_FIELDS}
    digest = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{token}\n{digest}".encode("utf-8", "surrogatepass")).hexdigest()


def complaint_submit(
    *,
    name: str,
    phone: str,
    description: str,
    category: str = Category.OTHER,
    email: str = "",
    language: str = "zh-hans",
    idempotency_key: str = "",
    attachments=(),
    policy_number: str = "",
    desired_outcome: str = "",
    province: str = "",
    capacity: str = "self",
    principal_name: str = "",
    elderly_mode: bool = False,
    vulnerabilities=(),
    needs=(),
    representative_name: str = "",
    representative_phone: str = "",
    representative_org: str = "",
    representative_relationship: str = "",
    address: str = "",
    desired_remedy: str = "",
) -> Complaint:
    """A complaint filed on the web by the complainant (the actor None: the complainant). Idempotent on
    `idempotency_key` (the form's one-time token) together with the answers (submission_key): the same form sent
    twice (a double click, a resent POST) makes one complaint and returns it both times; the same token with
    other answers makes a new complaint. The complaint, its event, its messages and alerts are one transaction
    (no savepoint when called on its own)."""
    fields = {
        "name": name.strip(),
        "phone": phone,
        "email": email.strip(),
        "description": description,
        "category": category,
        "language": language,
        "policy_number": policy_number.strip(),
        "desired_outcome": desired_outcome,
        "province": province,
        "capacity": capacity,
        "principal_name": principal_name.strip(),
        "channel": Channel.WEB,
        "source": Source.SELF,
        "representative_name": representative_name,
        "representative_phone": representative_phone,
        "representative_org": representative_org,
        "representative_relationship": representative_relationship,
        "address": address,
        "desired_remedy": desired_remedy,
    }
    key = submission_key(idempotency_key, fields) if idempotency_key else ""
    fields["idempotency_key"] = key
    fields["filed_in_elderly_mode"] = bool(elderly_mode)
    # What the complainant said of their circumstances and the help they want (the form's optional fieldset).
    fields["vulnerabilities"], fields["needs"] = list(vulnerabilities or ()), list(needs or ())
    try:
        with transaction.atomic():
            return _create(
                actor=None, action=A.SUBMIT, received_at=timezone.now(), fields=fields, attachments=attachments
            )
    except IntegrityError:
        # The same form sent again (a double click, a resent POST, or at the same moment): the complaint made
        # first. The key's unique index decides, before any file is stored, so no look-up comes first.
        if key:
            existing = Complaint.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return existing
        raise


def _check_registrar(actor, *permissions: str) -> None:
    """Registering is allowed to the system's account (portal.actors) and to staff holding one of
    `permissions`; a registration always names who registered it, so no actor (None) is refused too."""
    if actor is not None and is_system_actor(actor):
        return
    if actor is None:
        raise PermissionDenied(_("You do not have permission to do this."))
    if not (actor.is_active and any(actor.has_perm(permission) for permission in permissions)):
        raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def complaint_register(
    *,
    actor: AbstractBaseUser | None,
    channel: str,
    received_at: datetime | date,
    name: str,
    phone: str,
    description: str,
    category: str = Category.OTHER,
    business_channel: str = "",
    product_line: str = "",
    province: str = "",
    branch=None,
    email: str = "",
    source: str = Source.SELF,
    regulator_ref: str = "",
    regulator_deadline: date | None = None,
    language: str = "zh-hans",
    note: str = "",
    policy_number: str = "",
    desired_outcome: str = "",
    id_type: str = "",
    id_number: str = "",
    capacity: str = "self",
    principal_name: str = "",
    power_of_attorney: bool = False,
    named_employee=None,
    attachments=(),
    idempotency_key: str = "",
    platform_ref: str = "",
    platform_deadline: date | None = None,
    representative_name: str = "",
    representative_phone: str = "",
    representative_org: str = "",
    representative_relationship: str = "",
    address: str = "",
    desired_remedy: str = "",
    bank_account: str = "",
) -> Complaint:
    """A complaint received by letter, visit, phone, WeChat, email or forwarded by the regulator, registered
    by staff holding complaints.add_complaint (or by an import, as the system). The keyword arguments are the
    staff registration form's fields (plus `idempotency_key`). The clock runs from `received_at`, not from the
    moment of registration (Art. 20 counts from receipt). A regulator-forwarded complaint must carry the
    regulator's reference; when the regulator sets its own deadline, the earlier of that and the regulation's
    limit is the one to meet. A case transferred by the national complaint platform carries the platform's
    reference (one complaint per platform case) and the platform's reply date, the same rule (where the platform
    sets no date, its default limit: forwarded_reply_date). With an `idempotency_key` (an import's row key),
    registering the same complaint again returns the first."""
    _check_registrar(actor, REGISTER_PERMISSION)
    return _register(
        actor=actor,
        note=note,
        attachments=attachments,
        fields={
            "name": name,
            "phone": phone,
            "email": email,
            "description": description,
            "category": category,
            "business_channel": business_channel,
            "product_line": product_line,
            "province": province,
            "branch": branch,
            "channel": channel,
            "source": source,
            "received_at": received_at,
            "regulator_ref": regulator_ref,
            "regulator_deadline": regulator_deadline,
            "language": language,
            "policy_number": policy_number,
            "desired_outcome": desired_outcome,
            "id_type": id_type,
            "id_number": id_number,
            "capacity": capacity,
            "principal_name": principal_name,
            "power_of_attorney": power_of_attorney,
            "named_employee": named_employee,
            "idempotency_key": idempotency_key,
            "platform_ref": platform_ref,
            "platform_deadline": platform_deadline,
            "representative_name": representative_name,
            "representative_phone": representative_phone,
            "representative_org": representative_org,
            "representative_relationship": representative_relationship,
            "address": address,
            "desired_remedy": desired_remedy,
            # The account only as its keyed hash: the number itself goes no further than this line.
            "bank_account_digest": account_digest(bank_account),
        },
    )


@transaction.atomic
def complaint_register_visit(
    *,
    actor: AbstractBaseUser | None,
    received_at: datetime | date,
    name: str,
    phone: str,
    description: str,
    category: str = Category.OTHER,
    branch=None,
    language: str = "zh-hans",
    note: str = "",
) -> Complaint:
    """A visitor's complaint taken at a reception day, registered as received in person (channel 访, visit) at
    the start of the day's window. Authorised by the booking's own permission (reception.change_booking): the
    branch staff who keep the bookings register their visits; whoever may register complaints may too."""
    _check_registrar(actor, VISIT_PERMISSION, REGISTER_PERMISSION)
    fields = {"name": name, "phone": phone, "description": description, "category": category, "branch": branch}
    return _register(
        actor=actor,
        note=note,
        fields={**fields, "channel": Channel.VISIT, "received_at": received_at, "language": language},
    )


@transaction.atomic
def complaint_register_imported(
    *,
    actor: AbstractBaseUser | None,
    received_at: datetime | date,
    source: str,
    regulator_ref: str,
    regulator_deadline: date | None,
    channel: str,
    business_channel: str,
    category: str,
    province: str,
    name: str,
    phone: str,
    description: str,
    note: str = "",
    idempotency_key: str = "",
) -> Complaint:
    """A complaint read from an imported file (complaints.compliance.importer), registered exactly as by hand
    but on the importer's permission (complaints.import_complaints) or by the system. `note` is the provenance
    line (the file and row), kept on the receipt."""
    _check_registrar(actor, IMPORT_PERMISSION)
    fields = {"received_at": received_at, "source": source, "regulator_ref": regulator_ref}
    fields |= {"regulator_deadline": regulator_deadline, "channel": channel, "business_channel": business_channel}
    fields |= {"category": category, "province": province, "name": name, "phone": phone}
    return _register(
        actor=actor,
        note=note,
        provenance=True,
        fields={**fields, "description": description, "idempotency_key": idempotency_key},
    )


def _register(*, actor, fields: dict, note: str = "", attachments=(), provenance: bool = False) -> Complaint:
    """Register a complaint whose actor is checked: the intake checks, the conflict of interest, the first
    responder (首问负责制) as its handler, then the complaint and its event."""
    key = fields.get("idempotency_key", "")
    if key:
        existing = Complaint.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    received_at = fields.pop("received_at")
    source = fields.setdefault("source", Source.SELF)
    platform_deadline = fields.pop("platform_deadline", None)
    if source != Source.REGULATOR:
        fields["regulator_deadline"] = None
    if source != Source.PLATFORM:
        fields["platform_ref"] = ""
    problems = validate_intake(
        received_at=received_at,
        source=source,
        regulator_ref=fields.get("regulator_ref", ""),
        regulator_deadline=fields.get("regulator_deadline"),
        platform_ref=fields.get("platform_ref", ""),
        platform_deadline=platform_deadline,
    )
    for field in ("regulator_ref", "platform_ref"):
        if field in problems:
            raise problems[field]
    if source == Source.PLATFORM:
        fields["platform_ref"] = fields["platform_ref"].strip()
        taken = platform_ref_taken(fields["platform_ref"], actor)
        if taken is not None:
            raise taken
        fields["regulator_deadline"] = forwarded_reply_date(
            source=source, received_at=received_at, given=platform_deadline
        )
    named_employee = fields.get("named_employee")
    if named_employee is not None and not people.may_be_named(named_employee, fields.get("branch")):
        raise WorkflowError(
            _("%(name)s is not a member of staff of this complaint's branch or of head office."),
            code="named_employee",
            params={"name": person_name(named_employee)},
        )
    if actor is not None and named_employee is not None and named_employee.pk == actor.pk:
        raise WorkflowError(
            _("You are named in this complaint: a colleague must register it and take every step on it."),
            code="conflict",
        )
    if problems:
        raise next(iter(problems.values()))
    branch = fields.get("branch")
    if branch is not None and not fields.get("province"):
        fields["province"] = branch.province
    for name in ("name", "email", "regulator_ref", "policy_number", "principal_name"):
        if name in fields:
            fields[name] = fields[name].strip()
    if "id_number" in fields:
        # Upper-cased like every ID number looked up (the check character of a resident ID is X, typed x too).
        fields["id_number"] = id_number_key(fields["id_number"])
    # First responder (首问负责制): whoever registers a complaint and may handle complaints handles it until a
    # supervisor reassigns it (complaint_assign, an event of its own).
    first_responder = actor if actor is not None and actor.has_perm(DEFAULT_PERMISSION) else None
    complaint = _create(
        actor=actor,
        action=A.REGISTER,
        received_at=received_at,
        fields={**fields, "handler": first_responder},
        note=note,
        attachments=attachments,
        data={"handler": first_responder.get_username()} if first_responder is not None else None,
        provenance=provenance,
    )
    if complaint.source in FORWARDED_SOURCES:
        # An outside escalation (越级投诉) after a direct complaint of the same person: suggested for staff to confirm.
        suggest_outside_escalations(complaint)
    return complaint
