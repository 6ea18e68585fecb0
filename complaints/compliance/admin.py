"""The compliance pages of the admin: the dashboard (figures, charts, comparison with the previous period),
report downloads, exports with their progress, the import (upload, preview, confirm) and the draft disclosure;
plus the business volumes and the read-only export log.

Every page is staff-only (admin_view) and checks its own permission; each action calls the service the
commands call.
"""

import io
import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.admin import DeclaredFiltersOnly, ReadOnlyAdmin
from portal.privacy import mask_name, mask_phone
from portal.replica import on_replica
from portal.tabular import MAX_IMPORT_BYTES
from portal.uploads import safe_display_name

from ..models import Source
from . import charts, disclosure, exports, importer, jobs, performance, reports, statistics
from .forms import ExportForm, ImportForm, PeriodForm, PublishForm, YearForm
from .models import ComplianceDashboard, ExportJob, ExportLog, ReportingVolume
from .vocabulary import COUNT, EXPORT_HEADINGS, RATE, REPORT_FIGURES, choices_help

DASHBOARD_PERMISSION = "complaints.view_compliance_dashboard"
IMPORT_PERMISSION = "complaints.import_complaints"
DISCLOSURE_PERMISSION = "complaints.draft_disclosure"
IMPORT_SALT = "complaints.compliance.import"
IMPORT_MAX_AGE = 3600
PREVIEW_ROWS = 50


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _comparison_rows(key: str, current: dict, previous: dict) -> list[tuple[str, int, int]]:
    keys = list(dict.fromkeys([*current[key], *previous[key]]))
    if key == "by_province":
        keys = [k for k in keys if current[key].get(k) or previous[key].get(k)]
    return [(reports.label_for(key, k), current[key].get(k, 0), previous[key].get(k, 0)) for k in keys]


def _shown(figure, value):
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if figure.kind == RATE else value


def _summary_rows(current: dict, previous: dict) -> list[dict]:
    rows = []
    for figure in REPORT_FIGURES:
        now, before = figure.value(current), figure.value(previous)
        change = (now - before) if figure.kind == COUNT else ""
        rows.append(
            {
                "label": figure.label,
                "current": _shown(figure, now),
                "previous": _shown(figure, before),
                "change": change,
            }
        )
    return rows


