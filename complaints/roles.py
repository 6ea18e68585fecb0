"""The complaints app's share of the staff roles (portal/roles.py keeps the group names and the mechanism)."""

from django.apps import apps as global_apps

from portal import roles

_READ = ["view_complaint", "view_complaintevent", "view_complaintattachment", "view_extensionrequest"]
# Remediation items (整改事项) are set and followed by whoever works or oversees the complaint.
_REMEDIATION = ["view_remediationitem", "add_remediationitem", "change_remediationitem"]
# Decision-letter templates: kept by supervisors, used by handlers when deciding.
_LETTER_TEMPLATES = ["view_lettertemplate", "add_lettertemplate", "change_lettertemplate"]
# Call-back requests (the public /callback/ form): whoever handles complaints calls back and records the outcome.
_CALLBACKS = ["view_callback", "answer_callback", "view_accountevent"]
# Requests about one's personal data: read here, handled by the full-data permission (complaints/account/).
_DATA_REQUESTS = ["view_datarequest"]
# Surrender-agent rings: supervisors and compliance read the ring warnings and log tips passed on (线索移送).
_RINGS = ["view_ringtip", "add_ringtip"]

GROUP_PERMISSIONS = {
    # Their assigned complaints: register, work them through the workflow, call the complainant back.
    roles.COMPLAINT_HANDLER: [
        *_READ,
        "add_complaint",
        "change_complaint",
        "handle_complaint",
        "view_full_personal_data",
        *_REMEDIATION,
        "view_lettertemplate",
        *_CALLBACKS,
        *_DATA_REQUESTS,
    ],
    # Everything a handler does on every complaint, plus assigning, granting first extensions and recording
    # steps dated more than three days back; the dashboard and the export log to oversee the team.
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
        "set_legal_hold",
        "view_compliance_dashboard",
        "view_exportlog",
        *_REMEDIATION,
        "view_oversightwarning",
        "view_rootcause",
        *_LETTER_TEMPLATES,
        *_CALLBACKS,
        *_DATA_REQUESTS,
        *_RINGS,
    ],
    # Reads every complaint and grants extensions: the second one (to 60 days) only they may grant (Art. 20).
    # Late complaints are escalated to them after five days.
    roles.SENIOR_MANAGER: [
        *_READ,
        "view_all_complaints",
        "approve_extension",
        "approve_second_extension",
        "record_past_dates",
    ],
    # Read everything, export, import, report and draft the disclosure; change no complaint.
    roles.COMPLIANCE_OFFICER: [
        *_READ,
        "view_all_complaints",
        "export_complaint",
        "set_legal_hold",
        "view_compliance_dashboard",
        "import_complaints",
        "draft_disclosure",
        "view_exportlog",
        "view_reportingvolume",
        "add_reportingvolume",
        "change_reportingvolume",
        *_REMEDIATION,
        "view_oversightwarning",
        "view_rootcause",
        "add_rootcause",
        "change_rootcause",
        "publish_statistics",
        "view_publishedstatistics",
        # The rules as dated data, the rating's weights and the review register: entered by one member of
        # compliance, approved by a second.
        "view_ruleversion",
        "add_ruleversion",
        "approve_ruleversion",
        "view_ratingweights",
        "add_ratingweights",
        "approve_ratingweights",
        "view_reviewitem",
        "add_reviewitem",
        "change_reviewitem",
        *_RINGS,
    ],
}


def sync_groups(apps=global_apps) -> None:
    roles.sync_app_groups("complaints", GROUP_PERMISSIONS, apps)
