from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from . import registry, views
from .pagecache import public_page
from .sitemaps import PortalSitemap

registry.register_sitemap("portal", PortalSitemap)

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("rights/", views.rights, name="rights"),
        path("contact/", views.contact, name="contact"),
    ],
    "portal",
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's among them).
    path("favicon.ico", views.favicon),
    path("display-mode/", views.display_mode, name="display_mode"),
    path(
        "sitemap.xml",
        # In the page cache like any public page: it changes exactly when a public page appears or goes.
        public_page(sitemap_views.sitemap),
        {"sitemaps": registry.sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]

# Chinese without a prefix, English under /en/ (docs/design.md, the URL contract).
urlpatterns += i18n_patterns(
    path("", include(portal_patterns)),
    path("notices/", include("notices.urls")),
    path("complaints/", include("complaints.urls")),
    path("reception/", include("reception.urls")),
    path("account/", include("complaints.account.urls")),
    path("callback/", include("complaints.account.callback_urls")),
    path("statistics/", include("complaints.compliance.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
