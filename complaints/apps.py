from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def import_models(self):
        super().import_models()
        # The compliance sub-package's models (export log, jobs, business volumes) belong to this app too.
        import_module(f"{self.name}.compliance.models")

    def ready(self):
        from portal import pagecache, registry, roles

        from . import escalation, services
        from .compliance import alerts, jobs, statistics
        from .compliance.models import PublishedStatistics, ensure_first_rule_version, ensure_root_causes
        from .compliance.sitemaps import StatisticsSitemap
        from .models import RuleVersion
        from .roles import GROUP_PERMISSIONS
        from .sitemaps import ComplaintSitemap

        registry.register_sitemap("complaints", ComplaintSitemap)
        registry.register_sitemap("statistics", StatisticsSitemap)
        # The public statistics change exactly when a period is published.
        pagecache.watch_models(PublishedStatistics)
        # The public texts state the limits of the rule version in force: approved, or taking effect at midnight.
        pagecache.watch_models(RuleVersion)
        pagecache.register_horizon(services.next_rule_change)
        # The demo modules and their data are imported only when `manage.py load_demo` runs.
        registry.register_demo_loader(
            30, "complaints", lambda stdout=None: import_module(f"{self.name}.demo").load(stdout)
        )
        registry.register_demo_loader(
            33, "record of last year", lambda stdout=None: import_module(f"{self.name}.compliance.demo").load(stdout)
        )
        registry.register_demo_loader(
            34,
            "surrender-agent rings",
            lambda stdout=None: import_module(f"{self.name}.compliance.ring_demo").load(stdout),
        )
        registry.register_demo_loader(35, "statistics", statistics.load_demo)
        # Benchmark tooling: complaints/volume/ is imported only when `manage.py generate_volume` runs.
        registry.register_volume_generator(
            30, "complaints", lambda options, stdout: import_module(f"{self.name}.volume").generate(options, stdout)
        )
        # No query: the section says how complaints are handled and links to the forms.
        registry.register_home_section(30, "complaints/home_section.html")
        roles.keep_groups(self, GROUP_PERMISSIONS)
        registry.register_periodic(20, "digests", lambda now: escalation.digests_send(now=now))
        # Complaints nobody touched are recorded late as soon as their limit has passed (idempotent).
        registry.register_periodic(25, "late", lambda now: len(services.mark_late_complaints()))
        registry.register_periodic(30, "escalations", lambda now: escalation.complaints_escalate(now=now))
        # The satisfaction link, the day after a decision reached the complainant (complaints/workflow/feedback.py).
        registry.register_periodic(35, "feedback", lambda now: services.feedback_invitations_send(now=now))
        registry.register_periodic(40, "early-warnings", lambda now: alerts.run_daily(timezone.localdate(now)))
        # Export files are deleted a week after they were written, whether or not anyone exports again.
        registry.register_periodic(50, "exports", lambda now: jobs.purge_old_exports(now))
        # Call backs and personal data requests fall under the complaints' retention period.
        registry.register_retention_step(
            "account-requests",
            lambda cutoff, dry_run=False: import_module(f"{self.name}.account.requests").account_requests_anonymise(
                cutoff=cutoff, dry_run=dry_run
            ),
        )
        # Sign-in codes and account sessions go a day after they could last have been used.
        registry.register_periodic(
            55, "account-sessions", lambda now: import_module(f"{self.name}.account.sign_in").purge(now=now)
        )
        # The root-cause codes closing needs, in a new database and after every flush (tests).
        post_migrate.connect(ensure_root_causes, sender=self, dispatch_uid="complaints.ensure_root_causes")
        post_migrate.connect(ensure_first_rule_version, sender=self, dispatch_uid="complaints.first_rule_version")
        # The compliance pages of the admin (the case admin registers itself through admin autodiscovery).
        import_module(f"{self.name}.compliance.admin")
        import_module(f"{self.name}.compliance.admin_oversight")
        import_module(f"{self.name}.compliance.admin_rating")
        import_module(f"{self.name}.compliance.admin_mediation")
