"""A complainant's own account (complaints/account/): sign-in codes sent by SMS, the signed-in sessions, the
requests about one's personal data (PIPL Art. 44–50) and call-back requests, each step of the last two kept
as an `AccountEvent`.

Nothing here is keyed by a user: a complainant is known by a phone number (E.164, portal/phones.py) they have
just proved they hold with a code. Codes and session tokens are kept hashed (a keyed hash under the site's
secret), never in clear."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .vocabulary import LANGUAGE_CHOICES


class AccountCode(models.Model):
    """A six-digit code sent by SMS to a phone: good for PORTAL_ACCOUNT_CODE_SECONDS and PORTAL_ACCOUNT_CODE_TRIES
    wrong tries; used once. Only the newest code of a phone counts."""

    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    code_hash = models.CharField(_("code (hashed)"), max_length=64)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    tries = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        default_permissions = ()
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"


class AccountSession(models.Model):
    """A signed-in complainant: the browser holds a random token (a browser-session cookie), the server its
    hash. It ends after PORTAL_ACCOUNT_IDLE_SECONDS without use, PORTAL_ACCOUNT_SESSION_SECONDS after it began,
    or when the complainant signs out (`ended_at`): an ended row opens nothing on any worker."""

    token_hash = models.CharField(max_length=64, unique=True)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    started_at = models.DateTimeField(_("started at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account session")
        verbose_name_plural = _("account sessions")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.phone} {self.started_at:%Y-%m-%d %H:%M}"


class DataRequestKind(models.TextChoices):
    ACCESS = "access", _("See what you hold about me")
    COPY = "copy", _("A copy of my data")
    CORRECT = "correct", _("Correct my data")
    DELETE = "delete", _("Delete my data")
    EXPLAIN = "explain", _("Explain how my data is used")


# Correction and deletion change or remove a person's data: only after identity is confirmed beyond the code.
IDENTITY_KINDS = (DataRequestKind.CORRECT, DataRequestKind.DELETE)


class DataRequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IDENTITY_CONFIRMED = "identity_confirmed", _("Identity confirmed")
    ANSWERED = "answered", pgettext_lazy("data request", "Answered")
    REFUSED = "refused", pgettext_lazy("data request", "Refused")


DATA_REQUEST_OPEN = (DataRequestStatus.RECEIVED, DataRequestStatus.IDENTITY_CONFIRMED)


class IdentityMethod(models.TextChoices):
    CALL_BACK = "call_back", _("Call back to the number on record")
    VISIT = "visit", _("Visit with an identity document")


class DataRequest(models.Model):
    """A request about one's personal data (PIPL Art. 44–50), made after signing in, answered by staff holding
    the full-data permission by `due_on` (PORTAL_DATA_REQUEST_WORKING_DAYS working days)."""

    number = models.CharField(_("request number"), max_length=24, unique=True, editable=False)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    kind = models.CharField(pgettext_lazy("data request", "request"), max_length=10, choices=DataRequestKind.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="zh-hans")
    received_at = models.DateTimeField(_("received at"))
    due_on = models.DateField(_("answer due by"))
    status = models.CharField(
        _("status"), max_length=20, choices=DataRequestStatus.choices, default=DataRequestStatus.RECEIVED
    )
    identity_method = models.CharField(
        _("identity confirmed by"), max_length=10, choices=IdentityMethod.choices, blank=True
    )
    identity_note = models.CharField(_("how identity was confirmed"), max_length=300, blank=True)
    identity_confirmed_at = models.DateTimeField(_("identity confirmed at"), null=True, blank=True)
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    kept_until = models.TextField(_("what is kept, and until when"), blank=True)

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DataRequestKind.values), name="datarequest_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=DataRequestStatus.values), name="datarequest_status_valid"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def needs_identity(self) -> bool:
        return self.kind in IDENTITY_KINDS

    @property
    def is_open(self) -> bool:
        return self.status in DATA_REQUEST_OPEN


class CallbackTime(models.TextChoices):
    ANY = "any", _("Any time in opening hours")
    MORNING = "morning", _("Morning (9:00–12:00)")
    AFTERNOON = "afternoon", _("Afternoon (13:30–17:00)")


class CallbackStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a call")
    DONE = "done", _("Called back")


class CallbackOutcome(models.TextChoices):
    COMPLAINT = "complaint", _("Became a complaint")
    ANSWERED = "answered", _("Answered on the phone")
    UNREACHABLE = "unreachable", _("Could not be reached")


class Callback(models.Model):
    """A request to be called back (T/IAC 54-2025: one step to a person), in the work queue until a member of
    staff records its outcome; a call back that became a complaint links it."""

    number = models.CharField(_("request number"), max_length=24, unique=True, editable=False)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    preferred_time = models.CharField(
        _("preferred time"), max_length=10, choices=CallbackTime.choices, default=CallbackTime.ANY
    )
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="zh-hans")
    topic = models.CharField(_("what it is about"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"), max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.WAITING
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=CallbackOutcome.choices, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callbacks",
    )
    answered_at = models.DateTimeField(_("called at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("called by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("call-back request")
        verbose_name_plural = _("call-back requests")
        ordering = ["created_at", "id"]
        permissions = [("answer_callback", _("Can call back and record the outcome"))]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CallbackStatus.values), name="callback_status_valid"),
            models.CheckConstraint(
                condition=Q(status=CallbackStatus.WAITING, outcome="") | ~Q(status=CallbackStatus.WAITING),
                name="callback_waiting_has_no_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class AccountAction(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    IDENTITY_CONFIRMED = "identity_confirmed", _("Identity confirmed")
    ANSWERED = "answered", pgettext_lazy("data request", "Answered")
    REFUSED = "refused", pgettext_lazy("data request", "Refused")
    COPY_GIVEN = "copy_given", _("Copy downloaded")
    CALLED = "called", _("Called back")


class AccountEvent(models.Model):
    """One step of a data request or a call back: who (None: the person themselves), when, what, a note."""

    data_request = models.ForeignKey(
        DataRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=AccountAction.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("account request step")
        verbose_name_plural = _("account request steps")
        ordering = ["at", "id"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=Q(data_request__isnull=False, callback__isnull=True)
                | Q(data_request__isnull=True, callback__isnull=False),
                name="accountevent_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
