from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = _("Reception days")

    def ready(self):
        from portal import pagecache, registry, roles

        from . import demo, home, retention, volume
        from .models import ReceptionDay
        from .roles import GROUP_PERMISSIONS
        from .sitemaps import ReceptionSitemap

        registry.register_home_section(
            40, "reception/home_section.html", home.section_context, elderly_template="reception/home_elderly.html"
        )
        registry.register_sitemap("reception", ReceptionSitemap)
        registry.register_demo_loader(40, "reception", demo.load)
        registry.register_volume_generator(40, "reception", volume.generate)
        pagecache.watch_models(ReceptionDay)
        pagecache.register_horizon(home.next_change)
        roles.keep_groups(self, GROUP_PERMISSIONS)
        # Bookings' personal data fall under the complaints' retention period (the one retention run).
        registry.register_retention_step("bookings", retention.bookings_anonymise)
