"""Staff roles as Django groups with exact permissions, kept in code so they never drift.

Each app declares its groups' permissions once, as a mapping in its own roles.py
(`{group name: [codename, …]}` among that app's permissions), and hands it to `keep_groups` from its
AppConfig.ready(): one post_migrate handler then gives the groups exactly those permissions after every
migrate and every flush (test databases are flushed between transactional tests). A data migration calls
`sync_app_groups` with the same mapping, so a fresh database has the groups before anything else runs. A
group may be shared by several apps (a supervisor has rights in complaints and reception): each app sets its
own permissions and removes none of another app's.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_noop

# The group names are kept in English (they are the groups' keys); the admin shows them translated.
CONTENT_EDITOR = gettext_noop("Content editor")
COMPLAINT_HANDLER = gettext_noop("Complaint handler")
SUPERVISOR = gettext_noop("Supervisor")
# Grants the second extension of a complaint's time limit (Art. 20: a senior manager's approval).
SENIOR_MANAGER = gettext_noop("Senior manager")
COMPLIANCE_OFFICER = gettext_noop("Compliance officer")
BRANCH_STAFF = gettext_noop("Branch staff")

# The portal app's own share of the roles: who reads the outbox in the admin (everyone reads their own inbox),
# and who keeps the working-day calendar (public holidays and make-up working days: branch staff read it to
# plan their reception days, supervisors keep it).
GROUP_PERMISSIONS = {
    BRANCH_STAFF: ["view_holiday"],
    SUPERVISOR: [
        "view_message",
        "view_personaldataseen",
        "view_holiday",
        "add_holiday",
        "change_holiday",
        "delete_holiday",
    ],
    COMPLIANCE_OFFICER: ["view_message", "view_personaldataseen"],
}


def _declared(app_label: str, apps) -> set[str]:
    """The permission codenames app `app_label`'s models declare in `apps` (a migration's state or the live one)."""
    names = set()
    for model in apps.get_app_config(app_label).get_models():
        opts = model._meta
        names.update(f"{action}_{opts.model_name}" for action in opts.default_permissions)
        names.update(codename for codename, _label in opts.permissions)
    return names


def grantable(app_label: str, codenames, apps=global_apps) -> list[str]:
    """The codenames a migration can grant at its point in history: a permission the code declares but that
    state does not yet is granted by the later migration (or post_migrate) that adds it. A codename the code
    does not declare at all (a typo) is kept, so that sync_group reports it."""
    if apps is global_apps:
        return list(codenames)
    then, now = _declared(app_label, apps), _declared(app_label, global_apps)
    return [codename for codename in codenames if codename in then or codename not in now]


def sync_group(name: str, app_label: str, codenames: list[str], apps=global_apps) -> None:
    """Give group `name` exactly `codenames` among app `app_label`'s permissions ("view_notice", …)."""
    # Permissions are normally created after all migrations; make sure this app's exist now. The app's
    # configuration comes from the global registry (a migration's state registry holds stubs without a models
    # module, which create_permissions skips or trips on); the Permission rows are written through `apps`.
    create_permissions(global_apps.get_app_config(app_label), verbosity=0, apps=apps)
    codenames = grantable(app_label, codenames, apps)
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


def sync_app_groups(app_label: str, groups: dict[str, list[str]], apps=global_apps) -> None:
    """Every group an app declares, with exactly its permissions in that app."""
    for name, codenames in groups.items():
        sync_group(name, app_label, codenames, apps=apps)


_KEPT: dict[str, dict[str, list[str]]] = {}


def _after_migrate(sender, apps=None, **kwargs) -> None:
    # A flush sends post_migrate without a migration state registry: the live registry is the state then.
    sync_app_groups(sender.label, _KEPT[sender.label], apps or global_apps)


def keep_groups(app_config, groups: dict[str, list[str]]) -> None:
    """Called from an app's ready(): its groups get their permissions back after every migrate and flush."""
    _KEPT[app_config.label] = groups
    post_migrate.connect(_after_migrate, sender=app_config, dispatch_uid=f"{app_config.label}-groups")


def sync_groups(apps=global_apps) -> None:
    """The portal app's share of the groups (GROUP_PERMISSIONS), for its data migrations."""
    sync_app_groups("portal", GROUP_PERMISSIONS, apps)
