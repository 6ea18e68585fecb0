"""Exports of complaints: the form (from the dashboard or from the complaints list's filters), the job's
progress and its file, for the member of staff who started it."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from ... import exports, jobs
from ...models import ExportJob
from ..common import page_context
from ..forms import ExportForm


def export_view(request):
    if not exports.can_export(request.user):
        raise PermissionDenied
    from_list = request.POST.get("from_list", request.GET.get("from_list", ""))
    list_filters = {}
    error = None
    try:
        list_filters = exports.filters_from_changelist(QueryDict(from_list)) if from_list else {}
    except exports.ExportRefused as refused:
        error = str(refused.args[0]) if refused.args else str(refused)
    if request.method == "POST" and error is None:
        form = ExportForm(request.POST)
        if form.is_valid():
            filters = {**list_filters}
            if not from_list:
                filters["branch"] = request.POST.get("branch", "")
            for key in ("start", "end"):
                if form.cleaned_data.get(key):
                    filters[key] = form.cleaned_data[key]
            try:
                job = jobs.export_job_start(
                    user=request.user,
                    filters=filters,
                    file_format=form.cleaned_data["file_format"],
                    masked=not form.cleaned_data["unmasked"],
                )
            except exports.ExportRefused as refused:
                error = str(refused.args[0]) if refused.args else str(refused)
            else:
                return redirect("admin:complaints_compliance_export_job", job_id=job.pk)
    else:
        initial = {key: request.GET.get(key) or list_filters.get(key) for key in ("start", "end")}
        form = ExportForm(initial=initial)
    context = page_context(
        request,
        _("Export complaints"),
        form=form,
        error=error,
        from_list=from_list,
        list_filters=list_filters,
        branch=request.GET.get("branch", request.POST.get("branch", "")),
        can_unmask=exports.can_export_unmasked(request.user),
        recent=ExportJob.objects.filter(user=request.user).order_by("-created_at")[:5],
    )
    return TemplateResponse(request, "complaints/compliance/export.html", context)


def _own_job(request, job_id) -> ExportJob:
    job = get_object_or_404(ExportJob, pk=job_id)
    if job.user_id != request.user.pk:
        raise Http404
    return job


def export_job_view(request, job_id):
    job = _own_job(request, job_id)
    running = job.state in (ExportJob.State.QUEUED, ExportJob.State.RUNNING)
    context = page_context(
        request,
        _("Export"),
        job=job,
        running=running,
        download_url=reverse("admin:complaints_compliance_export_download", kwargs={"job_id": job.pk})
        if jobs.export_file_path(job)
        else "",
    )
    return TemplateResponse(request, "complaints/compliance/export_job.html", context)


def export_download_view(request, job_id):
    job = _own_job(request, job_id)
    file_path = jobs.export_file_path(job)
    if file_path is None:
        raise Http404
    response = FileResponse(
        open(file_path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=True,
        filename=jobs.export_file_name(job),
    )
    response["Cache-Control"] = "private, no-store"
    return response
