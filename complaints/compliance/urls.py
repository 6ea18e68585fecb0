from django.urls import path

from . import public

app_name = "statistics"

urlpatterns = [
    path("", public.index, name="index"),
    path("<slug:period_slug>/", public.period, name="period"),
    path("<slug:period_slug>.csv", public.period_csv, name="csv"),
    path("<slug:period_slug>.json", public.period_json, name="json"),
]
