"""A URL configuration with the display-mode switch at another address (tests/portal/test_reversing.py)."""

from django.urls import path

from portal import views

urlpatterns = [path("elsewhere/display-mode/", views.display_mode, name="display_mode")]
