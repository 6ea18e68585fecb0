from django.urls import path
from django.views.decorators.http import condition

from portal.pagecache import public_page

from . import views

app_name = "notices"

# Last-Modified on every feed, and 304 Not Modified for a reader that sends If-Modified-Since.
feed = condition(last_modified_func=views.feed_last_modified)(views.LatestNoticesFeed())

urlpatterns = [
    path("", views.index, name="index"),
    path(
        "feed/",
        public_page(feed),
        name="feed",
    ),
    path("<slug:category>/", views.category, name="category"),
    path(
        "<slug:category>/feed/",
        public_page(feed),
        name="category_feed",
    ),
    path("<slug:category>/<slug:slug>/", views.detail, name="detail"),
    path("<slug:category>/<slug:slug>/files/<int:pk>/", views.attachment, name="attachment"),
]
