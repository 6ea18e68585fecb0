"""The Content editor group: writes, schedules and publishes notices and their attachments, nothing else.
Editors withdraw notices by archiving them (kept with their history), so they get no right to delete."""

from django.apps import apps as global_apps

from portal.roles import CONTENT_EDITOR, sync_group

CONTENT_EDITOR_PERMISSIONS = [
    "add_notice",
    "change_notice",
    "view_notice",
    "add_noticeattachment",
    "change_noticeattachment",
    "delete_noticeattachment",
    "view_noticeattachment",
]


def sync_roles(apps=global_apps) -> None:
    sync_group(CONTENT_EDITOR, "notices", CONTENT_EDITOR_PERMISSIONS, apps=apps)
