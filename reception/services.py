"""Writes of the reception app: importing and generating schedules, booking and cancelling visits, and turning a
visit into a complaint record. Views, admin actions and the import command all call these."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from complaints import services as complaint_services
from complaints.models import Category, Complaint, EventAction
from portal import codes
from portal.actors import is_system_actor
from portal.models import PROVINCE_ENGLISH, PROVINCES, Branch
from portal.phones import normalize_phone, phones_match
from portal.tabular import ImportRefused

from . import notifications
from .importer import ImportProblem, ScheduleRow
from .models import Booking, BookingStatus, DayStatus, ReceptionDay, staff_branch_ids

# Titles as branches publish them, with the English the public pages show until staff write their own.
TITLE_ENGLISH = {
    "总经理": "General Manager",
    "副总经理": "Deputy General Manager",
    "总经理助理": "Assistant General Manager",
    "临时负责人": "Acting Head",
    "负责人": "Head",
}


@dataclass
class ImportOutcome:
    created: list[ScheduleRow] = field(default_factory=list)
    updated: list[ScheduleRow] = field(default_factory=list)
    unchanged: list[ScheduleRow] = field(default_factory=list)
    new_branches: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def _check_actor(actor, permission: str, branch_ids=()) -> None:
    """PermissionDenied unless `actor` is the system actor (every branch), or holds `permission` and every branch
    in `branch_ids` is within their branch scope (see models.staff_branch_ids)."""
    if is_system_actor(actor):
        return
    if actor is None or not actor.has_perm(permission):
        raise PermissionDenied
    allowed = staff_branch_ids(actor)
    if allowed is not None and any(branch_id not in allowed for branch_id in branch_ids):
        raise PermissionDenied


def _branch_scope(actor) -> list[int] | None:
    """The ids of the branches `actor` may work on, or None for every branch (the system actor's too)."""
    return None if is_system_actor(actor) else staff_branch_ids(actor)


def _squash(text: str) -> str:
    return "".join((text or "").split()).lower()


def _branch_index() -> dict[str, Branch]:
    index = {}
    for branch in Branch.objects.all():
        for name in (branch.name_zh_hans, branch.name_en, branch.slug):
            if name:
                index.setdefault(_squash(name), branch)
    return index


def guess_province(name: str) -> str:
    """The province a branch name starts with (北京分公司 → 北京), or "" when it starts with none."""
    for province in sorted(PROVINCES, key=len, reverse=True):
        if name.startswith(province):
            return province
    return ""


def _new_branch_slug(province: str) -> str:
    """ASCII slug for a new branch: the province's English name (beijing, inner-mongolia), made unique with
    a number, or branch-<n> when the province is not known."""
    base = slugify(PROVINCE_ENGLISH.get(province, "")) if province else ""
    taken = set(Branch.objects.values_list("slug", flat=True))
    if base and base not in taken:
        return base
    stem = base or "branch"
    number = 2 if base else Branch.objects.count() + 1
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"


def branch_find_or_create(*, name: str, index: dict | None = None, create: bool = True) -> tuple[Branch | None, bool]:
    """The branch a schedule names (by Chinese or English name or slug, spaces ignored); created when unknown,
    with the province guessed from the start of its name."""
    index = _branch_index() if index is None else index
    found = index.get(_squash(name))
    if found or not create:
        return found, False
    province = guess_province(name)
    branch = Branch.objects.create(
        name=name, name_zh_hans=name, slug=_new_branch_slug(province), province=province, sort_order=200
    )
    index[_squash(name)] = branch
    return branch, True


def _day_values(row: ScheduleRow) -> dict:
    values = {
        "start_time": row.start_time,
        "end_time": row.end_time,
        "receptionist": row.receptionist,
        "title_zh_hans": row.title,
        "phone": row.phone,
        "place_zh_hans": row.place,
        "liaison": row.liaison,
    }
    if row.notes:
        values["notes_zh_hans"] = row.notes
    return values


@transaction.atomic
def reception_import(*, rows: list[ScheduleRow], actor, dry_run: bool = False) -> ImportOutcome:
    """Write a parsed schedule, all or nothing: one row per branch and date, updated when it exists (so importing
    the same file twice changes nothing). `actor` needs the permission to add reception days (PermissionDenied
    otherwise; the system actor may import everything). Unknown branches are created, except for staff limited to
    their own branches, whose file is refused (ImportRefused, naming the row) when it names another branch. With
    `dry_run` the outcome is computed and everything is rolled back (the admin's preview)."""
    _check_actor(actor, "reception.add_receptionday")
    allowed_branch_ids = _branch_scope(actor)
    outcome = ImportOutcome()
    index = _branch_index()
    problems = []
    for row in rows:
        branch, created = branch_find_or_create(name=row.branch, index=index, create=allowed_branch_ids is None)
        if created:
            outcome.new_branches.append(row.branch)
        if branch is None or (allowed_branch_ids is not None and branch.pk not in allowed_branch_ids):
            problems.append(
                ImportProblem(
                    row.row, "branch", _("You may not import days for “%(branch)s”.") % {"branch": row.branch}
                )
            )
            continue
        values = _day_values(row)
        day = ReceptionDay.objects.filter(branch=branch, date=row.date).first()
        if day is None:
            title_en = TITLE_ENGLISH.get(row.title, "")
            day = ReceptionDay(branch=branch, date=row.date, title_en=title_en, **values)
            day.full_clean(exclude=["phone"])
            day.save()
            outcome.created.append(row)
        elif any(getattr(day, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(day, key, value)
            if not day.title_en:
                day.title_en = TITLE_ENGLISH.get(row.title, "")
            day.save()
            outcome.updated.append(row)
        else:
            outcome.unchanged.append(row)
    if problems:
        raise ImportRefused(problems)
    if dry_run:
        transaction.set_rollback(True)
    return outcome


# --- editing a day ---------------------------------------------------------------------------------------------

# A change to one of these is news for everyone who booked the day.
NOTIFIED_FIELDS = {"date", "start_time", "end_time", "place_zh_hans", "place_en", "status"}


@transaction.atomic
def reception_day_save(*, day: ReceptionDay, changed: list[str], actor) -> ReceptionDay:
    """Save staff's edit of a day (or a new day). `actor` needs the permission to change (or add) reception days,
    and both the day's branch and, for an existing day, the branch it had must be within their branch scope:
    PermissionDenied otherwise. When its date, time, place or status changed, everyone with an active booking is
    told by text message, in the language they booked in (queued with the change)."""
    stored = ReceptionDay.objects.filter(pk=day.pk).values_list("branch_id", flat=True).first() if day.pk else None
    permission = "reception.change_receptionday" if stored is not None else "reception.add_receptionday"
    _check_actor(actor, permission, [day.branch_id, *([stored] if stored is not None else [])])
    day.full_clean()
    day.save()
    if NOTIFIED_FIELDS & set(changed):
        kind = notifications.DAY_CANCELLED if day.status == DayStatus.CANCELLED else notifications.MOVED
        for booking in day.bookings.active().select_related("day__branch"):
            notifications.notify(booking, kind)
    return day


# --- generating a year -----------------------------------------------------------------------------------------


@transaction.atomic
def reception_days_generate(
    *,
    branch: Branch,
    dates: list[date],
    start_time: time,
    end_time: time,
    receptionist: str,
    title: str,
    place: str,
    phone: str = "",
    liaison: str = "",
    capacity: int = 10,
    moved: dict[date, date] | None = None,
    reason: str = "",
    actor,
) -> list[ReceptionDay]:
    """Create the days staff kept from a proposed year. A date the branch already has is left as it is (staff
    edit existing days one by one); a day the rule moved off a holiday is marked moved, with the original date.
    `actor` needs the permission to add reception days and the branch within their scope (PermissionDenied)."""
    _check_actor(actor, "reception.add_receptionday", [branch.pk])
    moved = moved or {}
    existing = set(ReceptionDay.objects.filter(branch=branch, date__in=dates).values_list("date", flat=True))
    created = []
    for day_date in sorted(set(dates) - existing):
        day = ReceptionDay(
            branch=branch,
            date=day_date,
            start_time=start_time,
            end_time=end_time,
            receptionist=receptionist,
            title_zh_hans=title,
            title_en=TITLE_ENGLISH.get(title, ""),
            place_zh_hans=place,
            phone=phone,
            liaison=liaison,
            capacity=capacity,
        )
        if day_date in moved:
            day.status = DayStatus.MOVED
            day.moved_from = moved[day_date]
            day.status_reason_zh_hans = reason
        day.full_clean()
        day.save()
        created.append(day)
    return created


# --- bookings --------------------------------------------------------------------------------------------------


class BookingRefused(Exception):
    """A booking the day cannot take; the message is for the consumer. `field` names the form field it is about
    (None: the whole form)."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def _lock_phone(phone: str) -> None:
    """Serialise bookings for one phone until the transaction ends (two at the same moment cannot both take the
    phone's last upcoming booking). Taken after the day's row, in every booking, so the order never crosses."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"booking-phone:{phone}"])


def upcoming_bookings_of(phone: str, today: date) -> int:
    """How many active bookings `phone` (E.164) holds for days from `today` on."""
    return Booking.objects.active().filter(phone=phone, day__date__gte=today).count()


@transaction.atomic
def booking_create(
    *, day_id: int, name: str, phone: str, topic: str, tracking_number: str = "", today: date | None = None
) -> Booking:
    """Book a visit on an upcoming day that is not cancelled, within its capacity, for a phone that holds fewer
    than PORTAL_BOOKINGS_PER_PHONE upcoming bookings (a number typed by anyone must not fill the days).

    The day's row is locked (SELECT … FOR UPDATE) while the active bookings are counted, so two people taking
    the last place at the same moment cannot both get it; the phone's bookings are counted under a lock of its
    own, for the same reason."""
    today = today or timezone.localdate()
    day = ReceptionDay.objects.select_for_update().filter(pk=day_id).first()
    ended = day is not None and day.date == today and timezone.localtime().time() >= day.end_time
    if day is None or day.date < today or ended:
        raise BookingRefused(_("This reception day has passed or does not exist."))
    if day.status == DayStatus.CANCELLED:
        raise BookingRefused(_("This reception day is cancelled."))
    if day.bookings.active().count() >= day.capacity:
        raise BookingRefused(
            _("This reception day is fully booked. Choose another day or call the branch to ask about places.")
        )
    phone = normalize_phone(phone)
    _lock_phone(phone)
    most = settings.PORTAL_BOOKINGS_PER_PHONE
    if upcoming_bookings_of(phone, today) >= most:
        raise BookingRefused(
            ngettext(
                "This phone number already holds %(count)s upcoming booking, the most one number may hold. "
                "Cancel it (with its booking number) before booking another visit.",
                "This phone number already holds %(count)s upcoming bookings, the most one number may hold. "
                "Cancel one of them (with its booking number) before booking another visit.",
                most,
            )
            % {"count": most},
            field="phone",
        )
    booking = Booking.objects.create(
        day=day,
        number=codes.generate("BK", timezone.localdate()),
        name=name.strip(),
        phone=phone,
        topic=topic.strip(),
        tracking_number=codes.normalize(tracking_number) if tracking_number else "",
        language=(get_language() or "zh-hans")[:10],
    )
    # The booking number by SMS: it is needed to cancel.
    notifications.notify(booking, notifications.CONFIRMED)
    return booking


def booking_find(*, number: str, phone: str) -> Booking | None:
    """The booking with this number whose phone matches, compared in constant time; None otherwise (whether the
    number or the phone was wrong is not told)."""
    number = codes.normalize(number)
    booking = None
    if codes.is_well_formed(number, "BK"):
        booking = Booking.objects.select_related("day__branch").filter(number=number).first()
    return booking if phones_match(booking.phone if booking else None, phone) else None


@transaction.atomic
def booking_cancel(*, booking: Booking) -> Booking:
    """Cancel a booked visit (by the consumer, with number and phone, or by staff); the place is freed and the
    visitor is told."""
    booking = Booking.objects.select_for_update().select_related("day__branch").get(pk=booking.pk)
    if booking.status != BookingStatus.CANCELLED:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["status", "cancelled_at"])
        notifications.notify(booking, notifications.CANCELLED)
    return booking


@transaction.atomic
def booking_register_complaint(
    *, booking: Booking, actor, category: str = "", note: str = "", today: date | None = None
):
    """After the visit (on the day or later), register it as a complaint received in person (channel 访 visit),
    through the complaints service, received at the start of the day's window, for the day's branch. The booking
    keeps the link; a booking is registered at most once, and a cancelled one never."""
    today = today or timezone.localdate()
    booking = Booking.objects.select_for_update().select_related("day__branch").get(pk=booking.pk)
    day = booking.day
    if booking.complaint_id:
        raise BookingRefused(_("Booking %(number)s is already registered as a complaint.") % {"number": booking.number})
    if booking.status != BookingStatus.BOOKED:
        raise BookingRefused(_("Booking %(number)s was cancelled.") % {"number": booking.number})
    if day.date > today:
        raise BookingRefused(_("Booking %(number)s: the visit has not taken place yet.") % {"number": booking.number})
    reference = _("Visit on the reception day of %(branch)s, %(date)s (booking %(number)s).") % {
        "branch": day.branch.name,
        "date": day.date.isoformat(),
        "number": booking.number,
    }
    complaint = complaint_services.complaint_register_visit(
        actor=actor,
        received_at=datetime.combine(day.date, day.start_time, tzinfo=timezone.get_default_timezone()),
        name=booking.name,
        phone=booking.phone,
        description=booking.topic,
        category=category or Category.OTHER,
        branch=day.branch,
        language=booking.language,
        note="\n".join(part for part in (reference, note) if part),
    )
    booking.complaint = complaint
    booking.save(update_fields=["complaint"])
    return complaint


def booking_complaint_for_link(*, booking: Booking, actor, tracking_number: str):
    """The complaint a booking may be linked to by its tracking number, as typed: for branch staff one of the
    booking's branch's complaints, for others one they may see. The same refusal whether the number does not
    exist or belongs elsewhere, so the form is no way to find out which numbers exist."""
    number = codes.normalize(tracking_number)
    candidates = Complaint.objects.filter(tracking_number=number)
    branches = staff_branch_ids(actor)
    if branches is None:
        candidates = candidates.visible_to(actor)
    else:
        candidates = candidates.filter(branch_id=booking.day.branch_id, branch_id__in=branches)
    complaint = candidates.first()
    if complaint is None:
        raise BookingRefused(
            _("No complaint of the branch %(branch)s has the tracking number %(number)s.")
            % {"branch": booking.day.branch.name, "number": number}
        )
    other = Booking.objects.filter(complaint=complaint).exclude(pk=booking.pk).first()
    if other is not None:
        raise BookingRefused(
            _("Complaint %(number)s is already linked to booking %(booking)s.")
            % {"number": complaint.tracking_number, "booking": other.number}
        )
    return complaint


@transaction.atomic
def booking_link_complaint(*, booking: Booking, actor, tracking_number: str) -> Booking:
    """Link a booking to the complaint its visit became (chosen by tracking number, see
    booking_complaint_for_link); the complaint's history records the link."""
    booking = Booking.objects.select_for_update().select_related("day__branch").get(pk=booking.pk)
    complaint = booking_complaint_for_link(booking=booking, actor=actor, tracking_number=tracking_number)
    if booking.complaint_id == complaint.pk:
        return booking
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    previous = booking.complaint.tracking_number if booking.complaint_id else ""
    booking.complaint = complaint
    booking.save(update_fields=["complaint"])
    complaint_services.record_event(
        complaint,
        EventAction.CORRECT,
        actor=actor,
        note=_("Linked to the booking %(number)s of a reception day.") % {"number": booking.number},
        data={"booking": booking.number, **({"previous_complaint": previous} if previous else {})},
    )
    return booking
