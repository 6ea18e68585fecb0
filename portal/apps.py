from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Site and organisation")

    def ready(self):
        from . import checks, signals  # noqa: F401  (deploy checks; cache invalidation of the site profile)
        from .models import Branch, SiteProfile
        from .pagecache import watch_models

        watch_models(SiteProfile, Branch)
