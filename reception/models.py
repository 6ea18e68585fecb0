"""General-manager reception days (总经理接待日), visit bookings and the link between branch staff and the
branches whose schedule they keep. (The public holidays that move the days are portal.models.Holiday.)"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from portal.i18n import is_english
from portal.models import Branch
from portal.phones import validate_phone
from portal.roles import BRANCH_STAFF


class DayStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("reception day", "Scheduled")
    MOVED = "moved", _("Moved")
    CANCELLED = "cancelled", _("Cancelled")


class ReceptionDayQuerySet(models.QuerySet):
    def public(self):
        return self.filter(branch__is_active=True).select_related("branch")

    def upcoming(self, today: date):
        """Days from `today` on (cancelled ones included: people must see that a day is off), soonest first."""
        return self.public().filter(date__gte=today).order_by("date", "branch__sort_order", "branch__slug")

    def upcoming_of(self, branches, today: date) -> list:
        """upcoming(today) for these branches (read already), each day given its branch from them rather than
        read with it: a schedule of 75 days makes 75 objects, not 150."""
        by_id = {branch.pk: branch for branch in branches}
        days = list(self.upcoming(today).select_related(None).filter(branch_id__in=list(by_id)))
        for day in days:
            day.branch = by_id[day.branch_id]
        return days

    def first_date_from(self, today: date) -> date | None:
        """The date of the first day from `today` on, of any branch, or None: the page cache's horizon, asked by
        every cold page, so plain SQL."""
        table, connection = self.model._meta.db_table, connections[self.db]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MIN(date) FROM {table} WHERE date >= %s",  # noqa: S608
                [connection.ops.adapt_datefield_value(today)],
            )
            first = cursor.fetchone()[0]
        return date.fromisoformat(first) if isinstance(first, str) else first  # SQLite gives the text it stores

    def past(self, today: date | None = None):
        """Days before `today`, latest first (the archive)."""
        today = today or timezone.localdate()
        return self.public().filter(date__lt=today).order_by("-date", "branch__sort_order", "branch__slug")

    def bookable(self, today: date):
        return self.upcoming(today).exclude(status=DayStatus.CANCELLED)

    def next_per_branch(self, today: date):
        """Each active branch's next day that still takes place: one query, whatever the number of branches."""
        first = (
            ReceptionDay.objects.filter(branch=OuterRef("branch"), date__gte=today)
            .exclude(status=DayStatus.CANCELLED)
            .order_by("date")
            .values("pk")[:1]
        )
        return self.bookable(today).filter(pk=Subquery(first)).order_by("branch__sort_order", "branch__slug")

    def with_booking_counts(self):
        return self.annotate(
            booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)),
        )

    def for_user(self, user):
        """What a staff member may maintain: every branch, or only the branches they are linked to."""
        branches = staff_branch_ids(user)
        return self if branches is None else self.filter(branch_id__in=branches)


# What a calendar shows of a reception day: a change to any of these is a new revision (SEQUENCE) of its event.
CALENDAR_FIELDS = (
    "date",
    "start_time",
    "end_time",
    "receptionist",
    "title_zh_hans",
    "title_en",
    "phone",
    "place_zh_hans",
    "place_en",
    "status",
    "status_reason_zh_hans",
    "status_reason_en",
)


