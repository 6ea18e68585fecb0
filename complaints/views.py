"""Public complaint pages: the form and its receipt, the tracking look-up and what a complainant can do next.

Thin views: the form checks input, a service does the work, the browser is redirected (POST/redirect/GET).
Nothing that identifies a complaint goes into a URL: the receipt and the tracking result read the session.
"""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal import codes, ratelimit
from portal.display import is_elderly
from portal.messaging.models import Message, MessageChannel
from portal.pagecache.blank import blank_form_page
from portal.phones import display_phone, phones_match
from portal.uploads import pending_delete, pending_file, pending_save, validate_upload

from . import documents, services, tracking
from .forms import (
    STEP_SLUGS,
    STEPS,
    AddInformationForm,
    ComplaintForm,
    ReviewRequestForm,
    TrackForm,
    WithdrawForm,
    browser_token,
    is_browser_token,
    new_token,
    step_named,
)
from .models import Complaint, Status
from .review_page import review_facts
from .services import ATTACHMENT_KINDS, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, intake_values
from .tracking import TRACK_COOKIE, TRACK_COOKIE_SALT, TRACK_SESSION_SECONDS
from .tracking import track_grant as _track_grant
from .tracking import tracked as _tracked

RECEIPT_SESSION_KEY = "complaints:receipt"
DRAFT_SESSION_KEY = "complaints:draft"
SENT_SESSION_KEY = "complaints:sent"
# The look-up's access (complaints.views._grant) is a signed cookie, not a session row (complaints.tracking).


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


def _track_address_limit() -> int:
    # Looser than the per-number limit: many people share one address behind a carrier's NAT, and one of
    # them mistyping must not lock the others out.
    return _limit("PORTAL_TRACK_ADDRESS_LIMIT", 100)


def _track_identities(request, form) -> tuple[str, str]:
    """The two counters of failed look-ups: this number from this address, and this address overall."""
    ip = ratelimit.client_ip(request)
    number = codes.normalize(form.data.get("tracking_number", ""))
    return f"number+ip:{number}|{ip}", f"ip:{ip}"


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


def _draft(request, posted: str) -> dict:
    """The complaint being written in this session: its one-time token, the answers so far and the files kept.
    Kept in the session from the first answer sent; until then the token is a browser_token, bound to the
    browser without a session row (a POST that carries one, `posted`, continues with it)."""
    draft = request.session.get(DRAFT_SESSION_KEY)
    if isinstance(draft, dict) and isinstance(draft.get("token"), str):
        return draft
    token = posted if is_browser_token(request, posted) else browser_token(request)
    return {"token": token, "data": {}, "files": []}


def _expected_tokens(request, draft: dict, posted: str) -> list[str]:
    """The tokens this browser may send: its draft's, those of the complaints it sent last (a resent form shows
    the receipt again), and any browser_token it was given (another tab opened before the first answer)."""
    expected = [draft["token"], *_sent_tokens(request)]
    if posted not in expected and is_browser_token(request, posted):
        expected.append(posted)
    return expected


def _save_draft(request, draft: dict) -> None:
    request.session[DRAFT_SESSION_KEY] = draft
    request.session.modified = True


def _sent_tokens(request) -> dict:
    sent = request.session.get(SENT_SESSION_KEY)
    return sent if isinstance(sent, dict) else {}


def _keep_uploads(request, draft: dict) -> None:
    """Keep every acceptable file just sent (stored by the form's token until the complaint is sent), so that
    a correction elsewhere in the form never means choosing the documents again."""
    for upload in request.FILES.getlist("attachments")[: MAX_ATTACHMENTS - len(draft["files"])]:
        try:
            kind = validate_upload(upload, allowed=ATTACHMENT_KINDS, max_bytes=MAX_ATTACHMENT_BYTES)
        except ValidationError:
            continue  # the form says why
        draft["files"].append(pending_save(upload, folder="complaints", kind=kind))


def _kept_files(draft: dict) -> list:
    return [meta for meta in draft.get("files", []) if isinstance(meta, dict)]


def _discard(draft: dict, indexes: list[str]) -> None:
    keep = []
    for index, meta in enumerate(_kept_files(draft)):
        if str(index) in indexes:
            pending_delete(meta)
        else:
            keep.append(meta)
    draft["files"] = keep


