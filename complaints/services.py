"""The public import path of the complaints workflow: every change to a complaint is a service (docs/design.md).

The services live in complaints/workflow/, one module per family of actions (core: the rules, the actor checks
and the one event writer; intake; steps; clock; repeats; review; records; casework; feedback; redress; mediation).
Views, admin forms, reception, compliance and management commands import them from here.
"""

from .review import review_window_ends
from .workflow.care import (
    check_materials,
    complaint_request_further,
    complaint_set_care,
    materials_for,
    materials_list_save,
    materials_sent,
)
from .workflow.casework import (
    complaint_add_information,
    complaint_add_note,
    complaint_add_staff_attachments,
    complaint_issue_letter,
    complaint_log_call,
    complaint_send_documents,
)
from .workflow.clock import (
    approver_refusal,
    can_decide_extension,
    complaint_mark_late,
    complaint_pause,
    complaint_reopen,
    complaint_request_extension,
    complaint_restart,
    complaint_resume,
    decidable_extensions,
    extension_approvers,
    extension_grant,
    extension_refuse,
    mark_late,
    mark_late_complaints,
)
from .workflow.core import (
    ACTION_LABELS,
    PERMISSIONS,
    TRANSITIONS,
    A,
    S,
    WorkflowError,
    action_label,
    actor_refusal,
    conflicted_ids,
    handler_label,
    is_conflicted,
    record_event,
    recording_history,
)
from .workflow.escalations import (
    escalation_candidates,
    escalation_confirm,
    escalation_reject,
    suggest_outside_escalations,
)
from .workflow.feedback import (
    complaint_record_feedback,
    feedback_answer,
    feedback_answer_signed_in,
    feedback_for_token,
    feedback_invitations_send,
    feedback_invite,
    feedback_next_steps,
    feedback_open,
    feedback_window_ends,
)
from .workflow.firstcontact import complaint_resolve_at_first_contact
from .workflow.groups import check_secondary_categories, complaint_set_members, complaint_set_secondary_categories
from .workflow.intake import (
    ATTACHMENT_KINDS,
    IMPORT_PERMISSION,
    INTAKE_FIELDS,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    TRACKING_PREFIX,
    complaint_register,
    complaint_register_imported,
    complaint_register_visit,
    complaint_submit,
    intake_values,
    submission_key,
    validate_intake,
)
from .workflow.mediation import *  # noqa: F403  (mediation and settlement authority, by its own __all__)
from .workflow.mediation import __all__ as _mediation_names
from .workflow.records import (
    RECLASSIFIABLE_FIELDS,
    complaint_correct,
    complaint_reclassify,
    complaint_record_closed,
    complaint_set_legal_hold,
)
from .workflow.redress import check_reliefs, complaint_record_payment
from .workflow.repeats import (
    can_merge_into,
    complaint_merge,
    possible_repeats,
)
from .workflow.review import complaint_request_review
from .workflow.review_rules import (
    review_due_on,
    review_eligibility,
    review_limit_days,
    review_under_way,
)
from .workflow.rules import (
    deadline_under,
    next_rule_change,
    on_time_rate_under,
    rule_version_approve,
    rule_version_changes,
    rule_version_enter,
    rule_version_for,
    rule_version_in_force,
    rule_version_refuse,
)
from .workflow.sellers import complaint_name_seller
from .workflow.steps import (
    complaint_accept,
    complaint_assign,
    complaint_close,
    complaint_decide,
    complaint_record_delivery,
    complaint_reject,
    complaint_report_back,
    complaint_start,
    complaint_withdraw,
)
from .workflow.timing import (
    decision_date,
    extension_days_available,
    past_limit,
)
from .workflow.transitions import (
    allowed_actions,
    can_act,
    why_not_now,
)

__all__ = [
    "ACTION_LABELS", "ATTACHMENT_KINDS", "IMPORT_PERMISSION", "INTAKE_FIELDS", "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES", "PERMISSIONS", "RECLASSIFIABLE_FIELDS", "TRACKING_PREFIX", "TRANSITIONS", "A", "S",
    "WorkflowError", "action_label", "actor_refusal", "allowed_actions", "approver_refusal", "can_act",
    "can_decide_extension", "can_merge_into", "check_materials", "check_reliefs", "check_secondary_categories",
    "complaint_accept", "complaint_add_information", "complaint_add_note", "complaint_add_staff_attachments",
    "complaint_assign", "complaint_close", "complaint_correct", "complaint_decide", "complaint_issue_letter",
    "complaint_log_call", "complaint_mark_late", "complaint_merge", "complaint_name_seller", "complaint_pause",
    "complaint_reclassify", "complaint_record_closed", "complaint_record_delivery", "complaint_record_feedback",
    "complaint_record_payment", "complaint_register", "complaint_register_imported", "complaint_register_visit",
    "complaint_reject", "complaint_reopen", "complaint_report_back", "complaint_request_extension",
    "complaint_request_further", "complaint_request_review", "complaint_resolve_at_first_contact",
    "complaint_restart", "complaint_resume", "complaint_send_documents", "complaint_set_care",
    "complaint_set_legal_hold", "complaint_set_members", "complaint_set_secondary_categories", "complaint_start",
    "complaint_submit", "complaint_withdraw", "conflicted_ids", "deadline_under", "decidable_extensions",
    "decision_date", "escalation_candidates", "escalation_confirm", "escalation_reject", "extension_approvers",
    "extension_days_available", "extension_grant", "extension_refuse", "feedback_answer", "feedback_answer_signed_in",
    "feedback_for_token", "feedback_invitations_send", "feedback_invite", "feedback_next_steps", "feedback_open",
    "feedback_window_ends", "handler_label", "intake_values", "is_conflicted", "mark_late", "mark_late_complaints",
    "materials_for", "materials_list_save", "materials_sent", "next_rule_change", "on_time_rate_under", "past_limit",
    "possible_repeats", "record_event", "recording_history", "review_due_on", "review_eligibility",
    "review_limit_days", "review_under_way", "review_window_ends", "rule_version_approve", "rule_version_changes",
    "rule_version_enter", "rule_version_for", "rule_version_in_force", "rule_version_refuse", "submission_key",
    "suggest_outside_escalations", "validate_intake", "why_not_now",
]  # fmt: skip
__all__ += _mediation_names
