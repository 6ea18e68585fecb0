"""The complaints' staff pages, as URL lists the ModelAdmins mount (portal.admin.staff_urls): under
admin/complaints/complaint/ and admin/complaints/extensionrequest/, with the names the templates reverse."""

from django.urls import path

from .escalations import escalation_decide_view
from .views import complaint, extensions, first_contact, mediation, registration, sellers

complaint_urls = [
    path("register/", registration.register_view, name="complaints_complaint_register"),
    path("register/first-contact/", first_contact.first_contact_view, name="complaints_complaint_first_contact"),
    path("<int:pk>/do/<str:action>/", complaint.action_view, name="complaints_complaint_action"),
    path("attachment/<int:pk>/", complaint.attachment_view, name="complaints_complaint_attachment"),
    path(
        "attachment/<int:pk>/preview/",
        complaint.attachment_preview_view,
        name="complaints_complaint_attachment_preview",
    ),
    path("<int:pk>/letter/", complaint.letter_view, name="complaints_complaint_letter"),
    path(
        "<int:pk>/outside-escalation/<int:link_pk>/",
        escalation_decide_view,
        name="complaints_complaint_outside_escalation",
    ),
    path("<int:pk>/seller/", sellers.seller_view, name="complaints_complaint_seller"),
    path("<int:pk>/mediation/", mediation.mediation_open_view, name="complaints_complaint_mediation"),
    path("mediation/<int:pk>/<str:step>/", mediation.mediation_step_view, name="complaints_complaint_mediation_step"),
]

extension_request_urls = [
    path("<int:pk>/decide/", extensions.decide_view, name="complaints_extensionrequest_decide"),
]
