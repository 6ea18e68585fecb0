"""The preview of a notice, draft or scheduled, exactly as its public page will look; staff only."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.cache import never_cache

from ..models import Notice
from ..views import render_notice


@never_cache
def preview_view(request, object_id):
    """The public page of any notice, draft or scheduled, exactly as it will look; staff only."""
    if not (request.user.has_perm("notices.view_notice") or request.user.has_perm("notices.change_notice")):
        raise PermissionDenied
    notice = get_object_or_404(Notice.objects.prefetch_related("attachments"), pk=object_id)
    response = render_notice(request, notice, now=timezone.now(), preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
