"""The organisation the portal serves: its profile (one row), its branches and its working-day calendar
(public holidays and make-up working days)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .phones import validate_phone

PROVINCES = [
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏",
    "陕西", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门", "台湾",
]  # fmt: skip

# Province names are proper nouns stored in Chinese (the key used in reports); this is how English pages show them.
PROVINCE_ENGLISH = {
    "北京": "Beijing", "天津": "Tianjin", "河北": "Hebei", "山西": "Shanxi", "内蒙古": "Inner Mongolia",
    "辽宁": "Liaoning", "吉林": "Jilin", "黑龙江": "Heilongjiang", "上海": "Shanghai", "江苏": "Jiangsu",
    "浙江": "Zhejiang", "安徽": "Anhui", "福建": "Fujian", "江西": "Jiangxi", "山东": "Shandong", "河南": "Henan",
    "湖北": "Hubei", "湖南": "Hunan", "广东": "Guangdong", "广西": "Guangxi", "海南": "Hainan",
    "重庆": "Chongqing", "四川": "Sichuan", "贵州": "Guizhou", "云南": "Yunnan", "西藏": "Tibet",
    "陕西": "Shaanxi", "甘肃": "Gansu", "青海": "Qinghai", "宁夏": "Ningxia", "新疆": "Xinjiang",
    "香港": "Hong Kong", "澳门": "Macao", "台湾": "Taiwan",
}  # fmt: skip

PROVINCE_CHOICES = [(name, name) for name in PROVINCES]


class SiteProfile(models.Model):
    """The insurer's public identity and contact details. Exactly one row (pk=1); see SiteProfile.load()."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, help_text=_("Used as the logo text."))
    hotline = models.CharField(_("hotline"), max_length=40, validators=[validate_phone])
    email = models.EmailField(_("complaint email"))
    address = models.CharField(_("postal address"), max_length=300)
    postcode = models.CharField(
        _("postcode"), max_length=6, blank=True, validators=[RegexValidator(r"^\d{6}$", _("Six digits."))]
    )
    office_hours = models.CharField(_("office hours"), max_length=200)
    international_hotline = models.CharField(
        _("number to call from abroad"),
        max_length=40,
        blank=True,
        validators=[validate_phone],
        help_text=_("A number with its country code that can be dialled from outside China, e.g. +86 10 8592 1177."),
    )
    english_service_hours = models.CharField(
        _("hours of service in English"),
        max_length=200,
        blank=True,
        help_text=_("When staff who speak English answer the phone, in Beijing time. Shown on English pages."),
    )
    complaint_channels = models.TextField(
        _("complaint channels"), help_text=_("How to complain by letter, visit, web, phone, WeChat and email.")
    )
    wechat_account = models.CharField(_("WeChat official account"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("site profile")
        verbose_name_plural = _("site profile")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="siteprofile_single_row")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "SiteProfile":
        """The profile row, or an unsaved one with neutral defaults before any has been entered."""
        return cls.objects.filter(pk=1).first() or cls.defaults()

    @classmethod
    def defaults(cls) -> "SiteProfile":
        return cls(pk=1, name="", short_name="", hotline="", email="", address="", office_hours="")


class BranchQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def head_office(self):
        """The top of the organisation: the one unit without a superior that has units under it (None while
        no branch has been put under another)."""
        tops = list(self.filter(parent__isnull=True, children__isnull=False).distinct()[:2])
        return tops[0] if len(tops) == 1 else None


class Branch(models.Model):
    """A branch office (分公司). Shared by the reception schedule and the complaint records."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, help_text=_("ASCII, used in URLs."))
    province = models.CharField(_("province"), max_length=10, choices=PROVINCE_CHOICES)
    address = models.CharField(_("counter address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    counter_hours = models.CharField(_("counter hours"), max_length=200, blank=True)
    transit = models.TextField(_("transit directions"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("superior unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The unit a review of this branch's decisions goes to. Empty for the head office."),
    )

    objects = BranchQuerySet.as_manager()

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["sort_order", "slug"]

    def __str__(self):
        return self.name

    @property
    def province_display(self) -> str:
        return province_label(self.province)

    def clean(self):
        super().clean()
        seen, unit = {self.pk}, self.parent
        while unit is not None:
            if unit.pk in seen:
                raise ValidationError({"parent": _("A unit cannot be placed under itself or under a unit below it.")})
            seen.add(unit.pk)
            unit = unit.parent

    def superior(self) -> "Branch":
        """The unit above this one; the head office is its own superior (it has none above it)."""
        return self.parent if self.parent_id else self


def province_label(name: str) -> str:
    """A province's name in the active language (stored and reported in Chinese)."""
    if (get_language() or "").startswith("en"):
        return PROVINCE_ENGLISH.get(name, name)
    return name


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday (no work)")
    WORKDAY = "workday", _("Make-up working day")


class HolidayQuerySet(models.QuerySet):
    def calendar(self) -> tuple[dict, set]:
        """These rows as the working-day rules take them (portal/workdays.py): the public holidays as
        {date: name}, and the set of make-up working days."""
        rows = list(self)
        off = {row.date: row.name for row in rows if row.kind == HolidayKind.HOLIDAY}
        return off, {row.date for row in rows if row.kind == HolidayKind.WORKDAY}

    def working_days_after(self, start, days: int):
        """The `days`-th working day after `start` by the calendar kept here (a limit in working days)."""
        from .workdays import add_working_days

        holidays, workdays = self.filter(date__gt=start, date__lte=start + timedelta(days=days * 3 + 30)).calendar()
        return add_working_days(start, days, set(holidays), workdays)


class Holiday(models.Model):
    """A day off by law (法定节假日), or a weekend day made a working day in exchange (调休): the working-day
    calendar that moves reception days (portal/workdays.py has its rules). Every change is kept with who made it
    and when (`history`)."""

    date = models.DateField(pgettext_lazy("holiday", "date"), unique=True)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=HolidayKind.choices, default=HolidayKind.HOLIDAY)
    history = HistoricalRecords()

    objects = HolidayQuerySet.as_manager()

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class RateCount(models.Model):
    """One rate-limit counter (scope, identity and window in the key), shared by every worker and server
    through the database when there is no Redis (portal/ratelimit.py). Rows of past windows are removed as new
    windows are counted."""

    key = models.CharField(max_length=100, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")
        default_permissions = ()

    def __str__(self):
        return self.key


from .audit import PersonalDataSeen  # noqa: E402, F401  (the personal-data log: portal/audit.py)
