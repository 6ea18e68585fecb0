"""A group complaint's members (群体投诉): the people it is made for, with their phones and policies, at most
five of them its representatives (Art. 12 of the 2020 complaint measures). The complaint itself is the group's
one record, counted once; its members are told of its decision one by one (complaints/notifications.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Art. 12 of 《银行保险机构消费者权益保护管理办法》's complaint measures (2020): a group chooses at most five.
MAX_REPRESENTATIVES = 5


class GroupMember(models.Model):
    complaint = models.ForeignKey(
        "complaints.Complaint", verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="members"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, help_text=_("Stored in E.164 form."))
    policy_number = models.CharField(_("policy number"), max_length=40, blank=True)
    representative = models.BooleanField(_("representative"), default=False)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["complaint", "position", "id"]
        indexes = [models.Index(fields=["phone"], name="group_member_phone_idx")]

    def __str__(self):
        return self.name
