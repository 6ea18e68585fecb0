from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_groups(sender, apps, **kwargs):
    from .roles import sync_groups

    sync_groups(apps)


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        # Test databases are flushed between transactional tests; this puts the groups back.
        post_migrate.connect(_sync_groups, sender=self, dispatch_uid="complaints-groups")
