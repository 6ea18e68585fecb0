"""Who sold the policy a complaint is about: sales agents (营销员, named by their agent code; agents are not
staff users, so this is not the "employee complained about") and partners (intermediaries — 中介机构 — and
bank outlets — 银行网点). Both lists are kept by compliance (complaints.compliance.sellers imports them from a
spreadsheet); an agent or partner who leaves is made inactive, never deleted (complaints keep naming them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SalesAgent(models.Model):
    code = models.CharField(_("agent code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit or team"), max_length=100, blank=True)
    branch = models.ForeignKey(
        "portal.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sales agent")
        verbose_name_plural = _("sales agents")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Partner(models.Model):
    class Kind(models.TextChoices):
        INTERMEDIARY = "intermediary", _("Intermediary")
        BANK_OUTLET = "bank_outlet", _("Bank outlet")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("partner code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    branch = models.ForeignKey(
        "portal.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["intermediary", "bank_outlet"]), name="partner_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"
