"""Publishing the public statistics of a period, and drafting the yearly disclosure's complaint section."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ... import disclosure, statistics
from ..common import DASHBOARD, DISCLOSURE_PERMISSION, require
from ..forms import PublishForm, YearForm


def publish_view(request):
    require(request, statistics.PUBLISH_PERMISSION)
    if request.method != "POST":
        return redirect(DASHBOARD)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(DASHBOARD)
    period = form.period()
    try:
        row = statistics.statistics_publish(period=period, actor=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(DASHBOARD)
    messages.success(
        request,
        _("The statistics of %(period)s are published (version %(version)d).")
        % {"period": period.label, "version": row.version},
    )
    return redirect(DASHBOARD)


def disclosure_view(request):
    require(request, DISCLOSURE_PERMISSION)
    if request.method != "POST":
        return redirect(DASHBOARD)
    form = YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year."))
        return redirect(DASHBOARD)
    try:
        notice, created = disclosure.disclosure_draft(year=form.cleaned_data["year"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(DASHBOARD)
    messages.success(
        request,
        (
            _("A draft disclosure for %(year)d was created. An editor completes and publishes it.")
            if created
            else _("The complaint section of the draft disclosure for %(year)d was brought up to date.")
        )
        % {"year": form.cleaned_data["year"]},
    )
    return redirect("admin:notices_notice_change", notice.pk)
