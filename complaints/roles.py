"""The complaint permissions of each staff group (portal.roles names the groups)."""

from django.apps import apps as global_apps

from portal import roles

_READ = ["view_complaint", "view_complaintevent", "view_complaintattachment", "view_extensionrequest"]

GROUP_PERMISSIONS = {
    # Their assigned complaints: register, work them through the workflow, call the complainant back.
    roles.COMPLAINT_HANDLER: [
        *_READ,
        "add_complaint",
        "change_complaint",
        "handle_complaint",
        "view_full_personal_data",
    ],
    # Everything a handler does on every complaint, plus assigning, granting first extensions and recording
    # steps dated more than three days back.
    roles.SUPERVISOR: [
        *_READ,
        "add_complaint",
        "change_complaint",
        "handle_complaint",
        "view_full_personal_data",
        "view_all_complaints",
        "assign_complaint",
        "approve_extension",
        "record_past_dates",
        "export_complaint",
        "view_personaldataview",
        "set_legal_hold",
    ],
    # Reads every complaint and grants extensions: the second one (to 60 days) only they may grant (Art. 20).
    roles.SENIOR_MANAGER: [
        *_READ,
        "view_all_complaints",
        "approve_extension",
        "approve_second_extension",
        "record_past_dates",
    ],
    # Read everything and export; change nothing.
    roles.COMPLIANCE_OFFICER: [
        *_READ,
        "view_all_complaints",
        "export_complaint",
        "view_personaldataview",
        "set_legal_hold",
    ],
}


def _declared(apps) -> set[str]:
    """The permission codenames the complaints models declare in `apps` (a migration's state or the live one)."""
    names = set()
    for model in apps.get_app_config("complaints").get_models():
        opts = model._meta
        names.update(f"{action}_{opts.model_name}" for action in opts.default_permissions)
        names.update(codename for codename, _label in opts.permissions)
    return names


def grantable(codenames, apps=global_apps) -> list[str]:
    """The codenames a migration can grant at its point in history: a permission the code declares but that
    state does not yet is granted by the later migration that adds it. A codename the code does not declare
    at all (a typo) is kept, so that sync_group reports it."""
    then, now = _declared(apps), _declared(global_apps)
    return [codename for codename in codenames if codename in then or codename not in now]


def sync_groups(apps=global_apps) -> None:
    for name, codenames in GROUP_PERMISSIONS.items():
        roles.sync_group(name, "complaints", grantable(codenames, apps), apps=apps)
