"""The compliance staff pages as one URL list, mounted under admin/complaints/compliancedashboard/ (the
dashboard is that entry's list page), with the names the templates reverse."""

from django.urls import path

from .views import dashboard, exports, imports, mediation, publishing, rating, reviews, rings, rules, systemic

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
    path("rating/", rating.rating_view, name="complaints_compliance_rating"),
    path("rating/download/<str:file_format>/", rating.rating_download_view, name="complaints_compliance_rating_file"),
    path("rating/weights/", rating.weights_enter_view, name="complaints_compliance_weights"),
    path("rating/weights/<int:pk>/", rating.weights_decide_view, name="complaints_compliance_weights_decide"),
    path("rating/assessment/", rating.assessment_view, name="complaints_compliance_assessment"),
    path("rating/assessment/<int:year>.pdf", rating.assessment_pdf_view, name="complaints_compliance_assessment_pdf"),
    path("rules/", rules.rules_view, name="complaints_compliance_rules"),
    path("rules/<int:pk>/", rules.rule_view, name="complaints_compliance_rule"),
    path("reviews/", reviews.reviews_view, name="complaints_compliance_reviews"),
    path("reviews/import/", reviews.reviews_import_view, name="complaints_compliance_reviews_import"),
    path("sellers/", systemic.sellers_view, name="complaints_compliance_sellers"),
    path("warnings/", systemic.warnings_view, name="complaints_compliance_warnings"),
    path("issues/", systemic.issues_view, name="complaints_compliance_issues"),
    path("issues/<int:pk>/", systemic.issue_view, name="complaints_compliance_issue"),
    path("settlement-authority/", mediation.authority_view, name="complaints_compliance_settlement_authority"),
    path(
        "settlement-authority/<int:pk>/",
        mediation.authority_decide_view,
        name="complaints_compliance_settlement_authority_decide",
    ),
    path("settlement-authority/staff/", mediation.levels_view, name="complaints_compliance_staff_levels"),
    path("rings/", rings.rings_view, name="complaints_compliance_rings"),
    path("rings/<str:key>/", rings.ring_view, name="complaints_compliance_ring"),
]
