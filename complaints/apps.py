from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_groups(sender, apps=None, **kwargs):
    from django.apps import apps as global_apps

    from .roles import sync_groups

    # A flush (between transactional tests) sends post_migrate without a migration state registry.
    sync_groups(apps or global_apps)


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from portal import registry

        from . import demo, volume
        from .sitemaps import ComplaintSitemap

        registry.register_sitemap("complaints", ComplaintSitemap)
        registry.register_demo_loader(30, "complaints", demo.load)
        registry.register_volume_generator(30, "complaints", volume.generate)
        # No query: the section says how complaints are handled and links to the forms.
        registry.register_home_section(30, "complaints/home_section.html")
        # Test databases are flushed between transactional tests; this puts the groups back.
        post_migrate.connect(_sync_groups, sender=self, dispatch_uid="complaints-groups")
        from .compliance import ready as compliance_ready

        compliance_ready(self)
