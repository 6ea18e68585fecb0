"""The complaint permissions of each staff group (portal.roles names the groups)."""

from django.apps import apps as global_apps

from portal import roles

_READ = ["view_complaint", "view_complaintevent", "view_complaintattachment"]

GROUP_PERMISSIONS = {
    # Their assigned complaints: register, work them through the workflow, call the complainant back.
    roles.COMPLAINT_HANDLER: [
        *_READ,
        "add_complaint",
        "change_complaint",
        "handle_complaint",
        "view_full_personal_data",
    ],
    # Everything a handler does on every complaint, plus assigning and approving extensions.
    roles.SUPERVISOR: [
        *_READ,
        "add_complaint",
        "change_complaint",
        "handle_complaint",
        "view_full_personal_data",
        "view_all_complaints",
        "assign_complaint",
        "approve_extension",
        "export_complaint",
        "view_personaldataview",
    ],
    # Read everything and export; change nothing.
    roles.COMPLIANCE_OFFICER: [*_READ, "view_all_complaints", "export_complaint", "view_personaldataview"],
}


def sync_groups(apps=global_apps) -> None:
    for name, codenames in GROUP_PERMISSIONS.items():
        roles.sync_group(name, "complaints", codenames, apps=apps)
