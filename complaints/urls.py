from django.urls import path

from . import documents, feedback_views, views

app_name = "complaints"

urlpatterns = [
    path("new/", views.new, name="new"),
    path("receipt/", views.receipt, name="receipt"),
    path("track/", views.track, name="track"),
    path("track/status/", views.status, name="status"),
    path("track/add/", views.add_information, name="add_information"),
    path("track/review/", views.request_review, name="request_review"),
    path("track/withdraw/", views.withdraw, name="withdraw"),
    path("track/end/", views.track_end, name="track_end"),
    path("feedback/<str:token>/", feedback_views.feedback, name="feedback"),
    path("track/documents/<str:key>/", documents.document, name="document"),
]
