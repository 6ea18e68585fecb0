"""Staff sessions end after 30 minutes without a request and 8 hours after sign-in, whatever the browser does.

Only sessions of staff accounts are timed here; a visitor's session on the public site is left alone. The last
request's time is written to the session at most once a minute (not a database write per page), so the idle
limit is kept to within that minute. PORTAL_STAFF_IDLE_SECONDS and PORTAL_STAFF_SESSION_SECONDS set the limits.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext as _

LOGIN_AT = "_staff_login_at"
SEEN_AT = "_staff_seen_at"
# The last request's time is written again only when it is older than this.
SEEN_RESOLUTION = 60


def idle_seconds() -> int:
    return int(getattr(settings, "PORTAL_STAFF_IDLE_SECONDS", 30 * 60))


def max_seconds() -> int:
    return int(getattr(settings, "PORTAL_STAFF_SESSION_SECONDS", 8 * 60 * 60))


@receiver(user_logged_in, dispatch_uid="portal.staff_sessions.signed_in")
def _signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and user.is_staff:
        now = time.time()
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class StaffSessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            self._check(request)
        return self.get_response(request)

    def _check(self, request):
        session = request.session
        now = time.time()
        login_at = session.get(LOGIN_AT)
        seen_at = session.get(SEEN_AT)
        if login_at is None or seen_at is None:  # a session from before these limits: they start now
            session[LOGIN_AT] = login_at or now
            session[SEEN_AT] = now
            return
        if now - login_at > max_seconds():
            logout(request)
            messages.info(
                request, _("You were signed out %(hours)d hours after signing in.") % {"hours": max_seconds() // 3600}
            )
        elif now - seen_at > idle_seconds():
            logout(request)
            messages.info(
                request,
                _("You were signed out after %(minutes)d minutes without activity.")
                % {"minutes": idle_seconds() // 60},
            )
        elif now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
