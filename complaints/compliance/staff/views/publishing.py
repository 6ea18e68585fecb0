"""Publishing the public statistics of a period, and drafting the yearly disclosure's complaint section."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ... import disclosure, statistics
from ..common import DASHBOARD, DISCLOSURE_PERMISSION, require
from ..forms import PublishForm, YearForm


def _posted(request, form_class, invalid_message, act):
    """The valid posted form and what `act(form)` returned; None after saying why not (no POST; the form
    invalid, said by `invalid_message(form)`; the service refused)."""
    if request.method != "POST":
        return None
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid_message(form))
        return None
    try:
        return form, act(form)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None


def publish_view(request):
    require(request, statistics.PUBLISH_PERMISSION)
    done = _posted(
        request,
        PublishForm,
        lambda form: " ".join(error for errors in form.errors.values() for error in errors),
        lambda form: statistics.statistics_publish(
            period=form.period(), actor=request.user, note=form.cleaned_data["note"]
        ),
    )
    if done is None:
        return redirect(DASHBOARD)
    form, row = done
    messages.success(
        request,
        _("The statistics of %(period)s are published (version %(version)d).")
        % {"period": form.period().label, "version": row.version},
    )
    return redirect(DASHBOARD)


def disclosure_view(request):
    require(request, DISCLOSURE_PERMISSION)
    done = _posted(
        request,
        YearForm,
        lambda form: _("Choose a year."),
        lambda form: disclosure.disclosure_draft(year=form.cleaned_data["year"], actor=request.user),
    )
    if done is None:
        return redirect(DASHBOARD)
    form, (notice, created) = done
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