def _draft_form(draft: dict, *, consent: bool, expected: list[str]) -> ComplaintForm:
    data = {**draft.get("data", {}), "token": draft["token"], "website": ""}
    if consent:
        data["consent"] = "on"
    return ComplaintForm(data, expected_tokens=expected)


# Answers only a proxy or an heir gives: left out of the check step when empty.
PROXY_ONLY_ANSWERS = {
    "principal_name",
    "representative_name",
    "representative_phone",
    "representative_org",
    "representative_relationship",
}


def _answers(form: ComplaintForm) -> list[dict]:
    """The check step: each step's answers as the visitor will read them."""
    sections = []
    for step in STEPS[:-2]:
        rows = []
        for name in step.fields:
            field = form[name]
            value = form.cleaned_data.get(name) if form.is_valid() or name in form.cleaned_data else ""
            if name in PROXY_ONLY_ANSWERS and not value:
                continue
            if hasattr(field.field, "choices") and isinstance(value, list):
                value = pgettext("list separator", ", ").join(
                    str(dict(field.field.choices).get(item, item)) for item in value
                )
            elif hasattr(field.field, "choices") and value:
                value = dict(field.field.choices).get(value, value)
            if name == "phone" and value:
                value = display_phone(value)
            rows.append({"label": field.label, "value": value})
        sections.append({"step": step, "rows": rows})
    return sections


def _sent_entry(entry) -> tuple[int | None, str]:
    """(complaint id, submission key) of a token this session sent; a key of "" for entries without one."""
    if isinstance(entry, list) and len(entry) == 2:
        return entry[0], str(entry[1])
    return (entry if isinstance(entry, int) else None), ""


