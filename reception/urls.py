from django.urls import path

from . import views

app_name = "reception"

urlpatterns = [
    path("", views.index, name="index"),
    path("archive/<int:year>/", views.archive, name="archive"),
    path("book/<int:day_id>/", views.book, name="book"),
    path("book/done/", views.booked, name="booked"),
    path("cancel/", views.cancel, name="cancel"),
    path("cancel/done/", views.cancelled, name="cancelled"),
    path("<slug:slug>/calendar.ics", views.calendar_ics, name="calendar"),
]
