"""What the complaint's record shows of a group, its secondary categories and a first-contact resolution
(read-only fields of the case admin), and the list's filter by secondary category. A member's name and phone are
masked for staff who see complainants masked, as the complainant's own are."""

from django.contrib import admin
from django.db import connections
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.phones import display_phone
from portal.privacy import mask_id_number, mask_name, mask_phone

from ..models import Category

# The fields the record's first fieldset gains; the masked member list is swapped for the full one for those who
# may see personal data in full (ComplaintAdmin.get_fieldsets).
RECORD_FIELDS = ("secondary_category_list", "first_contact", "group_members_masked")
FULL_SWAP = {"group_members_masked": "group_members_full"}


def _members(obj, full: bool):
    members = list(obj.members.all())
    if not members:
        return "—"
    rows = []
    for member in members:
        name = member.name if full else mask_name(member.name)
        phone = display_phone(member.phone) if full else mask_phone(member.phone)
        policy = (member.policy_number if full else mask_id_number(member.policy_number)) or ""
        role = gettext("representative") if member.representative else ""
        rows.append((" · ".join(filter(None, [name, phone, policy, role])),))
    return format_html('<ul class="cp-members">{}</ul>', format_html_join("", "<li>{}</li>", rows))


class GroupDisplayMixin:
    @admin.display(description=_("secondary categories"))
    def secondary_category_list(self, obj):
        labels = dict(Category.choices)
        return "、".join(str(labels.get(code, code)) for code in obj.secondary_categories or []) or "—"

    @admin.display(description=_("resolved at first contact"), boolean=True)
    def first_contact(self, obj):
        return obj.resolved_at_first_contact

    @admin.display(description=_("group members"))
    def group_members_masked(self, obj):
        return _members(obj, full=False)

    @admin.display(description=_("group members"))
    def group_members_full(self, obj):
        return _members(obj, full=True)


class SecondaryCategoryFilter(admin.SimpleListFilter):
    """Complaints that name a category among their secondary ones (the main category has its own filter)."""

    title = _("secondary categories")
    parameter_name = "secondary"
    template = "admin/complaints/folded_filter.html"

    def lookups(self, request, model_admin):
        return Category.choices

    def queryset(self, request, queryset):
        code = self.value()
        if code not in Category.values:
            return queryset
        if connections[queryset.db].vendor == "postgresql":
            return queryset.filter(secondary_categories__contains=[code])
        # SQLite (`make run`) has no JSON containment: the stored list's text holds the quoted code.
        return queryset.filter(Q(secondary_categories__icontains=f'"{code}"'))
