import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import registry
from .display import COOKIE, ELDERLY
from .i18n import site_url
from .models import Branch
from .pagecache import later, public_page
from .rights import CONSUMER_RIGHTS

RETRY_AFTER_SECONDS = 30


@public_page
def home(request):
    # The page's content is one fragment (templates/portal/home.html): the sections' queries run only when it
    # is not in the cache.
    sections = later(
        lambda: [
            {"template": section.template, "elderly_template": section.elderly_template, **section.context(request)}
            for section in registry.home_sections
        ]
    )
    return render(request, "portal/home.html", {"sections": sections, "rights": CONSUMER_RIGHTS, "nav_section": "home"})


@public_page
def rights(request):
    return render(
        request,
        "portal/rights.html",
        {"rights": CONSUMER_RIGHTS, "breadcrumbs": [(_("Your rights"), None)]},
    )


@public_page
def contact(request):
    branches = Branch.objects.active()
    return render(
        request,
        "portal/contact.html",
        {"branches": branches, "breadcrumbs": [(_("Contact and complaint channels"), None)], "nav_section": "contact"},
    )


@require_GET
def display_mode(request):
    """Switch the elderly-friendly mode on or off and go back where the visitor was.

    A plain link (no form, no CSRF token on the page), so that public pages stay cacheable. Only a local
    path is accepted as the way back; anything else goes to the home page.
    """
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None) or not target.startswith("/"):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.GET.get("mode") == ELDERLY:
        response.set_cookie(
            COOKIE,
            ELDERLY,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def healthz(request):
    """200 when the app and its database answer, 503 otherwise (load balancers and monitors read this)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


def favicon(request):
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


# Pages for one visitor (a receipt, a looked-up complaint, a booking's confirmation) and the per-day booking
# forms: never in the sitemap, kept out of search engines here, in both languages.
ROBOTS_DISALLOWED = (
    "/admin/",
    "/display-mode/",
    "/complaints/receipt/",
    "/complaints/track/status/",
    "/complaints/track/add/",
    "/complaints/track/review/",
    "/complaints/track/withdraw/",
    "/complaints/track/end/",
    "/reception/book/",
    "/reception/cancel/done/",
    "/account/mine/",
    "/account/open/",
    "/account/bookings/",
    "/account/data/",
    "/account/sign-out/",
    "/callback/done/",
)


def robots_txt(request):
    lines = ["User-agent: *"]
    for path in ROBOTS_DISALLOWED:
        lines.append(f"Disallow: {path}")
        if path != "/display-mode/":
            lines.append(f"Disallow: /en{path}")
    lines += [f"Sitemap: {site_url(request)}/sitemap.xml", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def _error(request, template: str, status: int) -> HttpResponse:
    response = render(request, template, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _database_outage(exc: BaseException | None) -> bool:
    """Whether `exc` was caused by the database being unreachable, however deep in its chain: Django's
    session middleware, failing to save a session during an outage, raises SessionInterrupted (a 400)
    from within the OperationalError."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, (OperationalError, InterfaceError)):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def bad_request(request, exception=None):
    """400, except when the database outage made the request fail (see _database_outage): then the 503 page,
    which tells the visitor to try again in a minute, as every other answer during an outage does."""
    if _database_outage(exception):
        return service_unavailable(request)
    return _error(request, "400.html", 400)


def permission_denied(request, exception=None):
    return _error(request, "403.html", 403)


def page_not_found(request, exception=None):
    return _error(request, "404.html", 404)


def csrf_failure(request, reason=""):
    return _error(request, "403_csrf.html", 403)


def server_error(request):
    """500, except when the cause is the database being unreachable: that is an outage, not a bug, and
    visitors get the 503 page with Retry-After."""
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        return service_unavailable(request)
    return _error(request, "500.html", 500)


def service_unavailable(request, exception=None):
    response = _error(request, "503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
