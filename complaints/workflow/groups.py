"""Group complaints and complaints about several things.

- A group complaint (群体投诉) is one complaint made for several people: its members, with their phones and
  policies, at most five of them its representatives (Art. 12 of the 2020 complaint measures; MAX_REPRESENTATIVES).
  It is one record, decided once and counted once; each member is told of the decision (notifications.notify).
- A complaint may be about several things: its main `category` (the one every count uses) and secondary
  categories, shown on the record, filtered in the staff list and exported.
Both are recorded by whoever may act on the complaint, each change an internal event.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..identity import phone_key
from ..models import MAX_REPRESENTATIVES, Category, Complaint, GroupMember
from .core import A, WorkflowError
from .transitions import _apply, _begin

# What complaints.services re-exports from this module.
__all__ = [
    "check_secondary_categories",
    "complaint_set_members",
    "complaint_set_secondary_categories",
]

MAX_MEMBERS = 500


def check_members(members) -> list[dict]:
    """The members as stored: each a name, a phone (E.164) and perhaps a policy number; refused with the line's
    number and the reason when a name or phone is missing or wrong, when a phone is given twice, or when more
    than MAX_REPRESENTATIVES are representatives."""
    checked, phones = [], set()
    for number, member in enumerate(members, start=1):
        name = (member.get("name") or "").strip()
        raw_phone = (member.get("phone") or "").strip()
        if not name or not raw_phone:
            raise WorkflowError(
                _("Member %(number)d: give a name and a phone."), code="member", params={"number": number}
            )
        phone = phone_key(raw_phone)
        if not phone:
            raise WorkflowError(
                _("Member %(number)d: “%(phone)s” is not a phone number."),
                code="member_phone",
                params={"number": number, "phone": raw_phone},
            )
        if phone in phones:
            raise WorkflowError(
                _("Member %(number)d: the phone %(phone)s is given twice."),
                code="member_twice",
                params={"number": number, "phone": raw_phone},
            )
        phones.add(phone)
        checked.append(
            {
                "name": name[:100],
                "phone": phone,
                "policy_number": (member.get("policy_number") or "").strip()[:40],
                "representative": bool(member.get("representative")),
            }
        )
    if len(checked) > MAX_MEMBERS:
        raise WorkflowError(
            _("A group complaint lists at most %(max)d members here; attach a longer list as a document."),
            code="members_max",
            params={"max": MAX_MEMBERS},
        )
    representatives = sum(member["representative"] for member in checked)
    if representatives > MAX_REPRESENTATIVES:
        raise WorkflowError(
            ngettext(
                "A group chooses at most %(max)d representatives (Art. 12 of the complaint measures); %(count)d is "
                "named.",
                "A group chooses at most %(max)d representatives (Art. 12 of the complaint measures); %(count)d are "
                "named.",
                representatives,
            )
            % {"max": MAX_REPRESENTATIVES, "count": representatives},
            code="representatives_max",
        )
    if checked and not representatives:
        raise WorkflowError(_("Name at least one representative of the group."), code="representatives_none")
    return checked


@transaction.atomic
def complaint_set_members(*, complaint: Complaint, actor, members, note: str = "") -> Complaint:
    """Record (or replace) the members of a group complaint; an empty list makes it an individual complaint
    again. One internal event with the counts (not the names: they stay on the members' rows)."""
    current = _begin(complaint, A.MEMBERS, actor=actor)
    checked = check_members(members)
    current.members.all().delete()
    GroupMember.objects.bulk_create(
        GroupMember(complaint=current, position=position, **member) for position, member in enumerate(checked)
    )
    representatives = sum(member["representative"] for member in checked)
    return _apply(
        current,
        A.MEMBERS,
        actor=actor,
        note=(note or "").strip(),
        public=False,
        data={"members": len(checked), "representatives": representatives},
    )


def check_secondary_categories(main: str, categories) -> list[str]:
    chosen = {str(code) for code in (categories or [])}
    if chosen - set(Category.values):
        raise WorkflowError(_("Choose the categories from the list."), code="secondary_categories")
    chosen.discard(main)
    return [code for code in Category.values if code in chosen]


@transaction.atomic
def complaint_set_secondary_categories(*, complaint: Complaint, actor, categories, note: str = "") -> Complaint:
    """The further things the complaint is about besides its main category (which is never one of them). An
    internal event (a reclassification) records the list before and after."""
    current = _begin(complaint, A.RECLASSIFY, actor=actor)
    chosen = check_secondary_categories(current.category, categories)
    before = list(current.secondary_categories or [])
    if chosen == before:
        return current
    return _apply(
        current,
        A.RECLASSIFY,
        actor=actor,
        note=(note or "").strip(),
        public=False,
        data={"secondary_categories": {"from": before, "to": chosen}},
        fields={"secondary_categories": chosen},
    )


def same_member_phones(complaint: Complaint) -> list[str]:
    """The members' phones other than the complainant's own: whom the decision is also sent to."""
    own = complaint.phone
    return [phone for phone in complaint.members.values_list("phone", flat=True) if phone != own]
