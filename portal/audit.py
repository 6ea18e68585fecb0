"""The log of personal data seen in full, for every kind of record (complaints, bookings, ...): who, when,
where, which fields, and of which record. portal/models.py imports the model; portal.privacy.personal_data_seen
writes it. Rows are written once and never changed or removed (the database refuses it too, migration 0100)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class AppendOnly(models.Model):
    """Rows are written once and never changed or removed (each table's migration adds a trigger that makes the
    database refuse it too)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError(self._refusal("changed"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(self._refusal("deleted"))

    def _refusal(self, what: str) -> str:
        return (
            f"This record cannot be {what}: {type(self).__name__} is append-only, every row stays as it was "
            "written. Record a correction as a new row instead."
        )


class PersonalDataSeenQuerySet(models.QuerySet):
    def about(self, subject):
        """The views of one record (a model instance), or of a kind of record when given its model class."""
        kind = self.filter(content_type=ContentType.objects.get_for_model(subject))
        return kind if isinstance(subject, type) else kind.filter(object_id=subject.pk)


class PersonalDataSeen(AppendOnly):
    """Who saw a person's data in full, when, where and which fields (PIPL; JR/T 0171). The record seen is a
    content type and an id, with its label at the time (a tracking number, a booking number: never personal
    data); a search over a kind of record names the kind only."""

    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+"
    )
    where = models.CharField(_("where"), max_length=200)
    fields = models.CharField(_("fields"), max_length=200)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    label = models.CharField(_("record"), max_length=200, blank=True)

    objects = PersonalDataSeenQuerySet.as_manager()

    class Meta:
        app_label = "portal"
        verbose_name = _("full view of personal data")
        verbose_name_plural = _("full views of personal data")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="portal_pds_subject")]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.user} {self.where} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"

    def fields_in_words(self) -> list[str]:
        """The field codes seen ("name,phone_in_full", "attachment:12") as the record's own field labels."""
        model = self.content_type.model_class() if self.content_type_id else None
        return [_field_label(model, code) for code in self.fields.split(",") if code]


def _field_label(model, code: str) -> str:
    kind, _colon, number = code.partition(":")
    if kind == "attachment":
        return gettext("attachment %(number)s") % {"number": number}
    name = {"phone_in_full": "phone", "representative_in_full": "representative_name"}.get(kind, kind)
    try:
        return str(model._meta.get_field(name).verbose_name)
    except (AttributeError, FieldDoesNotExist):
        return code
