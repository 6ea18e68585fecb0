"""The compliance staff pages as one URL list, mounted under admin/complaints/compliancedashboard/ (the
dashboard is that entry's list page), with the names the templates reverse."""

from django.urls import path

from .views import dashboard, exports, imports, publishing

urlpatterns = [
    path("", dashboard.dashboard_view, name="complaints_compliancedashboard_changelist"),
    path("report/<str:file_format>/", dashboard.report_view, name="complaints_compliance_report"),
    path("export/", exports.export_view, name="complaints_compliance_export"),
    path("export/<uuid:job_id>/", exports.export_job_view, name="complaints_compliance_export_job"),
    path(
        "export/<uuid:job_id>/download/",
        exports.export_download_view,
        name="complaints_compliance_export_download",
    ),
    path("import/", imports.import_view, name="complaints_compliance_import"),
    path("import/confirm/", imports.import_confirm_view, name="complaints_compliance_import_confirm"),
    path("disclosure/", publishing.disclosure_view, name="complaints_compliance_disclosure"),
    path("publish/", publishing.publish_view, name="complaints_compliance_publish"),
]
