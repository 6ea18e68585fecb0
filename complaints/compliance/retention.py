"""Retention: a complaint's personal data is kept for `PORTAL_RETENTION_YEARS` after the complaint ended, then
anonymised (PIPL Art. 19 and 47: personal data is kept no longer than its purpose needs).

What goes: the complainant's name, phone, email, ID, policy number, the name of the person complained for,
every free text that may hold personal data (description, desired outcome, decision, root cause,
remediation, the notes of the event log) and the attached files. What stays: tracking number, category,
channel, source, business channel, province, branch, dates, status, outcome, remedies, due date and
extensions, the events' actions and dates — so every report counts the same before and after.

A complaint on legal hold is kept in full whatever its age; so is one whose review or original is still open.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.tasks import task
from django.utils import timezone

from portal import registry
from portal.actors import system_actor
from portal.messaging.models import Message
from portal.privacy import ANONYMISED, ANONYMISED_PHONE

from .. import services
from ..models import (
    ENDED_STATUSES,
    UNFINISHED_STATUSES,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    EventAction,
    GroupMember,
)

_TEXT_FIELDS = ("description", "desired_outcome", "decision", "root_cause", "remediation")


def retention_years() -> int:
    return int(settings.PORTAL_RETENTION_YEARS)


def retention_cutoff(today: date, years: int | None = None) -> date:
    """Complaints that ended on or before this day are past retention."""
    years = retention_years() if years is None else years
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def past_retention(today: date, years: int | None = None):
    """Ended complaints past retention, not yet anonymised, with nothing linked still open (legal hold aside)."""
    return (
        Complaint.objects.filter(
            status__in=ENDED_STATUSES, ended_on__isnull=False, ended_on__lte=retention_cutoff(today, years)
        )
        .filter(anonymised_at__isnull=True)
        .exclude(reviews__status__in=UNFINISHED_STATUSES)
        .exclude(merged_into__status__in=UNFINISHED_STATUSES)
        .exclude(repeats__status__in=UNFINISHED_STATUSES)
        .distinct()
        .order_by("ended_on", "id")
    )


@dataclass
class RetentionReport:
    cutoff: date
    anonymised: list[str] = field(default_factory=list)
    on_hold: list[str] = field(default_factory=list)
    files_deleted: int = 0
    dry_run: bool = False
    # What other apps' steps anonymised (e.g. {"bookings": [numbers]}).
    others: dict[str, list[str]] = field(default_factory=dict)


def _allow_event_anonymisation() -> None:
    # The event log's trigger (migrations 0002 and 0005) refuses every change, except blanking a note inside a
    # transaction that says it anonymises.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL complaints.anonymising = 'on'")


def _blank(value: str) -> str:
    return ANONYMISED if value else ""


@transaction.atomic
def complaint_anonymise(*, complaint: Complaint, actor=None, years: int | None = None) -> int:
    """Replace the personal data of one complaint by the marker and delete its files; returns the number of
    files deleted. The event says when and under which policy; the files go after the commit."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.anonymised_at is not None:
        return 0
    _allow_event_anonymisation()
    attachments = list(ComplaintAttachment.objects.filter(complaint=complaint))
    names = [attachment.file.name for attachment in attachments if attachment.file.name]
    ComplaintAttachment.objects.filter(complaint=complaint).delete()
    ComplaintEvent.objects.filter(complaint=complaint).exclude(note="").update(note=ANONYMISED)
    # What the complainant was told keeps its template, channel, status and times; not their number or words.
    Message.objects.about(complaint).update(recipient=ANONYMISED_PHONE, subject="", text=ANONYMISED, params={})
    # A group complaint's members: kept as rows (the report counts them), without their names, phones or policies.
    GroupMember.objects.filter(complaint=complaint).update(name=ANONYMISED, phone=ANONYMISED_PHONE, policy_number="")
    now = timezone.now()
    Complaint.objects.filter(pk=complaint.pk).update(
        name=ANONYMISED,
        phone=ANONYMISED_PHONE,
        email="",
        id_type="",
        id_number="",
        policy_number="",
        principal_name=_blank(complaint.principal_name),
        anonymised_at=now,
        updated_at=now,
        **{name: _blank(getattr(complaint, name)) for name in _TEXT_FIELDS},
    )
    services.record_event(
        complaint,
        EventAction.ANONYMISE,
        actor=actor,
        data={"retention_years": retention_years() if years is None else years, "files": len(names)},
    )
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    return len(names)


def retention_apply(*, today: date | None = None, dry_run: bool = False, actor=None) -> RetentionReport:
    """Anonymise every complaint past retention that is not on legal hold; report what was done (or, with
    `dry_run`, what would be). Each complaint is its own transaction: a failure leaves the others done."""
    today = today or timezone.localdate()
    years = retention_years()
    report = RetentionReport(cutoff=retention_cutoff(today, years), dry_run=dry_run)
    due = list(past_retention(today, years).values_list("pk", "tracking_number", "legal_hold"))
    for pk, number, on_hold in due:
        if on_hold:
            report.on_hold.append(number)
            continue
        report.anonymised.append(number)
        if not dry_run:
            report.files_deleted += complaint_anonymise(complaint=Complaint(pk=pk), actor=actor, years=years)
    # Other apps' personal data under the same period (reception's bookings), registered in portal.registry.
    for name, step in registry.retention_steps.items():
        report.others[name] = step(cutoff=report.cutoff, dry_run=dry_run)
    return report


@task
def apply_retention() -> dict:
    """The retention policy, run on a schedule (e.g. nightly): anonymise complaints past retention."""
    report = retention_apply(actor=system_actor())
    return {
        "anonymised": len(report.anonymised),
        "on_hold": len(report.on_hold),
        "files": report.files_deleted,
        **{name: len(done) for name, done in report.others.items()},
    }