def _send(request, draft: dict, data: dict, *, form, uploads=()):
    """Make the complaint from checked answers, with the kept files and any just sent; the receipt's redirect,
    or None when the service refused (the form then says why). The same token with the same answers again shows
    the first receipt; the same token with other answers (a session that could not be saved after the first
    complaint still offers its token) is a new complaint (services.submission_key). The per-address limit
    counts new complaints only."""
    token = data["token"]
    key = services.submission_key(token, intake_values(data))
    pk, sent_key = _sent_entry(_sent_tokens(request).get(token))
    if pk is not None and sent_key == key:
        request.session[RECEIPT_SESSION_KEY] = pk
        return redirect("complaints:receipt")
    duplicate = Complaint.objects.filter(idempotency_key=key).exists()
    ip = ratelimit.client_ip(request)
    if not duplicate and ratelimit.is_limited("complaint-submit", [ip], limit=_submit_limit()):
        return _too_many(request, "submit")
    kept = [file for file in (pending_file(meta) for meta in _kept_files(draft)) if file is not None]
    try:
        complaint = services.complaint_submit(
            **intake_values(data),
            attachments=[*kept, *uploads][:MAX_ATTACHMENTS],
            language=_language(),
            elderly_mode=is_elderly(request),
            idempotency_key=token,
            vulnerabilities=data.get("vulnerabilities") or [],
            needs=data.get("needs") or [],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None
    if not duplicate:
        ratelimit.hit("complaint-submit", ip)
    return _sent(request, draft, complaint, token=token)


def _sent(request, draft: dict, complaint, *, token: str) -> HttpResponseRedirect:
    for meta in _kept_files(draft):
        pending_delete(meta)
    sent = _sent_tokens(request)
    sent.pop(token, None)  # the newest last, so that the five kept are the latest
    sent[token] = [complaint.pk, complaint.idempotency_key]
    request.session[SENT_SESSION_KEY] = dict(list(sent.items())[-5:])
    request.session[DRAFT_SESSION_KEY] = {"token": new_token(), "data": {}, "files": []}
    request.session[RECEIPT_SESSION_KEY] = complaint.pk
    return redirect("complaints:receipt")


def _step_context(form, step, draft: dict, **extra) -> dict:
    index = STEP_SLUGS.index(step.slug) if step else None
    return {
        "form": form,
        "step": step,
        "steps": STEPS,
        "step_index": index,
        "step_number": (index or 0) + 1,
        "previous_step": STEPS[index - 1] if index else None,
        "sections": [
            {"step": each, "fields": [form[name] for name in each.fields if name in form.fields]}
            for each in (STEPS if step is None else [step])
        ],
        "kept_files": _kept_files(draft),
        "max_files": MAX_ATTACHMENTS,
        **extra,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def new(request):
    """The guided complaint: who you are → what happened → what you want → documents → check and send, one
    short page each, working without JavaScript; answers and files wait in the session until sent.

    A POST that carries every field at once and no step (the form contract of docs/design.md, for tools) is checked as
    one form and sent directly; on an error the whole form comes back, with the files kept."""
    breadcrumbs = [(_("File a complaint"), None)]
    context = {"breadcrumbs": breadcrumbs, "nav_section": "complaint-new"}
    too_large = request.method == "POST" and _request_too_large(request)
    # What was sent is not read when it is too large.
    posted = request.POST.get("token", "") if request.method == "POST" and not too_large else ""
    draft = _draft(request, posted)
    expected = _expected_tokens(request, draft, posted)
    if too_large:
        form = ComplaintForm(initial={**draft.get("data", {}), "token": draft["token"]})
        context.update(_step_context(form, STEPS[0], draft), too_large=True)
        return render(request, "complaints/new.html", context, status=413)
    if request.method == "POST" and "step" not in request.POST:
        return _new_at_once(request, draft, expected, context)
    step = step_named(request.POST.get("step") if request.method == "POST" else request.GET.get("step"))
    if request.method == "POST":
        form = ComplaintForm(request.POST, request.FILES, expected_tokens=expected, step=step)
        if step.slug == "documents":
            _discard(draft, request.POST.getlist("remove"))
            _keep_uploads(request, draft)
        going_back = request.POST.get("go") == "back"
        valid = form.is_valid()
        if valid or going_back:
            typed = form.cleaned_data if valid else {name: form.data.get(name, "") for name in step.fields}
            draft["data"].update(
                {name: typed.get(name, "") for name in step.fields if name not in ("attachments", "consent")}
            )
            _save_draft(request, draft)
        if valid and step.slug == "check":
            whole = _draft_form(draft, consent=True, expected=expected)
            if not whole.is_valid():
                return redirect(f"{reverse('complaints:new')}?step={_first_step_with_errors(whole)}")
            response = _send(request, draft, whole.cleaned_data, form=form)
            if response is not None:
                return response
        elif valid or going_back:
            index = STEP_SLUGS.index(step.slug) + (-1 if going_back else 1)
            return redirect(f"{reverse('complaints:new')}?step={STEP_SLUGS[max(index, 0)]}")
    else:
        # A step nothing has been typed into yet looks the same to everyone: its fields come from a cached
        # fragment (templates/complaints/new.html), or the whole page does for a visitor without a session
        # (portal.pagecache.blank); the CSRF and one-time tokens are each visitor's own.
        context["pristine"] = (
            step.slug != "check" and not draft["files"] and not any(draft["data"].get(name) for name in step.fields)
        )
        if context["pristine"] and request.GET.dict() in ({}, {"step": step.slug}):
            response = blank_form_page(
                request,
                "complaints/new.html",
                lambda slots: {
                    **context,
                    **_step_context(ComplaintForm(initial={"token": slots["token"]}, step=step), step, draft),
                },
                tokens={"token": draft["token"]},
            )
            if response is not None:
                return response
        form = ComplaintForm(initial={**draft.get("data", {}), "token": draft["token"]}, step=step)
    if step.slug == "check":
        whole = _draft_form(draft, consent=True, expected=expected)
        if not whole.is_valid() and request.method == "GET":
            return redirect(f"{reverse('complaints:new')}?step={_first_step_with_errors(whole)}")
        context["answers"] = _answers(whole)
    context.update(_step_context(form, step, draft))
    return render(request, "complaints/new.html", context)


def _first_step_with_errors(form) -> str:
    return next((step.slug for step in STEPS if any(name in form.errors for name in step.fields)), STEPS[-1].slug)


def _new_at_once(request, draft: dict, expected: list[str], context: dict):
    form = ComplaintForm(request.POST, request.FILES, expected_tokens=expected)
    if form.is_valid():
        response = _send(request, draft, form.cleaned_data, form=form, uploads=form.cleaned_data["attachments"])
        if response is not None:
            return response
    _discard(draft, request.POST.getlist("remove"))
    _keep_uploads(request, draft)
    draft["data"].update(
        {
            name: form.data.get(name, "")
            for name in ComplaintForm.base_fields
            if name not in ("attachments", "consent", "token", "website")
        }
    )
    _save_draft(request, draft)
    context.update(_step_context(form, None, draft))
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
            "attachments": complaint.attachments.from_complainant(),
            "decision_date": services.decision_date(complaint),
            "breadcrumbs": [(_("File a complaint"), reverse("complaints:new")), (_("Receipt"), None)],
            "nav_section": "complaint-new",
        },
    )


