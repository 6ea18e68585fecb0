"""Reception's staff pages as URL lists, mounted by the ModelAdmins of their models (portal.admin.staff_urls):
under admin/reception/receptionday/ and admin/reception/branchstaff/, with the names the templates reverse."""

from django.urls import path

from . import views

reception_day_urls = [
    path("import/", views.import_view, name="reception_receptionday_import"),
    path("generate/", views.generate_view, name="reception_receptionday_generate"),
    path("<int:pk>/bookings/", views.bookings_view, name="reception_receptionday_bookings"),
]

branch_staff_urls = [
    path("user-autocomplete/", views.user_autocomplete_view, name="reception_branchstaff_user_autocomplete"),
]
