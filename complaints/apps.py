from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def import_models(self):
        super().import_models()
        # The compliance sub-package's models (export log, jobs, business volumes) belong to this app too.
        import_module(f"{self.name}.compliance.models")

    def ready(self):
        from portal import registry, roles

        from . import demo, volume
        from .roles import GROUP_PERMISSIONS
        from .sitemaps import ComplaintSitemap

        registry.register_sitemap("complaints", ComplaintSitemap)
        registry.register_demo_loader(30, "complaints", demo.load)
        registry.register_volume_generator(30, "complaints", volume.generate)
        # No query: the section says how complaints are handled and links to the forms.
        registry.register_home_section(30, "complaints/home_section.html")
        roles.keep_groups(self, GROUP_PERMISSIONS)
        # The compliance pages of the admin (the case admin registers itself through admin autodiscovery).
        import_module(f"{self.name}.compliance.admin")
