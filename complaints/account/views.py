"""The complainant's account pages (docs/design.md, "Accounts"): sign in by a code, my complaints and bookings,
my personal data, sign out; and the call-back request.

The account's state is two cookies, never the Django session (so public pages stay served from the page cache
and carry nothing of it): `portal_account_phone` (signed, 10 minutes: the number a code was sent to, between the
two steps) and `portal_account` (a random token, a browser-session cookie; the server keeps its hash and ends
it on sign-out, after 15 idle minutes or 2 hours). The actions on a complaint are the status page's own: opening
one from the account grants the tracking look-up's access (complaints.views._grant) for that complaint, and the
status page, adding information, withdrawing and requesting a review run as they do after a look-up."""

import json
from functools import wraps

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import codes, ratelimit, registry
from portal.phones import display_phone
from portal.privacy import mask_phone

from .. import services
from .. import views as public
from ..feedback_views import rating_page
from ..models import Complaint, DataRequest, Feedback
from ..services import TRACKING_PREFIX
from . import copy, requests, sign_in
from .forms import CallbackForm, CodeForm, DataRequestForm, PhoneForm

SESSION_COOKIE = "portal_account"
PHONE_COOKIE = "portal_account_phone"
PHONE_COOKIE_SALT = "complaints.account.phone"
PHONE_COOKIE_SECONDS = 10 * 60
ACTIONS = {
    "status": "complaints:status",
    "add": "complaints:add_information",
    "review": "complaints:request_review",
    "withdraw": "complaints:withdraw",
}


def _cookie(response, name: str, value: str, **kwargs) -> None:
    response.set_cookie(
        name, value, path="/", secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax", **kwargs
    )


def _crumbs(label=None):
    if label is None:
        return [(_("My complaints and bookings"), None)]
    return [(_("My complaints and bookings"), reverse("account:home")), (label, None)]


