"""The notices' staff page as a URL list, mounted under admin/notices/notice/ (portal.admin.staff_urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:object_id>/preview/", views.preview_view, name="notices_notice_preview"),
]
