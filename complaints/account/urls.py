"""/account/ (and /en/account/): docs/design.md, the URL contract."""

from django.urls import path

from . import views

app_name = "account"

urlpatterns = [
    path("", views.sign_in_page, name="sign_in"),
    path("mine/", views.home, name="home"),
    path("open/", views.open_complaint, name="open"),
    path("bookings/<str:reference>/cancel/", views.cancel_booking, name="cancel_booking"),
    path("rate/<str:number>/", views.rate, name="rate"),
    path("data/", views.data, name="data"),
    path("data/copy/", views.data_copy, name="copy"),
    path("data/copy.json", views.data_copy_json, name="copy_json"),
    path("sign-out/", views.sign_out, name="sign_out"),
]
