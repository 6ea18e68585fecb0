"""Tracking look-ups ended before their time: the revocations every worker reads."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TrackingRevocation(models.Model):
    """A tracking look-up's access ended by the complainant ("end the look-up"): the signed cookie that
    complaints.views grants names a random grant, and a grant listed here opens nothing any more, on any worker
    or server, although its signature and age are still good. Kept until the cookie would have expired anyway;
    older rows are removed as new ones are added. Holds no personal data (the grant is random)."""

    grant = models.CharField(pgettext_lazy("tracking look-up", "grant"), max_length=32, unique=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("ended tracking look-up")
        verbose_name_plural = _("ended tracking look-ups")
        default_permissions = ()

    def __str__(self) -> str:
        return self.grant
