from django.urls import path

from portal.pagecache import public_page

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.index, name="index"),
    path("feed/", public_page(views.LatestNoticesFeed()), name="feed"),
    path("<slug:category>/", views.category, name="category"),
    path("<slug:category>/feed/", public_page(views.LatestNoticesFeed()), name="category_feed"),
    path("<slug:category>/<slug:slug>/", views.detail, name="detail"),
    path("<slug:category>/<slug:slug>/files/<int:pk>/", views.attachment, name="attachment"),
]
