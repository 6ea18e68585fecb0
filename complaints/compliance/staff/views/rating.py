"""The rating page (监管评价): the year's figures of the seven elements with their weights and evidence, the
weights (entered, then approved by a second member of compliance), the downloads and the self-assessment draft."""

import io
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notices.models import Notice

from ...models import RatingWeights
from ...rating import assessment, weights
from ...rating.figures import UNIT_LABELS, figure_label, rating_figures, rating_xlsx
from ..common import DASHBOARD_PERMISSION, DISCLOSURE_PERMISSION, page_context, require
from ..rating_forms import RatingYearForm, WeightsForm

RATING = "admin:complaints_compliance_rating"


def _year(request) -> int:
    data = request.GET.copy() if request.method == "GET" else request.POST.copy()
    data.setdefault("year", str(timezone.localdate().year))
    form = RatingYearForm(data)
    return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


def _back(year: int):
    return redirect(f"{reverse(RATING)}?year={year}")


def _draft(year: int):
    return Notice.objects.filter(slug=assessment.slug(year), status="draft").first()


def rating_view(request):
    require(request, DASHBOARD_PERMISSION)
    year = _year(request)
    report = rating_figures(year)
    for element in report["elements"]:
        for figure in element["figures"]:
            figure["label"] = figure_label(figure["key"])
            figure["unit_label"] = UNIT_LABELS.get(figure["unit"], figure["unit"])
    user = request.user
    context = page_context(
        request,
        _("Consumer-protection rating: figures of %(year)d") % {"year": year},
        year=year,
        year_form=RatingYearForm(initial={"year": year}),
        report=report,
        weights_total=sum(element["weight"] for element in report["elements"]),
        weights_form=WeightsForm(initial_weights=weights.current_weights())
        if user.has_perm(weights.ENTER_PERMISSION)
        else None,
        pending_weights=RatingWeights.objects.filter(status=RatingWeights.Status.PENDING).select_related("entered_by"),
        can_approve_weights=user.has_perm(weights.APPROVE_PERMISSION),
        can_draft=user.has_perm(DISCLOSURE_PERMISSION),
        draft=_draft(year),
    )
    return TemplateResponse(request, "complaints/compliance/rating.html", context)


def rating_download_view(request, file_format):
    require(request, DASHBOARD_PERMISSION)
    year = _year(request)
    report = rating_figures(year)
    if file_format == "json":
        response = HttpResponse(
            json.dumps(report, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="rating-{year}.json"'
        return response
    if file_format != "xlsx":
        raise Http404
    buffer = io.BytesIO()
    rating_xlsx(report, buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="rating-{year}.xlsx"'
    return response


@require_POST
def weights_enter_view(request):
    require(request, weights.ENTER_PERMISSION)
    year = _year(request)
    form = WeightsForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return _back(year)
    values = {key: form.cleaned_data[key] for key in weights.KEYS}
    try:
        weights.weights_enter(actor=request.user, values=values, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(year)
    messages.success(request, _("The weights were entered; a second member of compliance approves them."))
    return _back(year)


@require_POST
def weights_decide_view(request, pk):
    require(request, weights.APPROVE_PERMISSION)
    row = get_object_or_404(RatingWeights, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        weights.weights_decide(row=row, actor=request.user, approve=approve)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return _back(_year(request))
    messages.success(request, _("The weights are in force.") if approve else _("The weights were refused."))
    return _back(_year(request))


@require_POST
def assessment_view(request):
    require(request, DISCLOSURE_PERMISSION)
    year = _year(request)
    _notice, created = assessment.assessment_draft(year=year, actor=request.user)
    messages.success(
        request,
        (
            _("A draft self-assessment for %(year)d was created from the figures.")
            if created
            else _("The figures of the draft self-assessment for %(year)d were brought up to date.")
        )
        % {"year": year},
    )
    return _back(year)


def assessment_pdf_view(request, year):
    require(request, DISCLOSURE_PERMISSION)
    notice = _draft(year)
    if notice is None:
        raise Http404
    response = HttpResponse(assessment.assessment_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="rating-self-assessment-{year}.pdf"'
    return response
