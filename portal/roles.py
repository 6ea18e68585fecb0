"""Staff roles as Django groups with exact permissions, kept in code so they never drift.

Each app declares its groups' permissions and calls `sync_group` from a data migration (so a fresh database
has them) and from `post_migrate` (so test databases flushed between tests get them back). A group may be
shared by several apps (e.g. a supervisor has rights in complaints and reception): each app adds its own
permissions and removes none of another app's.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

CONTENT_EDITOR = "Content editor"
COMPLAINT_HANDLER = "Complaint handler"
SUPERVISOR = "Supervisor"
# Grants the second extension of a complaint's time limit (Art. 20: a senior manager's approval).
SENIOR_MANAGER = "Senior manager"
COMPLIANCE_OFFICER = "Compliance officer"
BRANCH_STAFF = "Branch staff"


def sync_group(name: str, app_label: str, codenames: list[str], apps=global_apps) -> None:
    """Give group `name` exactly `codenames` among app `app_label`'s permissions ("view_notice", …)."""
    # Permissions are normally created after all migrations; make sure this app's exist now. The app's
    # configuration comes from the global registry (a migration's state registry holds stubs without a models
    # module, which create_permissions skips or trips on); the Permission rows are written through `apps`.
    create_permissions(global_apps.get_app_config(app_label), verbosity=0, apps=apps)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _created = group_model.objects.get_or_create(name=name)
    wanted = list(permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    missing = set(codenames) - {permission.codename for permission in wanted}
    if missing:
        raise LookupError(f"Unknown permissions for {app_label}: {sorted(missing)}")
    current = group.permissions.filter(content_type__app_label=app_label)
    group.permissions.remove(*[permission for permission in current if permission.codename not in codenames])
    group.permissions.add(*wanted)
