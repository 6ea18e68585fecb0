"""What the complaints' staff pages share: who may see a complaint, the admin's page for one out of reach, a
step refused in the admin's look."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from portal.admin import app_crumb, model_crumbs, staff_context
from portal.display import person_name

from ..models import OPEN_STATUSES, Complaint

# The possible repeats listed on a record and at registration (the earliest first).
REPEATS_SHOWN = 20


def display_user(user) -> str:
    return person_name(user)


def days_left(complaint: Complaint, today=None):
    """Days until the date to meet (negative once passed); None when the clock is not running."""
    if not complaint.due_date or complaint.status not in OPEN_STATUSES:
        return None
    return (complaint.due_date - (today or timezone.localdate())).days


def can_view_complaints(user) -> bool:
    """The complaints admin's view permission (viewing, or changing, complaints)."""
    return user.has_perm("complaints.view_complaint") or user.has_perm("complaints.change_complaint")


def complaints_for(user):
    """The complaints this member of staff may open, as the complaints admin lists them."""
    return Complaint.objects.select_related("branch", "handler").visible_to(user)


class Unavailable(Http404):
    """A complaint out of the user's reach, answered with the admin's page saying whose it is (`response`); a
    plain 404 where nothing catches it."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def unavailable(request, object_id):
    """The admin's page for a complaint this user may not open (whom to ask, never whose it is) or that does not
    exist, instead of Django's "does not exist … deleted?" and the public site's error pages."""
    if not can_view_complaints(request.user):
        raise PermissionDenied
    object_id = str(object_id)
    complaint = Complaint.objects.filter(pk=object_id).first() if object_id.isdigit() else None
    # Neither the number nor the handler of a complaint the user may not open: with a phone they know, the
    # number would open the public look-up of a colleague's case.
    context = staff_context(
        request,
        gettext("Complaint not available") if complaint is not None else gettext("No such complaint"),
        crumbs=model_crumbs(Complaint._meta),
        complaint=complaint,
    )
    return TemplateResponse(
        request,
        "admin/complaints/complaint/unavailable.html",
        context,
        status=403 if complaint is not None else 404,
    )


def explaining_unavailable(view):
    """A complaint's own pages (actions, attachments) answer a complaint out of reach with `unavailable`."""

    @wraps(view)
    def explaining(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Unavailable as answer:
            return answer.response

    return explaining


def visible(request, pk) -> Complaint:
    """The complaint, if this user may open it; otherwise `Unavailable`."""
    if not can_view_complaints(request.user):
        raise PermissionDenied
    complaint = complaints_for(request.user).filter(pk=pk).first()
    if complaint is None:
        raise Unavailable(unavailable(request, pk))
    return complaint


def refused(request, message, *, status: int, back: str, complaint=None):
    """A step refused in the admin's look (never the public 403 page): the reason and a way back."""
    crumbs = [app_crumb(Complaint._meta)]
    if complaint is not None:
        crumbs.append((reverse("admin:complaints_complaint_change", args=[complaint.pk]), complaint.tracking_number))
    context = staff_context(
        request,
        gettext("This step cannot be taken"),
        crumbs=crumbs,
        message=message,
        back=back,
        complaint=complaint,
    )
    return TemplateResponse(request, "admin/complaints/refused.html", context, status=status)