class ReceptionDay(models.Model):
    """One day on which a branch's general manager (or a deputy) receives consumers in person.

    Times are Beijing local times (the branch's wall clock); the iCalendar feed attaches Asia/Shanghai to them.
    """

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="reception_days", verbose_name=_("branch")
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"), help_text=_("Beijing time."))
    end_time = models.TimeField(_("ends at"), help_text=_("Beijing time."))
    receptionist = models.CharField(_("receptionist"), max_length=60)
    title = models.CharField(
        pgettext_lazy("job", "title"), max_length=60, blank=True, help_text=_("E.g. General Manager.")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    place = models.CharField(_("place"), max_length=300)
    liaison = models.CharField(_("liaison"), max_length=60, blank=True)
    receptionist_latin = models.CharField(
        _("receptionist's name in Latin letters"),
        max_length=60,
        blank=True,
        db_default="",
        help_text=_("Pinyin, family name first, e.g. Zhang Dan. Shown on English pages beside the characters."),
    )
    liaison_latin = models.CharField(_("liaison's name in Latin letters"), max_length=60, blank=True, db_default="")
    notes = models.TextField(_("notes"), blank=True, help_text=_("Shown on the public page."))
    status = models.CharField(_("status"), max_length=10, choices=DayStatus.choices, default=DayStatus.SCHEDULED)
    status_reason = models.CharField(
        _("reason for the change"), max_length=300, blank=True, help_text=_("Shown when a day is moved or cancelled.")
    )
    moved_from = models.DateField(_("moved from"), null=True, blank=True, help_text=_("The date first announced."))
    capacity = models.PositiveSmallIntegerField(
        _("bookable visits"), default=10, help_text=_("How many visits can be booked online for this day.")
    )
    # How many times what a calendar shows of the day has changed: its iCalendar SEQUENCE.
    sequence = models.PositiveIntegerField(_("revision"), default=0, db_default=0, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "sequence"])

    objects = ReceptionDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        ordering = ["-date", "branch__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "date"], name="reception_day_one_per_branch_and_date"),
            models.CheckConstraint(condition=Q(start_time__lt=models.F("end_time")), name="reception_day_starts_first"),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in DayStatus]), name="reception_day_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.branch} {self.date:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            before = ReceptionDay.objects.filter(pk=self.pk).values(*CALENDAR_FIELDS).first()
            if before is not None and any(before[name] != getattr(self, name) for name in CALENDAR_FIELDS):
                self.sequence = (self.sequence or 0) + 1
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "sequence"}
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.start_time and self.end_time and self.start_time >= self.end_time:
            errors["end_time"] = _("The day must end after it starts.")
        if self.status == DayStatus.CANCELLED and not (self.status_reason_zh_hans or "").strip():
            # People who planned to come are owed a reason (shown on the page and in their calendar).
            errors["status_reason_zh_hans"] = _("Say why the day is cancelled.")
        if self.status == DayStatus.MOVED and not self.moved_from:
            errors["moved_from"] = _("Give the date first announced.")
        if self.moved_from and self.moved_from == self.date:
            errors["moved_from"] = _("The date first announced must differ from the new date.")
        if errors:
            raise ValidationError(errors)

    @property
    def receptionist_display(self) -> str:
        return _person(self.receptionist, self.receptionist_latin)

    @property
    def liaison_display(self) -> str:
        return _person(self.liaison, self.liaison_latin)

    @property
    def title_display(self) -> str:
        """The title in the page's language: the English one staff gave, else the usual English of a known
        Chinese title (an English page never calls a general manager by characters only)."""
        if is_english() and not (getattr(self, "title_en", "") or "").strip():
            chinese = (getattr(self, "title_zh_hans", "") or self.title or "").strip()
            return str(TITLES_IN_ENGLISH.get(chinese, chinese))
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == DayStatus.CANCELLED

    @property
    def is_moved(self) -> bool:
        return self.status == DayStatus.MOVED

    @property
    def anchor(self) -> str:
        return f"day-{self.branch.slug}-{self.date:%Y%m%d}"


# The usual English of the titles reception days are held by.
TITLES_IN_ENGLISH = {
    "总经理": _("General manager"),
    "副总经理": _("Deputy general manager"),
    "总经理助理": _("Assistant general manager"),
    "临时负责人": _("Acting head"),
}


def _person(name: str, latin: str) -> str:
    """A staff member's name as a page shows it: on English pages in Latin letters with the characters beside."""
    if is_english() and latin.strip() and name.strip():
        return f"{latin.strip()} ({name.strip()})"
    return name


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=BookingStatus.BOOKED)

    def for_user(self, user):
        branches = staff_branch_ids(user)
        return self if branches is None else self.filter(day__branch_id__in=branches)


class Booking(models.Model):
    """A consumer's booked visit on a reception day. What they typed is kept as typed, in their language."""

    day = models.ForeignKey(ReceptionDay, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("day"))
    number = models.CharField(_("booking number"), max_length=24, unique=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, help_text=_("E.164."))
    topic = models.TextField(_("topic"), max_length=1000)
    tracking_number = models.CharField(_("complaint tracking number"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Set once staff have registered the visit as a complaint (channel: visit); complaints never point back here.
    complaint = models.OneToOneField(
        "complaints.Complaint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("complaint"),
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in BookingStatus]),
                name="reception_booking_status_valid",
            ),
        ]

    def __str__(self):
        return self.number


class BranchStaff(models.Model):
    """Links a member of the Branch staff group to a branch whose schedule and bookings they keep."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reception_branches", verbose_name=_("user")
    )
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+", verbose_name=_("branch"))

    class Meta:
        verbose_name = _("branch staff member")
        verbose_name_plural = _("branch staff members")
        constraints = [models.UniqueConstraint(fields=["user", "branch"], name="reception_branch_staff_unique")]

    def __str__(self):
        return f"{self.user} · {self.branch}"


def branch_members(branch_id: int | None) -> Q:
    """Among users: the Branch staff linked to branch `branch_id` (to any branch when None)."""
    linked = Q(reception_branches__isnull=False) if branch_id is None else Q(reception_branches__branch_id=branch_id)
    return Q(groups__name=BRANCH_STAFF) & linked


def staff_branch_ids(user) -> list[int] | None:
    """None when `user` may work on every branch (superusers and staff outside the Branch staff group);
    otherwise the ids of the branches they are linked to (possibly none)."""
    if user.is_superuser:
        return None
    cache_name = "_reception_branch_ids"
    if not hasattr(user, cache_name):
        if user.groups.filter(name=BRANCH_STAFF).exists():
            ids = list(BranchStaff.objects.filter(user=user).values_list("branch_id", flat=True))
        else:
            ids = None
        setattr(user, cache_name, ids)
    return getattr(user, cache_name)
