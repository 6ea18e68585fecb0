"""The work queue on the admin index (complaints.queue): its sections for the signed-in user."""

from django import template
from django.urls import reverse

from complaints import queue

register = template.Library()


@register.simple_tag
def work_queue(user):
    """[(section, title, rows)] for `user`, each row with its count, days left and link; empty for staff who
    neither handle nor assign complaints (they see the usual index)."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("complaints.view_complaint"):
        return []
    titles = queue.SECTION_TITLES
    changelist = reverse("admin:complaints_complaint_changelist")
    sections = []
    for section, rows in queue.rows_for(user).items():
        for row in rows:
            row.url = f"{changelist}?queue={row.key}"
        sections.append((section, titles[section], rows))
    calls = queue.callback_row(user)
    if calls is not None:
        calls.url = reverse("admin:complaints_callback_changelist") + "?status__exact=waiting"
        sections.append((queue.CALLS, titles[queue.CALLS], [calls]))
    return sections
