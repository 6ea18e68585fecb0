from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _restore_roles(sender, **kwargs):
    # Test databases are flushed between transactional tests; the group comes back after each migrate/flush.
    from .roles import sync_roles

    sync_roles()


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        from portal import pagecache, registry

        from . import demo, views, volume
        from .models import Notice, NoticeAttachment
        from .sitemaps import NoticeListSitemap, NoticeSitemap

        registry.register_home_section(20, "notices/home_section.html", views.home_section_context)
        registry.register_sitemap("notice-lists", NoticeListSitemap)
        registry.register_sitemap("notices", NoticeSitemap)
        registry.register_demo_loader(20, "notices", demo.load)
        registry.register_volume_generator(20, "notices", volume.generate)
        pagecache.watch_models(Notice, NoticeAttachment)
        pagecache.register_horizon(views.next_scheduled_change)
        post_migrate.connect(_restore_roles, sender=self, dispatch_uid="notices-roles")