def _find(number: str, phone: str) -> bool:
    """Whether a complaint has this number and phone. Unknown numbers cost the same comparison."""
    recorded = Complaint.objects.phone_of(number) if number else None
    return phones_match(recorded, phone)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    context = {"breadcrumbs": [(_("Track a complaint"), None)], "nav_section": "complaint-track"}
    if request.method == "POST":
        form = TrackForm(request.POST)
        pair, address = _track_identities(request, form)
        if ratelimit.is_limited("complaint-track", [pair], limit=_track_limit()) or ratelimit.is_limited(
            "complaint-track-address", [address], limit=_track_address_limit()
        ):
            return _too_many(request, "track")
        if form.is_valid():
            number = form.cleaned_data["tracking_number"]
            if _find(number, form.cleaned_data["phone"]):
                response = redirect("complaints:status")
                _grant(response, number)
                return response
            ratelimit.hit("complaint-track", pair)
            context["not_found"] = True
        # A mistyped number is refused before any look-up, but still counts towards the address's ceiling.
        ratelimit.hit("complaint-track-address", address)
    else:
        if not request.GET:
            response = blank_form_page(
                request, "complaints/track.html", lambda _slots: {**context, "form": TrackForm()}
            )
            if response is not None:
                return response
        form = TrackForm()
    context["form"] = form
    return render(request, "complaints/track.html", context)


def _grant(response, tracking_number: str) -> None:
    """Access to the complaint just looked up, for TRACK_SESSION_SECONDS from now: a signed cookie (its
    tracking number, which the visitor typed, a random grant and the time, under the site's secret; not the
    row's id, which would tell how many complaints there are), so that a look-up writes no session row. A forged
    or altered cookie fails its signature; an old one its age; an ended one (track_end) its grant, refused by
    every worker (complaints.tracking)."""
    response.set_signed_cookie(
        TRACK_COOKIE,
        f"{tracking_number}:{tracking.new_grant()}",
        salt=TRACK_COOKIE_SALT,
        max_age=TRACK_SESSION_SECONDS,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _status_context(complaint: Complaint) -> dict:
    return {
        "complaint": complaint,
        **review_facts(complaint),  # the review part, and the next step (which a review under way changes)
        "events": complaint.events.filter(public=True).order_by("at", "id"),
        # What we told them and when (the texts as sent; an email repeats its SMS, so the SMS stand for both).
        "outbox_messages": Message.objects.about(complaint).filter(channel=MessageChannel.SMS).told(),
        **documents.status_documents(complaint),
        # The workflow's one rule for each of the two steps the page offers (not every step's, twice).
        "can_add": services.why_not_now(complaint, services.A.ADD_INFORMATION) is None,
        "can_withdraw": services.why_not_now(complaint, services.A.WITHDRAW) is None,
        "is_paused": complaint.status == Status.PAUSED,
        "decision_date": services.decision_date(complaint),
        "past_limit": services.past_limit(complaint),
        # The one-time list of materials sent at acceptance (一次性告知), as sent.
        "materials": services.materials_sent(complaint),
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


def _action_page(request, complaint, *, form_class, template: str, label: str, allowed: bool, act, extra=None):
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
            **(extra or {}),
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

    facts = review_facts(complaint)
    return _action_page(
        request,
        complaint,
        form_class=ReviewRequestForm,
        template="complaints/request_review.html",
        label=_("Request a review"),
        allowed=facts["can_review"],
        act=act,
        extra=facts,
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
    """End the look-up (a shared computer): the cookie is deleted in this browser, and its grant is ended on the
    server, so that a copy of the cookie (kept by the browser, or taken from it) no longer opens the status,
    adding information or withdrawing."""
    granted = _track_grant(request)
    if granted is not None:
        tracking.grant_revoke(granted[1], seconds=TRACK_SESSION_SECONDS)
    response = HttpResponseRedirect(reverse("complaints:track"))
    response.delete_cookie(TRACK_COOKIE, path="/", samesite="Lax")
    return response
