from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Site and organisation")

    def import_models(self):
        super().import_models()
        # The outbox and the staff inbox (portal/messaging/) belong to this app.
        import_module(f"{self.name}.messaging.models")

    def ready(self):
        from . import checks, signals, staff_sessions  # noqa: F401  (deploy checks; cache invalidation; sign-in)
        from .models import Branch, SiteProfile
        from .pagecache import watch_models

        watch_models(SiteProfile, Branch)
        # The deploy check for the SMS backend, the outbox's and the inbox's admin pages, and the outbox's part
        # of `run_periodic`.
        import_module(f"{self.name}.messaging.checks")
        import_module(f"{self.name}.messaging.admin")
        # Supervisors are told of messages given up (a receiver of the outbox's signal).
        import_module(f"{self.name}.messaging.alerts")
        from . import registry, roles
        from .display import name_users

        # Staff are named by their names everywhere (the user model's str()).
        name_users()
        from .messaging.outbox import messages_sweep

        # Who reads the outbox in the admin and who keeps the working-day calendar.
        roles.keep_groups(self, roles.GROUP_PERMISSIONS)

        registry.register_periodic(10, "messages", lambda now: messages_sweep(now=now))
