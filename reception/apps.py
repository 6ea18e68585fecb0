from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = _("Reception days")

    def ready(self):
        from portal import pagecache, registry, roles

        from . import account, home, retention
        from .models import ReceptionDay, branch_members
        from .roles import GROUP_PERMISSIONS
        from .sitemaps import ReceptionSitemap

        registry.register_home_section(
            40, "reception/home_section.html", home.section_context, elderly_template="reception/home_elderly.html"
        )
        registry.register_sitemap("reception", ReceptionSitemap)
        # The demo modules and their data are imported only when `manage.py load_demo` runs.
        registry.register_demo_loader(
            40, "reception", lambda stdout=None: import_module(f"{self.name}.demo").load(stdout)
        )
        # Benchmark tooling: reception/volume/ is imported only when `manage.py generate_volume` runs.
        registry.register_volume_generator(
            40, "reception", lambda options, stdout: import_module(f"{self.name}.volume").generate(options, stdout)
        )
        pagecache.watch_models(ReceptionDay)
        pagecache.register_horizon(home.next_change)
        roles.keep_groups(self, GROUP_PERMISSIONS)
        # Bookings' personal data fall under the complaints' retention period (the one retention run).
        registry.register_retention_step("bookings", retention.bookings_anonymise)
        # The staff of a branch (the complaints app's named-employee choices): its linked Branch staff.
        registry.register_branch_staff("reception", branch_members)
        # The bookings of a complainant's account (complaints/account/), found by the signed-in phone.
        registry.register_account_source(account.SOURCE)