def signed_in(view):
    """Run `view` with the signed-in phone; to the sign-in page when there is none (or it ended)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        phone = sign_in.session_phone(request.COOKIES.get(SESSION_COOKIE, ""))
        if phone is None:
            response = redirect("account:sign_in")
            response.delete_cookie(SESSION_COOKIE, path="/", samesite="Lax")
            return response
        return view(request, phone, *args, **kwargs)

    return wrapper


def _pending_phone(request) -> str | None:
    try:
        return request.get_signed_cookie(PHONE_COOKIE, salt=PHONE_COOKIE_SALT, max_age=PHONE_COOKIE_SECONDS)
    except (KeyError, signing.BadSignature):
        return None


def _too_many(request):
    response = render(
        request,
        "complaints/too_many.html",
        {"what": "account", "breadcrumbs": [(_("Too many attempts"), None)]},
        status=429,
    )
    response["Retry-After"] = "3600"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_page(request):
    """Step 1, a phone number (a code is sent); step 2, the code. The same answer for every valid number."""
    if sign_in.session_phone(request.COOKIES.get(SESSION_COOKIE, "")) is not None:
        return redirect("account:home")
    address = ratelimit.client_ip(request)
    pending = _pending_phone(request)
    step = "code" if (pending and request.GET.get("step") == "code") or "code" in request.POST else "phone"
    phone_form, code_form = PhoneForm(), CodeForm()
    context = {"breadcrumbs": [(_("Sign in"), None)], "nav_section": "complaint-track"}
    if request.method == "POST" and "code" not in request.POST:
        phone_form = PhoneForm(request.POST)
        if phone_form.is_valid():
            phone = phone_form.cleaned_data["phone"]
            answer = sign_in.code_request(phone=phone, address=address, language=public._language())
            if answer.limited:
                return _too_many(request)
            response = redirect(f"{reverse('account:sign_in')}?step=code")
            response.set_signed_cookie(
                PHONE_COOKIE,
                phone,
                salt=PHONE_COOKIE_SALT,
                max_age=PHONE_COOKIE_SECONDS,
                path="/",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
    elif request.method == "POST":
        if pending is None:
            return redirect("account:sign_in")
        if sign_in.wrong_codes_limited(address):
            return _too_many(request)
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            if sign_in.code_check(phone=pending, code=code_form.cleaned_data["code"], address=address):
                response = redirect("account:home")
                _cookie(response, SESSION_COOKIE, sign_in.session_start(phone=pending))
                response.delete_cookie(PHONE_COOKIE, path="/", samesite="Lax")
                return response
            code_form.add_error(
                "code",
                _(
                    "This code is wrong or no longer valid (after 5 minutes or 5 wrong tries). "
                    "Check the SMS, or ask for a new code."
                ),
            )
    context.update(
        step=step,
        form=code_form if step == "code" else phone_form,
        phone_shown=display_phone(pending) if pending else "",
        code_minutes=settings.PORTAL_ACCOUNT_CODE_SECONDS // 60,
        idle_minutes=settings.PORTAL_ACCOUNT_IDLE_SECONDS // 60,
    )
    return render(request, "complaints/account/sign_in.html", context)


def _complaints_of(phone: str):
    """Complaints whose contact phone is `phone` now (a proxy's cases included; none once corrected away)."""
    return Complaint.objects.filter(phone=phone).select_related("merged_into", "review_of").order_by("-received_at")


@never_cache
@require_GET
@signed_in
def home(request, phone):
    cases = [
        {**public._status_context(complaint), "can_rate": services.feedback_open(complaint)}
        for complaint in _complaints_of(phone)
    ]
    today = timezone.localdate()
    bookings = [item for source in registry.account_sources.values() for item in source.items(phone, today)]
    return render(
        request,
        "complaints/account/home.html",
        {
            "cases": cases,
            "bookings": bookings,
            "phone_shown": mask_phone(phone),
            "breadcrumbs": _crumbs(),
            "nav_section": "complaint-track",
            "cancelled": request.GET.get("cancelled", ""),
        },
    )


@never_cache
@require_POST
@signed_in
def open_complaint(request, phone):
    """Open one of the phone's complaints on the status page (or one of its actions), as a look-up would."""
    number = codes.normalize(request.POST.get("tracking_number", ""))
    target = ACTIONS.get(request.POST.get("then", "status"), "complaints:status")
    if (
        not codes.is_well_formed(number, TRACKING_PREFIX)
        or not _complaints_of(phone).filter(tracking_number=number).exists()
    ):
        raise Http404
    response = redirect(target)
    public._grant(response, number)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@signed_in
def rate(request, phone, number: str):
    """Rating the handling of one of the phone's decided complaints (the satisfaction page, signed in)."""
    number = codes.normalize(number)
    complaint = (
        _complaints_of(phone).filter(tracking_number=number).first()
        if codes.is_well_formed(number, TRACKING_PREFIX)
        else None
    )
    window = services.feedback_window_ends(complaint) if complaint is not None else None
    if window is None:
        raise Http404
    return rating_page(
        request,
        complaint=complaint,
        answered=Feedback.objects.filter(complaint=complaint, score__isnull=False).first(),
        is_open=services.feedback_open(complaint),
        valid_until=window,
        answer=lambda **data: services.feedback_answer_signed_in(complaint=complaint, **data),
        done_url=reverse("account:rate", args=[complaint.tracking_number]),
        in_account=True,
        breadcrumbs=_crumbs(_("Rate the handling")),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@signed_in
def cancel_booking(request, phone, reference: str):
    today = timezone.localdate()
    item = next(
        (
            (name, item)
            for name, source in registry.account_sources.items()
            for item in source.items(phone, today)
            if item["reference"] == reference and item["can_cancel"]
        ),
        None,
    )
    if item is None:
        raise Http404
    name, booking = item
    if request.method == "POST":
        if registry.account_sources[name].cancel(phone, reference):
            return redirect(f"{reverse('account:home')}?cancelled={reference}")
        raise Http404
    return render(
        request,
        "complaints/account/cancel_booking.html",
        {"booking": booking, "breadcrumbs": _crumbs(_("Cancel a booking")), "nav_section": "complaint-track"},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@signed_in
def data(request, phone):
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = requests.data_request_create(
                phone=phone,
                kind=form.cleaned_data["kind"],
                details=form.cleaned_data["details"],
                language=public._language(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(f"{reverse('account:data')}?made={made.number}")
    return render(
        request,
        "complaints/account/data.html",
        {
            "form": form,
            "requests": DataRequest.objects.filter(phone=phone).prefetch_related("events"),
            "made": request.GET.get("made", ""),
            "limit_days": requests.data_request_limit_days(),
            "breadcrumbs": _crumbs(_("My personal data")),
            "nav_section": "complaint-track",
        },
    )


@never_cache
@require_GET
@signed_in
def data_copy(request, phone):
    """The copy of one's data as a readable page (printable)."""
    requests.data_request_copy_given(phone=phone, language=public._language())
    return render(
        request,
        "complaints/account/copy.html",
        {
            "copy": copy.personal_data(phone),
            "breadcrumbs": _crumbs(_("A copy of my data")),
            "nav_section": "complaint-track",
        },
    )


@never_cache
@require_GET
@signed_in
def data_copy_json(request, phone):
    """The copy of one's data, machine-readable (docs/design.md: the JSON contract)."""
    requests.data_request_copy_given(phone=phone, language=public._language())
    body = json.dumps(copy.personal_data(phone), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y%m%d}.json"'
    return response


@never_cache
@require_POST
def sign_out(request):
    """Sign out: the session ends on the server; the look-up this browser may hold from the account ends too."""
    sign_in.session_end(request.COOKIES.get(SESSION_COOKIE, ""))
    response = public.track_end(request)
    response["Location"] = f"{reverse('account:sign_in')}?signed_out=1"
    response.delete_cookie(SESSION_COOKIE, path="/", samesite="Lax")
    return response


def _callback_limit() -> int:
    return max(int(settings.PORTAL_CALLBACK_LIMIT), 1)


@never_cache
@require_http_methods(["GET", "POST"])
def callback(request):
    """Ask to be called back: name, phone, preferred time and language; it enters the staff work queue."""
    context = {"breadcrumbs": [(_("Ask us to call you back"), None)], "nav_section": "contact"}
    initial = {"language": public._language()}
    form = CallbackForm(request.POST or None, initial=initial)
    if request.method == "POST":
        address = ratelimit.client_ip(request)
        if ratelimit.is_limited("callback", [address], limit=_callback_limit()):
            return _too_many(request)
        if form.is_valid():
            ratelimit.hit("callback", address)
            made = requests.callback_create(
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                preferred_time=form.cleaned_data["preferred_time"],
                language=form.cleaned_data["language"],
                topic=form.cleaned_data["topic"],
            )
            response = redirect(f"{reverse('callback:done')}?number={made.number}")
            return response
    context["form"] = form
    return render(request, "complaints/account/callback.html", context)


@never_cache
@require_GET
def callback_done(request):
    number = codes.normalize(request.GET.get("number", ""))
    if not codes.is_well_formed(number, "CB"):
        return redirect("callback:request")
    return render(
        request,
        "complaints/account/callback_done.html",
        {"number": number, "breadcrumbs": [(_("Ask us to call you back"), None)], "nav_section": "contact"},
    )
