"""The reception app's share of the staff roles (portal/roles.py keeps the group names)."""

from django.apps import apps as global_apps

from portal.roles import BRANCH_STAFF, SUPERVISOR, sync_app_groups

# Branch staff keep their own branch's schedule and bookings (the admin narrows every list to their branches).
# The public holidays that move the days are portal's (portal.roles.GROUP_PERMISSIONS).
GROUP_PERMISSIONS = {
    BRANCH_STAFF: [
        "view_receptionday",
        "add_receptionday",
        "change_receptionday",
        "view_booking",
        "change_booking",
    ],
    SUPERVISOR: [
        "view_receptionday",
        "add_receptionday",
        "change_receptionday",
        "delete_receptionday",
        "view_booking",
        "change_booking",
        "view_branchstaff",
        "add_branchstaff",
        "change_branchstaff",
        "delete_branchstaff",
    ],
}


def sync_groups(apps=global_apps) -> None:
    sync_app_groups("reception", GROUP_PERMISSIONS, apps)
