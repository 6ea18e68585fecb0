"""The complaints app's share of the staff roles (portal/roles.py keeps the group names and the mechanism)."""

from django.apps import apps as global_apps

from portal import roles

_READ = ["view_complaint", "view_complaintevent", "view_complaintattachment", "view_extensionrequest"]
# Remediation items (整改事项) are set and followed by whoever works or oversees the complaint.
_REMEDIATION = ["view_remediationitem", "add_remediationitem", "change_remediationitem"]
# Decision-letter templates: kept by supervisors, used by handlers when deciding.
_LETTER_TEMPLATES = ["view_lettertemplate", "add_lettertemplate", "change_lettertemplate"]
# The one-time lists of materials (一次性告知): kept by supervisors, read by handlers and compliance.
_MATERIALS = ["view_materialslist", "add_materialslist", "change_materialslist"]
# Call-back requests (the public /callback/ form): whoever handles complaints calls back and records the outcome.
_CALLBACKS = ["view_callback", "answer_callback", "view_accountevent"]
# Requests about one's personal data: read here, handled by the full-data permission (complaints/account/).
_DATA_REQUESTS = ["view_datarequest"]
_SYSTEMIC_KEEP = [
    "view_salesagent", "add_salesagent", "change_salesagent", "view_partner", "add_partner", "change_partner",
    "view_systemicissue", "add_systemicissue", "change_systemicissue", "manage_systemic_issue",
    "view_affectedcustomer", "add_affectedcustomer", "change_affectedcustomer", "view_warningdisposition",
    "view_systemicevent",
]  # fmt: skip
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
        "view_materialslist",
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
        *_MATERIALS,
        *_DATA_REQUESTS,
        # Each staff member's settlement authority (mediation) is set by a supervisor.
        "view_staffauthority",
        "add_staffauthority",
        "view_settlementauthority",
        "view_mediation",
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
        "view_materialslist",
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
        *_SYSTEMIC_KEEP,
        # The settlement authority table (mediation): entered by one member of compliance, approved by a second.
        "view_settlementauthority",
        "add_settlementauthority",
        "approve_settlementauthority",
        "view_staffauthority",
        "view_mediation",
        *_RINGS,
    ],
}
# Agents and partners lists, systemic issues and warning dispositions (complaints/compliance/sellers.py and
# systemic.py): compliance keeps them and opens and closes issues; supervisors read them and name agents on
# complaints; senior managers may open and close issues too.
_SYSTEMIC_READ = [
    "view_salesagent", "view_partner", "view_systemicissue", "view_affectedcustomer", "view_warningdisposition",
    "view_systemicevent",
]  # fmt: skip
GROUP_PERMISSIONS[roles.SUPERVISOR] += _SYSTEMIC_READ
GROUP_PERMISSIONS[roles.SENIOR_MANAGER] += [*_SYSTEMIC_READ, "manage_systemic_issue"]


def sync_groups(apps=global_apps) -> None:
    roles.sync_app_groups("complaints", GROUP_PERMISSIONS, apps)