@admin.register(ComplianceDashboard)
class ComplianceDashboardAdmin(ReadOnlyAdmin):
    """Listed on the admin index under Complaints; its "list" is the dashboard."""

    def has_module_permission(self, request):
        return request.user.has_perm(DASHBOARD_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(DASHBOARD_PERMISSION)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.dashboard_view), name="complaints_compliancedashboard_changelist"),
            path("report/<str:file_format>/", view(self.report_view), name="complaints_compliance_report"),
            path("export/", view(self.export_view), name="complaints_compliance_export"),
            path("export/<uuid:job_id>/", view(self.export_job_view), name="complaints_compliance_export_job"),
            path(
                "export/<uuid:job_id>/download/",
                view(self.export_download_view),
                name="complaints_compliance_export_download",
            ),
            path("import/", view(self.import_view), name="complaints_compliance_import"),
            path("import/confirm/", view(self.import_confirm_view), name="complaints_compliance_import_confirm"),
            path("disclosure/", view(self.disclosure_view), name="complaints_compliance_disclosure"),
            path("publish/", view(self.publish_view), name="complaints_compliance_publish"),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "dashboard_url": reverse("admin:complaints_compliancedashboard_changelist"),
            **extra,
        }

    # The dashboard.

    @method_decorator(on_replica)
    def dashboard_view(self, request):
        _require(request, DASHBOARD_PERMISSION)
        form = PeriodForm.from_request(request)
        period = form.period()
        branch = form.cleaned_data.get("branch")
        previous_period = period.previous()
        current = reports.complaint_report(period=period, branch=branch)
        previous = reports.complaint_report(period=previous_period, branch=branch)
        trend = reports.monthly_trend(period=period, branch=branch)
        previous_trend = reports.monthly_trend(period=previous_period, branch=branch)
        trend_rows = [
            (month.strftime("%m"), count, before)
            for (month, count), (_month, before) in zip(trend, previous_trend, strict=True)
        ]
        late = current["closed"] - current["closed_on_time"]
        query = {"year": period.year}
        if period.quarter:
            query["quarter"] = period.quarter
        if branch is not None:
            query["branch"] = branch.slug
        context = self._context(
            request,
            _("Compliance dashboard"),
            form=form,
            period=period,
            previous_period=previous_period,
            branch=branch,
            report=current,
            summary=_summary_rows(current, previous),
            trend=charts.vertical(trend_rows),
            by_category=charts.horizontal(_comparison_rows("by_category", current, previous)),
            by_province=charts.horizontal(_comparison_rows("by_province", current, previous)),
            by_channel=charts.horizontal(_comparison_rows("by_channel", current, previous)),
            by_business_channel=charts.horizontal(_comparison_rows("by_business_channel", current, previous)),
            by_source=charts.horizontal(
                [
                    (reports.label_for("by_source", code), current["by_source"][code], previous["by_source"][code])
                    for code in (Source.REGULATOR, Source.SELF)
                ]
            ),
            on_time=charts.split(
                [
                    ("on-time", _("Closed on time"), current["closed_on_time"]),
                    ("late", _("Closed late"), late),
                    ("open", _("Open"), current["open"]),
                ]
            ),
            query=urlencode(query),
            export_query=urlencode(
                {"start": period.start.isoformat(), "end": period.as_dict()["end"]}
                | ({"branch": branch.slug} if branch is not None else {})
            ),
            can_export=exports.can_export(request.user),
            can_import=request.user.has_perm(IMPORT_PERMISSION),
            can_draft=request.user.has_perm(DISCLOSURE_PERMISSION),
            year_form=YearForm(initial={"year": period.year}),
            can_publish=request.user.has_perm(statistics.PUBLISH_PERMISSION),
            publish_form=PublishForm(initial={"year": period.year, "quarter": period.quarter or ""}),
            published=statistics.latest_versions()[:8],
            performance=performance.performance(period=period, branch=branch),
            can_see_warnings=request.user.has_perm("complaints.view_oversightwarning"),
            can_see_remediation=request.user.has_perm("complaints.view_remediationitem"),
        )
        return TemplateResponse(request, "complaints/compliance/dashboard.html", context)

    def changelist_view(self, request, extra_context=None):
        return self.dashboard_view(request)

    def report_view(self, request, file_format):
        _require(request, DASHBOARD_PERMISSION)
        if file_format not in ("json", "xlsx"):
            raise Http404
        form = PeriodForm.from_request(request)
        period, branch = form.period(), form.cleaned_data.get("branch")
        report = reports.complaint_report(period=period, branch=branch)
        name = f"complaint-report-{period.label.replace(' ', '-')}{'-' + branch.slug if branch else ''}"
        if file_format == "json":
            response = JsonResponse(report, json_dumps_params={"ensure_ascii": False, "indent": 2})
            response["Content-Disposition"] = f'attachment; filename="{name}.json"'
            return response
        buffer = io.BytesIO()
        figures = performance.performance(period=period, branch=branch)
        reports.report_xlsx(report, reports.monthly_trend(period=period, branch=branch), buffer, figures)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response

    # Exports.

    def export_view(self, request):
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
        context = self._context(
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

    def _own_job(self, request, job_id) -> ExportJob:
        job = get_object_or_404(ExportJob, pk=job_id)
        if job.user_id != request.user.pk:
            raise Http404
        return job

    def export_job_view(self, request, job_id):
        job = self._own_job(request, job_id)
        running = job.state in (ExportJob.State.QUEUED, ExportJob.State.RUNNING)
        context = self._context(
            request,
            _("Export"),
            job=job,
            running=running,
            download_url=reverse("admin:complaints_compliance_export_download", kwargs={"job_id": job.pk})
            if jobs.export_file_path(job)
            else "",
        )
        return TemplateResponse(request, "complaints/compliance/export_job.html", context)

    def export_download_view(self, request, job_id):
        job = self._own_job(request, job_id)
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

    # Import.

    def import_view(self, request):
        _require(request, IMPORT_PERMISSION)
        plan = problems = token = None
        file_name = ""
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                file_name = safe_display_name(upload.name or "")
                data = upload.read(MAX_IMPORT_BYTES + 1)
                try:
                    plan = importer.plan_import(data, file_name)
                except importer.ImportRefused as refused:
                    problems = [str(problem) for problem in refused.problems]
                else:
                    token = _stash_upload(request.user, data, file_name)
        else:
            form = ImportForm()
        rows = []
        if plan is not None:
            for row in plan.rows[:PREVIEW_ROWS]:
                rows.append(
                    {
                        "number": row.number,
                        "action": row.action,
                        "received": timezone.localtime(row.received_at).strftime("%Y-%m-%d %H:%M"),
                        "source": reports.label_for("by_source", row.source),
                        "regulator_ref": row.regulator_ref,
                        "channel": reports.label_for("by_channel", row.channel),
                        "category": reports.label_for("by_category", row.category),
                        "province": reports.label_for("by_province", row.province) if row.province else "",
                        "name": mask_name(row.name),
                        "phone": mask_phone(row.phone),
                        "closed": timezone.localdate(row.closed_at).isoformat() if row.closed_at else "",
                    }
                )
        context = self._context(
            request,
            _("Import complaints"),
            form=form,
            plan=plan,
            rows=rows,
            more=(len(plan.rows) - PREVIEW_ROWS) if plan and len(plan.rows) > PREVIEW_ROWS else 0,
            problems=problems,
            token=token,
            file_name=file_name,
            columns=IMPORT_COLUMNS,
        )
        return TemplateResponse(request, "complaints/compliance/import.html", context)

    def import_confirm_view(self, request):
        _require(request, IMPORT_PERMISSION)
        if request.method != "POST":
            return redirect("admin:complaints_compliance_import")
        stash = _unstash_upload(request.user, request.POST.get("token", ""))
        if stash is None:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect("admin:complaints_compliance_import")
        data, file_name, file_path = stash
        try:
            plan = importer.complaint_import(data=data, name=file_name, actor=request.user)
        except importer.ImportRefused as refused:
            context = self._context(
                request,
                _("Import complaints"),
                form=ImportForm(),
                problems=[str(problem) for problem in refused.problems],
                columns=IMPORT_COLUMNS,
            )
            return TemplateResponse(request, "complaints/compliance/import.html", context)
        finally:
            file_path.unlink(missing_ok=True)
        messages.success(
            request,
            _("Imported %(file)s: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
            % {"file": file_name, "created": plan.created, "updated": plan.updated, "unchanged": plan.unchanged},
        )
        return redirect("admin:complaints_compliancedashboard_changelist")

    # Public statistics.

    def publish_view(self, request):
        _require(request, statistics.PUBLISH_PERMISSION)
        if request.method != "POST":
            return redirect("admin:complaints_compliancedashboard_changelist")
        form = PublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
            return redirect("admin:complaints_compliancedashboard_changelist")
        period = form.period()
        try:
            row = statistics.statistics_publish(period=period, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("admin:complaints_compliancedashboard_changelist")
        messages.success(
            request,
            _("The statistics of %(period)s are published (version %(version)d).")
            % {"period": period.label, "version": row.version},
        )
        return redirect("admin:complaints_compliancedashboard_changelist")

    # Draft disclosure.

    def disclosure_view(self, request):
        _require(request, DISCLOSURE_PERMISSION)
        if request.method != "POST":
            return redirect("admin:complaints_compliancedashboard_changelist")
        form = YearForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a year."))
            return redirect("admin:complaints_compliancedashboard_changelist")
        try:
            notice, created = disclosure.disclosure_draft(year=form.cleaned_data["year"], actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("admin:complaints_compliancedashboard_changelist")
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


IMPORT_COLUMNS = [
    ("received_at", "接收日期", gettext_lazy("date or date and time, Beijing time")),
    ("source", EXPORT_HEADINGS["source"], choices_help("source")),
    ("regulator_ref", EXPORT_HEADINGS["regulator_ref"], gettext_lazy("required for regulator-forwarded complaints")),
    ("channel", EXPORT_HEADINGS["channel"], choices_help("channel")),
    ("business_channel", EXPORT_HEADINGS["business_channel"], choices_help("business_channel")),
    ("category", EXPORT_HEADINGS["category"], choices_help("category")),
    ("province", EXPORT_HEADINGS["province"], gettext_lazy("Chinese name, e.g. 北京")),
    ("name", EXPORT_HEADINGS["name"], ""),
    ("phone", EXPORT_HEADINGS["phone"], ""),
    ("description", EXPORT_HEADINGS["description"], ""),
    ("closed_at", EXPORT_HEADINGS["decided_at"], gettext_lazy("optional")),
    ("outcome", EXPORT_HEADINGS["outcome"], gettext_lazy("optional: upheld, partly_upheld, not_upheld")),
]


def _stash_directory():
    directory = Path(settings.MEDIA_ROOT) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _stash_upload(user, data: bytes, file_name: str) -> str:
    """Keep the previewed file until it is confirmed (outside the static files, under a random name)."""
    directory = _stash_directory()
    # Previews never confirmed are not kept beyond their token's lifetime.
    stale = timezone.now().timestamp() - IMPORT_MAX_AGE
    for leftover in directory.iterdir():
        if leftover.is_file() and leftover.stat().st_mtime < stale:
            leftover.unlink(missing_ok=True)
    name = secrets.token_hex(16)
    (directory / name).write_bytes(data)
    return signing.dumps({"f": name, "u": user.pk, "n": file_name}, salt=IMPORT_SALT)


def _unstash_upload(user, token: str):
    try:
        payload = signing.loads(token, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        return None
    if payload.get("u") != user.pk or not str(payload.get("f", "")).isalnum():
        return None
    file_path = _stash_directory() / payload["f"]
    if not file_path.is_file():
        return None
    return file_path.read_bytes(), payload.get("n", ""), file_path


@admin.register(ReportingVolume)
class ReportingVolumeAdmin(DeclaredFiltersOnly, admin.ModelAdmin):
    list_display = ("__str__", "premium", "policies", "insured", "note", "updated_at")
    list_filter = ("year",)


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    """Read-only: the log is evidence of who took personal data out, and when."""

    list_display = ("at", "user", "via", "file_format", "rows", "masked", "filters_text")
    list_filter = ("masked", "via", "file_format")
    date_hierarchy = "at"

    @admin.display(description=gettext_lazy("filters"))
    def filters_text(self, obj):
        return json.dumps(obj.filters, ensure_ascii=False, sort_keys=True)
