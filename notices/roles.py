"""The notices app's share of the staff roles. Content editors write, schedule and publish notices and their
attachments, nothing else; they withdraw notices by archiving them (kept with their history), so they get no
right to delete. A compliance officer opens the disclosure drafted from the complaint figures (editors
complete it)."""

from django.apps import apps as global_apps

from portal.roles import COMPLIANCE_OFFICER, CONTENT_EDITOR, sync_app_groups

GROUP_PERMISSIONS = {
    CONTENT_EDITOR: [
        "add_notice",
        "change_notice",
        "view_notice",
        "add_noticeattachment",
        "change_noticeattachment",
        "delete_noticeattachment",
        "view_noticeattachment",
    ],
    COMPLIANCE_OFFICER: ["view_notice"],
}


def sync_groups(apps=global_apps) -> None:
    sync_app_groups("notices", GROUP_PERMISSIONS, apps)
