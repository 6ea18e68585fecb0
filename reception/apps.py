from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_groups(sender, **kwargs):
    from .roles import sync_groups

    sync_groups()


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = _("Reception days")

    def ready(self):
        from portal import pagecache, registry

        from . import demo, home, volume
        from .models import ReceptionDay
        from .sitemaps import ReceptionSitemap

        registry.register_home_section(
            40, "reception/home_section.html", home.section_context, elderly_template="reception/home_elderly.html"
        )
        registry.register_sitemap("reception", ReceptionSitemap)
        registry.register_demo_loader(40, "reception", demo.load)
        registry.register_volume_generator(40, "reception", volume.generate)
        pagecache.watch_models(ReceptionDay)
        pagecache.register_horizon(home.next_change)
        # Test databases are flushed between transactional tests; this brings the groups back.
        post_migrate.connect(_sync_groups, sender=self, dispatch_uid="reception_sync_groups")
