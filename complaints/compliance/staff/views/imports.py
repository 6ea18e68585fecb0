"""The import of complaints: upload, preview (the file kept until confirmed), confirm."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.privacy import mask_name, mask_phone
from portal.tabular import MAX_IMPORT_BYTES
from portal.uploads import safe_display_name

from ... import importer, reports
from ...vocabulary import EXPORT_HEADINGS, choices_help
from ..common import DASHBOARD, IMPORT_PERMISSION, page_context, require
from ..forms import ImportForm

IMPORT_SALT = "complaints.compliance.import"
IMPORT_MAX_AGE = 3600
PREVIEW_ROWS = 50


def import_view(request):
    require(request, IMPORT_PERMISSION)
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
    context = page_context(
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


def import_confirm_view(request):
    require(request, IMPORT_PERMISSION)
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
        context = page_context(
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
    return redirect(DASHBOARD)


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
