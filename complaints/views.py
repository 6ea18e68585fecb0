"""Public complaint pages: the form and its receipt, the tracking look-up and what a complainant can do next.

Thin views: the form checks input, a service does the work, the browser is redirected (POST/redirect/GET).
Nothing that identifies a complaint goes into a URL: the receipt and the tracking result read the session.
"""

import os
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal import codes, ratelimit
from portal.phones import phones_match

from . import services
from .forms import AddInformationForm, ComplaintForm, ReviewRequestForm, TrackForm, WithdrawForm
from .models import Complaint, Status

RECEIPT_SESSION_KEY = "complaints:receipt"
TRACK_SESSION_KEY = "complaints:track"
# A look-up authorises the visitor to see and act on that complaint for this long.
TRACK_SESSION_SECONDS = 30 * 60


def _limit(name: str, default: int) -> int:
    """A rate limit from the settings, else from the environment (docs/deploy.md), else the default."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, "")
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return default


def _submit_limit() -> int:
    return _limit("PORTAL_COMPLAINT_SUBMIT_LIMIT", 10)


def _track_limit() -> int:
    return _limit("PORTAL_TRACK_FAILURE_LIMIT", 10)


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def _too_many(request, what: str):
    response = render(
        request,
        "complaints/too_many.html",
        {"what": what, "breadcrumbs": [(_("Too many attempts"), None)]},
        status=429,
    )
    response["Retry-After"] = "3600"
    return response


def _request_too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.PORTAL_MAX_REQUEST_BYTES


@never_cache
@require_http_methods(["GET", "POST"])
def new(request):
    breadcrumbs = [(_("File a complaint"), None)]
    context = {"breadcrumbs": breadcrumbs, "nav_section": "complaint-new"}
    if request.method == "POST":
        if _request_too_large(request):
            form = ComplaintForm()
            context.update(form=form, too_large=True)
            return render(request, "complaints/new.html", context, status=413)
        form = ComplaintForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            duplicate = Complaint.objects.filter(idempotency_key=data["token"]).exists()
            ip = ratelimit.client_ip(request)
            if not duplicate and ratelimit.is_limited("complaint-submit", [ip], limit=_submit_limit()):
                return _too_many(request, "submit")
            try:
                complaint = services.complaint_submit(
                    name=data["name"],
                    phone=data["phone"],
                    email=data["email"],
                    category=data["category"],
                    description=data["description"],
                    desired_outcome=data["desired_outcome"],
                    policy_number=data["policy_number"],
                    province=data["province"],
                    capacity=data["capacity"],
                    principal_name=data["principal_name"],
                    attachments=data["attachments"],
                    language=_language(),
                    idempotency_key=data["token"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if not duplicate:
                    ratelimit.hit("complaint-submit", ip)
                request.session[RECEIPT_SESSION_KEY] = complaint.pk
                return redirect("complaints:receipt")
        context["files_dropped"] = bool(request.FILES) or bool(form.errors)
    else:
        form = ComplaintForm()
    context["form"] = form
    return render(request, "complaints/new.html", context)


@never_cache
def receipt(request):
    pk = request.session.get(RECEIPT_SESSION_KEY)
    complaint = Complaint.objects.filter(pk=pk).first() if pk else None
    if complaint is None:
        return redirect("complaints:new")
    return render(
        request,
        "complaints/receipt.html",
        {
            "complaint": complaint,
            "attachments": complaint.attachments.all(),
            "breadcrumbs": [(_("File a complaint"), reverse("complaints:new")), (_("Receipt"), None)],
            "nav_section": "complaint-new",
        },
    )


def _find(number: str, phone: str) -> Complaint | None:
    """The complaint with this number and phone, or None. Unknown numbers cost the same comparison."""
    complaint = Complaint.objects.filter(tracking_number=number).first() if number else None
    return complaint if phones_match(complaint.phone if complaint else None, phone) else None


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    context = {"breadcrumbs": [(_("Track a complaint"), None)], "nav_section": "complaint-track"}
    if request.method == "POST":
        form = TrackForm(request.POST)
        ip = ratelimit.client_ip(request)
        identities = [f"ip:{ip}", f"number:{codes.normalize(form.data.get('tracking_number', ''))}"]
        if ratelimit.is_limited("complaint-track", identities, limit=_track_limit()):
            return _too_many(request, "track")
        if form.is_valid():
            complaint = _find(form.cleaned_data["tracking_number"], form.cleaned_data["phone"])
            if complaint is not None:
                if request.session.session_key is not None:
                    # A session the visitor arrived with gets a new key (no fixation); a visitor with none
                    # gets a fresh one when it is saved, so there is nothing to cycle (and two writes fewer).
                    request.session.cycle_key()
                request.session[TRACK_SESSION_KEY] = {"id": complaint.pk, "until": time.time() + TRACK_SESSION_SECONDS}
                return redirect("complaints:status")
            for identity in identities:
                ratelimit.hit("complaint-track", identity)
            context["not_found"] = True
    else:
        form = TrackForm()
    context["form"] = form
    return render(request, "complaints/track.html", context)


def _tracked(request) -> Complaint | None:
    grant = request.session.get(TRACK_SESSION_KEY)
    if not isinstance(grant, dict) or grant.get("until", 0) < time.time():
        request.session.pop(TRACK_SESSION_KEY, None)
        return None
    return Complaint.objects.select_related("merged_into", "review_of").filter(pk=grant.get("id")).first()


def _status_context(complaint: Complaint) -> dict:
    review = services.review_eligibility(complaint)
    return {
        "complaint": complaint,
        "events": complaint.events.filter(public=True).order_by("at", "id"),
        "attachments": complaint.attachments.all(),
        "reviews": complaint.reviews.all(),
        "review_until": review.until,
        "can_review": review.allowed and review.until is not None,
        "can_add": services.A.ADD_INFORMATION in services.allowed_actions(complaint),
        "can_withdraw": services.A.WITHDRAW in services.allowed_actions(complaint),
        "is_paused": complaint.status == Status.PAUSED,
    }


def _tracked_or_back(view):
    """Run `view` with the complaint the visitor looked up; back to the look-up when there is none."""

    def wrapper(request, *args, **kwargs):
        complaint = _tracked(request)
        if complaint is None:
            return redirect("complaints:track")
        return view(request, complaint, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _crumbs(label=None):
    crumbs = [(_("Track a complaint"), reverse("complaints:track"))]
    if label:
        crumbs += [(_("Your complaint"), reverse("complaints:status")), (label, None)]
    else:
        crumbs += [(_("Your complaint"), None)]
    return crumbs


@never_cache
@_tracked_or_back
def status(request, complaint):
    context = _status_context(complaint)
    context.update(breadcrumbs=_crumbs(), nav_section="complaint-track")
    return render(request, "complaints/status.html", context)


def _action_page(request, complaint, *, form_class, template: str, label: str, allowed: bool, act):
    if not allowed:
        return redirect("complaints:status")
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                act(form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("complaints:status")
    else:
        form = form_class()
    return render(
        request,
        template,
        {
            "form": form,
            "complaint": complaint,
            "files_dropped": request.method == "POST" and bool(form.errors) and "attachments" in form.fields,
            "breadcrumbs": _crumbs(label),
            "nav_section": "complaint-track",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@_tracked_or_back
def add_information(request, complaint):
    return _action_page(
        request,
        complaint,
        form_class=AddInformationForm,
        template="complaints/add_information.html",
        label=_("Add information"),
        allowed=_status_context(complaint)["can_add"],
        act=lambda data: services.complaint_add_information(
            complaint=complaint, text=data["text"], attachments=data["attachments"]
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@_tracked_or_back
def request_review(request, complaint):
    def act(data):
        services.complaint_request_review(complaint=complaint, reason=data["reason"])

    return _action_page(
        request,
        complaint,
        form_class=ReviewRequestForm,
        template="complaints/request_review.html",
        label=_("Request a review"),
        allowed=_status_context(complaint)["can_review"],
        act=act,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@_tracked_or_back
def withdraw(request, complaint):
    return _action_page(
        request,
        complaint,
        form_class=WithdrawForm,
        template="complaints/withdraw.html",
        label=_("Withdraw"),
        allowed=_status_context(complaint)["can_withdraw"],
        act=lambda data: services.complaint_withdraw(complaint=complaint, note=data["reason"]),
    )


@never_cache
@require_http_methods(["POST"])
def track_end(request):
    """Forget the look-up (a shared computer)."""
    request.session.pop(TRACK_SESSION_KEY, None)
    return HttpResponseRedirect(reverse("complaints:track"))
