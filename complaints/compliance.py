"""Wiring of the compliance part of the complaints app: its permissions in the staff groups and its admin.

complaints.roles gives each group its complaint permissions and removes any other; the compliance permissions
are added on top here, after it, in the same post_migrate pass and in migration 0003.
"""

from django.apps import apps as global_apps
from django.db.models.signals import post_migrate

from portal import roles

EXTRA_PERMISSIONS = {
    roles.COMPLIANCE_OFFICER: [
        "view_compliance_dashboard",
        "import_complaints",
        "draft_disclosure",
        "view_exportlog",
        "view_reportingvolume",
        "add_reportingvolume",
        "change_reportingvolume",
    ],
    roles.SUPERVISOR: ["view_compliance_dashboard", "view_exportlog"],
}
# A compliance officer opens the disclosure drafted from the figures in the notices admin (editors complete it).
NOTICE_PERMISSIONS = {roles.COMPLIANCE_OFFICER: ["view_notice"]}


def sync_groups(apps=global_apps) -> None:
    from .roles import GROUP_PERMISSIONS, grantable

    for name, extra in EXTRA_PERMISSIONS.items():
        roles.sync_group(name, "complaints", grantable([*GROUP_PERMISSIONS[name], *extra], apps), apps=apps)
    for name, codenames in NOTICE_PERMISSIONS.items():
        roles.sync_group(name, "notices", codenames, apps=apps)


def _sync_groups(sender, apps=None, **kwargs):
    sync_groups(apps or global_apps)


def ready(app_config) -> None:
    from . import admin_compliance  # noqa: F401  (registers the compliance admin pages)

    post_migrate.connect(_sync_groups, sender=app_config, dispatch_uid="complaints-compliance-groups")
