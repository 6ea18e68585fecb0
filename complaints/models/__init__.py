"""The complaints app's models, one module per part; every name is importable from `complaints.models`.

- `vocabulary`: statuses and the status sets every rule uses, sources, channels, categories, the event
  log's actions (the one place; every rule imports them from here)
- `complaint`: the complaint and its queryset (the one SQL rule of timeliness)
- `events`: the append-only event log of a complaint
- `extensions`: requests to extend the time limit
- `attachments`: the complaint's files
- `letters`: decision-letter templates
- `causes`: root-cause codes and remediation items
- `feedback`: asking the complainant afterwards (satisfaction, 回访)
- `groups`: a group complaint's members and representatives
- `tracking`: tracking look-ups ended before their time (revoked access cookies)
- `rules`: the complaint rules as dated versions (limits, extensions, the review's limit)
- `escalations`: outside escalation (越级投诉) links, a forwarded complaint after a direct one
- `account`: a complainant's account: sign-in codes and sessions, personal data requests, call backs
- `vulnerability`: care flags and needs of a complainant, the one-time lists of materials
- `mediation`: mediation of a dispute, the settlement authority table and each staff member's level

The compliance sub-package's own models (complaints/compliance/models.py) belong to this app too.
"""

from .account import (
    DATA_REQUEST_OPEN,
    IDENTITY_KINDS,
    AccountAction,
    AccountCode,
    AccountEvent,
    AccountSession,
    Callback,
    CallbackOutcome,
    CallbackStatus,
    CallbackTime,
    DataRequest,
    DataRequestKind,
    DataRequestStatus,
    IdentityMethod,
)
from .attachments import PREVIEW_TYPES, ComplaintAttachment, DocumentAudience
from .causes import RemediationItem, RemediationQuerySet, RootCause
from .complaint import Complaint, ComplaintQuerySet
from .escalations import OUTSIDE_ESCALATION_MONTHS, EscalationLink, EscalationLinkStatus
from .events import AppendOnly, ComplaintEvent, _choice_label
from .extensions import ExtensionRequest, ExtensionRequestQuerySet
from .feedback import FEEDBACK_VALID_DAYS, LOW_SCORE, Feedback, FeedbackChannel
from .groups import MAX_REPRESENTATIVES, GroupMember
from .letters import LetterTemplate
from .mediation import (
    AUTHORITY_RANK,
    AuthorityLevel,
    Mediation,
    MediationBodyKind,
    MediationOrigin,
    MediationOutcome,
    SettlementAuthority,
    StaffAuthority,
)
from .rules import RuleVersion, RuleVersionQuerySet, SecondApproved
from .sellers import Partner, SalesAgent
from .systemic import AffectedCustomer, SystemicEvent, SystemicIssue, WarningDisposition
from .tracking import TrackingRevocation
from .vocabulary import (
    ACTIVE_STATUSES,
    COMPLAINANT_ACTIONS,
    ENDED_STATUSES,
    FORWARDED_SOURCES,
    FULL_DATA_PERMISSION,
    LANGUAGE_CHOICES,
    MONETARY_RELIEFS,
    NON_MONETARY_RELIEFS,
    NON_RELATIVES,
    OPEN_STATUSES,
    PUBLIC_NOTE_ACTIONS,
    RELIEFS_BY_OUTCOME,
    UNFINISHED_STATUSES,
    BusinessChannel,
    CallDirection,
    CallOutcome,
    Capacity,
    Category,
    Channel,
    DesiredRemedy,
    EventAction,
    ExtensionStatus,
    IdType,
    Outcome,
    ProductLine,
    Relationship,
    Relief,
    Remedy,
    Source,
    Status,
    _in,
)
from .vulnerability import ELDERLY_AGE, NEEDS_HELP, VULNERABLE_KEYS, MaterialsList, Need, Vulnerability, flagged

__all__ = [
    "ACTIVE_STATUSES", "AUTHORITY_RANK", "COMPLAINANT_ACTIONS", "DATA_REQUEST_OPEN", "ELDERLY_AGE", "ENDED_STATUSES",
    "FEEDBACK_VALID_DAYS", "FORWARDED_SOURCES", "FULL_DATA_PERMISSION", "IDENTITY_KINDS", "LANGUAGE_CHOICES",
    "LOW_SCORE", "MAX_REPRESENTATIVES", "MONETARY_RELIEFS", "NEEDS_HELP", "NON_MONETARY_RELIEFS", "NON_RELATIVES",
    "OPEN_STATUSES", "OUTSIDE_ESCALATION_MONTHS", "PREVIEW_TYPES", "PUBLIC_NOTE_ACTIONS", "RELIEFS_BY_OUTCOME",
    "UNFINISHED_STATUSES", "VULNERABLE_KEYS", "AccountAction", "AccountCode", "AccountEvent", "AccountSession",
    "AffectedCustomer", "AppendOnly", "AuthorityLevel", "BusinessChannel", "CallDirection", "CallOutcome", "Callback",
    "CallbackOutcome", "CallbackStatus", "CallbackTime", "Capacity", "Category", "Channel", "Complaint",
    "ComplaintAttachment", "ComplaintEvent", "ComplaintQuerySet", "DataRequest", "DataRequestKind",
    "DataRequestStatus", "DesiredRemedy", "DocumentAudience", "EscalationLink", "EscalationLinkStatus", "EventAction",
    "ExtensionRequest", "ExtensionRequestQuerySet", "ExtensionStatus", "Feedback", "FeedbackChannel", "GroupMember",
    "IdType", "IdentityMethod", "LetterTemplate", "MaterialsList", "Mediation", "MediationBodyKind",
    "MediationOrigin", "MediationOutcome", "Need", "Outcome", "Partner", "ProductLine", "Relationship", "Relief",
    "RemediationItem", "RemediationQuerySet", "Remedy", "RootCause", "RuleVersion", "RuleVersionQuerySet",
    "SalesAgent", "SecondApproved", "SettlementAuthority", "Source", "StaffAuthority", "Status", "SystemicEvent",
    "SystemicIssue", "TrackingRevocation", "Vulnerability", "WarningDisposition", "_choice_label", "_in", "flagged",
]  # fmt: skip
