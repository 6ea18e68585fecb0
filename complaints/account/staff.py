"""The staff pages of account requests (mounted by complaints/account/admin.py): record a call back's outcome;
confirm a data request's identity, and answer or refuse it. Each page checks its own permission and calls the
service (complaints/account/requests.py), which checks it again."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext

from portal.admin import model_crumbs, staff_context
from portal.privacy import personal_data_seen

from ..models import FULL_DATA_PERMISSION, Callback, Complaint, DataRequest
from ..staff.common import refused
from . import requests
from .forms import AnswerForm, CallbackRecordForm, IdentityForm


def _denied(request, back: str):
    return refused(request, gettext("You do not have permission to do this."), status=403, back=back)


def callback_record_view(request, pk):
    back = reverse("admin:complaints_callback_changelist")
    if not request.user.has_perm(requests.CALLBACK_PERMISSION):
        return _denied(request, back)
    callback = get_object_or_404(Callback.objects.select_related("complaint", "answered_by"), pk=pk)
    form = CallbackRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            requests.callback_record(
                callback=callback,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except ValidationError as error:
            form.add_error("tracking_number" if error.code == "tracking_number" else None, error)
        except PermissionDenied:
            return _denied(request, back)
        else:
            messages.success(request, gettext("The call back is recorded."))
            return redirect(back)
    personal_data_seen(request.user, callback, where="admin:callback", fields="name,phone")
    context = staff_context(
        request,
        gettext("Call back · %(number)s") % {"number": callback.number},
        crumbs=model_crumbs(Callback._meta),
        callback=callback,
        events=callback.events.select_related("actor"),
        form=form,
        back=back,
    )
    return TemplateResponse(request, "admin/complaints/callback/record.html", context)


def data_request_view(request, pk):
    back = reverse("admin:complaints_datarequest_changelist")
    if not request.user.has_perm(FULL_DATA_PERMISSION):
        return _denied(request, back)
    item = get_object_or_404(DataRequest, pk=pk)
    identity_form = IdentityForm(request.POST if request.POST.get("step") == "identity" else None)
    answer_form = AnswerForm(request.POST if request.POST.get("step") == "answer" else None)
    bound = identity_form if identity_form.is_bound else answer_form if answer_form.is_bound else None
    if bound is not None and bound.is_valid():
        data = bound.cleaned_data
        try:
            if bound is identity_form:
                requests.data_request_confirm_identity(
                    request=item, actor=request.user, method=data["method"], note=data["note"]
                )
                done = gettext("Identity confirmed; the person is told.")
            elif data["decision"] == "refuse":
                requests.data_request_refuse(request=item, actor=request.user, reason=data["text"])
                done = gettext("Request refused; the person is told the reason.")
            else:
                requests.data_request_answer(request=item, actor=request.user, answer=data["text"])
                done = gettext("Request answered; the person is told.")
        except ValidationError as error:
            bound.add_error(None, error)
        except PermissionDenied:
            return _denied(request, back)
        else:
            messages.success(request, done)
            return redirect("admin:complaints_datarequest_handle", pk=item.pk)
    personal_data_seen(request.user, item, where="admin:data-request", fields="phone,details")
    context = staff_context(
        request,
        gettext("Personal data request · %(number)s") % {"number": item.number},
        crumbs=model_crumbs(DataRequest._meta),
        item=item,
        events=item.events.select_related("actor"),
        kept=requests.kept_records(item.phone) if item.kind == "delete" else [],
        complaints=Complaint.objects.filter(phone=item.phone).order_by("-received_at"),
        identity_form=identity_form,
        answer_form=answer_form,
        back=back,
    )
    return TemplateResponse(request, "admin/complaints/datarequest/handle.html", context)


callback_urls = [path("<int:pk>/record/", callback_record_view, name="complaints_callback_record")]
data_request_urls = [path("<int:pk>/handle/", data_request_view, name="complaints_datarequest_handle")]
