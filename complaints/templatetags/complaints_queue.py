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
    requests = queue.request_rows(user)
    for row in requests:
        if row.key == queue.CALLBACKS_WAITING.key:
            row.url = reverse("admin:complaints_callback_changelist") + "?status__exact=waiting"
        else:
            row.url = reverse("admin:complaints_datarequest_changelist") + "?open=1"
    if requests:
        sections.append((queue.CALLS, titles[queue.CALLS], requests))
    return sections
