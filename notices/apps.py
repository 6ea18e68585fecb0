from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        from portal import pagecache, registry, roles

        from . import views
        from .models import Notice, NoticeAttachment
        from .roles import GROUP_PERMISSIONS
        from .sitemaps import NoticeListSitemap, NoticeSitemap

        registry.register_home_section(20, "notices/home_section.html", views.home_section_context)
        # The history page shows the services' change reasons ("published") by their labels.
        from portal.versions import CHANGE_REASONS

        from .services import CHANGE_REASONS as NOTICE_REASONS

        CHANGE_REASONS.update(NOTICE_REASONS)
        registry.register_sitemap("notice-lists", NoticeListSitemap)
        registry.register_sitemap("notices", NoticeSitemap)
        # The demo modules and their data are imported only when `manage.py load_demo` runs.
        registry.register_demo_loader(
            20, "notices", lambda stdout=None: import_module(f"{self.name}.demo").load(stdout)
        )
        # Benchmark tooling: notices/volume/ is imported only when `manage.py generate_volume` runs.
        registry.register_volume_generator(
            20, "notices", lambda options, stdout: import_module(f"{self.name}.volume").generate(options, stdout)
        )
        pagecache.watch_models(Notice, NoticeAttachment)
        pagecache.register_horizon(views.next_scheduled_change)
        roles.keep_groups(self, GROUP_PERMISSIONS)
