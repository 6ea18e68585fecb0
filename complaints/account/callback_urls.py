"""/callback/ (and /en/callback/): docs/design.md, the URL contract."""

from django.urls import path

from . import views

app_name = "callback"

urlpatterns = [
    path("", views.callback, name="request"),
    path("done/", views.callback_done, name="done"),
]
