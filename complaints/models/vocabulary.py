"""The complaints' vocabulary: statuses and the status sets every rule uses, sources, channels, categories,
product lines, outcomes and remedies, the actions of the event log and the states of an extension request."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    PAUSED = "paused", _("Paused for outside appraisal")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Not a complaint")
    MERGED = "merged", _("Merged into another complaint")


# The status sets every rule uses, here and nowhere else.
# Open, the clock running: the 15/30/60-day limit counts down and the complaint can fall overdue.
OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS)
# Not yet decided: the clock runs or is paused for an outside appraisal (a paused complaint keeps its due date).
ACTIVE_STATUSES = (*OPEN_STATUSES, Status.PAUSED)
# Still being worked: not decided, or decided and not yet closed.
UNFINISHED_STATUSES = (*ACTIVE_STATUSES, Status.DECIDED)
# The procedure is over: decided and closed, withdrawn, not a complaint, or merged into another.
ENDED_STATUSES = (Status.CLOSED, Status.WITHDRAWN, Status.REJECTED, Status.MERGED)

# Who may read a complainant's personal data in full (each full view is logged: portal.privacy.personal_data_seen).
FULL_DATA_PERMISSION = "complaints.view_full_personal_data"


class Source(models.TextChoices):
    SELF = "self", _("Received directly")
    REGULATOR = "regulator", _("Forwarded by the regulator")
    PLATFORM = "platform", _("Transferred by the national complaint platform")


# The sources whose complaints come from outside the company and are reported back to their sender.
FORWARDED_SOURCES = (Source.REGULATOR, Source.PLATFORM)


class Channel(models.TextChoices):
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    WEB = "web", _("Web")
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("Email")


class BusinessChannel(models.TextChoices):
    AGENCY = "agency", _("Individual agency")
    BANCASSURANCE = "bancassurance", _("Bancassurance")
    BROKER = "broker", _("Brokers and agents")
    INTERNET = "internet", _("Internet")
    GROUP = "group", _("Group")


class Category(models.TextChoices):
    SALES = "sales", _("Sales")
    UNDERWRITING = "underwriting", _("Underwriting")
    POLICY_SERVICE = "policy_service", _("Policy service and surrender")
    CLAIMS = "claims", _("Claims")
    SERVICE = "service", _("Service")
    OTHER = "other", _("Other")


class ProductLine(models.TextChoices):
    """The product line a complaint concerns (险种), a coded field of the regulator's statistics."""

    LIFE = "life", _("Life")
    ANNUITY = "annuity", _("Annuity")
    HEALTH = "health", _("Health")
    ACCIDENT = "accident", _("Accident")
    UNIVERSAL = "universal", _("Universal life")
    UNIT_LINKED = "unit_linked", _("Unit-linked")


class IdType(models.TextChoices):
    RESIDENT = "resident", _("Resident identity card")
    PASSPORT = "passport", _("Passport")
    PERMIT = "permit", _("Travel permit (Hong Kong, Macao, Taiwan)")
    FOREIGNER = "foreigner", _("Foreigner's permanent residence card")
    OTHER = "other", _("Other document")


class Capacity(models.TextChoices):
    SELF = "self", _("For myself")
    PROXY = "proxy", _("As a proxy with a power of attorney")
    HEIR = "heir", _("As an heir")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    NOT_UPHELD = "not_upheld", _("Not upheld")


class Relief(models.TextChoices):
    """What the complainant got from the decision (redress): money, something done, or an explanation only."""

    REFUND = "refund", _("Refund of premium")
    CLAIM_PAID = "claim_paid", _("Claim paid")
    COMPENSATION = "compensation", _("Compensation")
    GOODWILL = "goodwill", _("Goodwill payment")
    CORRECTION = "correction", _("Record or policy corrected")
    APOLOGY = "apology", _("Apology")
    REINSTATED = "reinstated", _("Policy reinstated")
    OTHER = "other", _("Other action taken")
    EXPLANATION = "explanation", _("Explanation of the decision")


MONETARY_RELIEFS = frozenset({Relief.REFUND, Relief.CLAIM_PAID, Relief.COMPENSATION, Relief.GOODWILL})
NON_MONETARY_RELIEFS = frozenset({Relief.CORRECTION, Relief.APOLOGY, Relief.REINSTATED, Relief.OTHER})
# Which reliefs fit which outcome. A complaint upheld, in whole or in part, gets something (money or an action);
# part of a partly upheld one may be explained. A complaint not upheld is explained; a goodwill payment or an
# apology may still follow it, but nothing that would mean it was upheld (a claim paid, a refund, a correction).
RELIEFS_BY_OUTCOME = {
    Outcome.UPHELD: MONETARY_RELIEFS | NON_MONETARY_RELIEFS,
    Outcome.PARTLY_UPHELD: MONETARY_RELIEFS | NON_MONETARY_RELIEFS | {Relief.EXPLANATION},
    Outcome.NOT_UPHELD: frozenset({Relief.EXPLANATION, Relief.GOODWILL, Relief.APOLOGY}),
}


class Remedy(models.TextChoices):
    REVIEW = "review", _("Review by the superior unit")
    MEDIATION = "mediation", _("Mediation")
    ARBITRATION = "arbitration", _("Arbitration")
    LITIGATION = "litigation", _("Litigation")


LANGUAGE_CHOICES = [("zh-hans", "简体中文"), ("en", "English")]


def _in(field: str, choices) -> Q:
    return Q(**{f"{field}__in": [value for value, _label in choices.choices]})


class EventAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted on the web")
    REGISTER = "register", _("Registered")
    ACCEPT = "accept", _("Accepted")
    START = "start", _("Work started")
    DECIDE = "decide", _("Decided")
    DELIVER = "deliver", _("Decision received by the complainant")
    CLOSE = "close", _("Closed")
    REQUEST_EXTENSION = "request_extension", _("Extension requested")
    EXTEND = "extend", _("Time limit extended")
    REFUSE_EXTENSION = "refuse_extension", _("Extension refused")
    PAUSE = "pause", _("Paused for outside appraisal")
    RESUME = "resume", _("Resumed after appraisal")
    MERGE = "merge", _("Merged into another complaint")
    MERGED_IN = "merged_in", _("A repeat complaint was merged in")
    RESTART = "restart", _("Clock restarted on new facts")
    WITHDRAW = "withdraw", _("Withdrawn")
    REJECT = "reject", _("Rejected as not a complaint")
    REQUEST_REVIEW = "request_review", _("Review requested")
    REOPEN = "reopen", _("Reopened")
    ASSIGN = "assign", _("Handler assigned")
    ADD_INFORMATION = "add_information", _("Information added by the complainant")
    LEGAL_HOLD = "legal_hold", _("Legal hold placed or lifted")
    ANONYMISE = "anonymise", _("Personal data anonymised (retention)")
    CORRECT = "correct", _("Record corrected")
    ESCALATE = "escalate", _("Escalated as overdue")
    REMEDIATION = "remediation", _("Remediation item added or updated")
    LATE = "late", _("Time limit passed without a decision")
    REPORT_BACK = "report_back", _("Reported back to the regulator")
    # Correcting and enriching the record while it is worked (none changes the status; none is public).
    RECLASSIFY = "reclassify", _("Reclassified")
    NOTE = "note", _("Internal note")
    CALL = "call", _("Call logged")
    ATTACH = "attach", _("Documents added by staff")
    LETTER = "letter", _("Letter issued")
    FEEDBACK = "feedback", _("Satisfaction recorded")
    PAYMENT = "payment", _("Redress paid")
    SEND_DOCUMENTS = "send_documents", _("Documents sent to the complainant")
    # Outside escalation (越级投诉, complaints.workflow.escalations), not the ladder of late complaints (ESCALATE).
    CONFIRM_OUTSIDE_ESCALATION = "outside_escalation", _("Outside escalation confirmed")
    REJECT_OUTSIDE_ESCALATION = "not_outside_escalation", _("Outside escalation suggestion rejected")
    # Care and the one-time list of materials (complaints/workflow/care.py).
    CARE = "care", _("Circumstances and help recorded")
    MATERIALS = "materials", _("List of materials sent")
    FURTHER_REQUEST = "further_request", _("Further material requested")
    FIRST_CONTACT = "first_contact", _("Resolved at first contact")
    MEMBERS = "members", _("Group members recorded")
    # Mediation of the dispute (complaints.workflow.mediation).
    MEDIATION_OPENED = "mediation_opened", _("Mediation requested")
    MEDIATION_RESPONSE = "mediation_response", _("Mediation answered by the company")
    SETTLEMENT_PROPOSED = "settlement_proposed", _("Settlement proposed")
    SETTLEMENT_APPROVED = "settlement_approved", _("Settlement approved")
    MEDIATION_OUTCOME = "mediation_outcome", _("Mediation ended")
    JUDICIAL_CONFIRMATION = "judicial_confirmation", _("Settlement confirmed by the court")
    RING_TIP = "ring_tip", _("Tip passed on about a ring of complaints")


class CallDirection(models.TextChoices):
    INCOMING = "in", _("Incoming call")
    OUTGOING = "out", _("Outgoing call")


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Reached the complainant")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Line busy")
    CALL_BACK = "call_back", _("Asked to be called back")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    REFUSED = "refused", _("Declined to talk")


COMPLAINANT_ACTIONS = {
    EventAction.SUBMIT,
    EventAction.ADD_INFORMATION,
    EventAction.WITHDRAW,
    EventAction.REQUEST_REVIEW,
}


# Actions whose note is addressed to the complainant (a reason they are told, or their own words).
PUBLIC_NOTE_ACTIONS = {
    EventAction.EXTEND,
    EventAction.PAUSE,
    EventAction.RESTART,
    EventAction.REJECT,
    EventAction.WITHDRAW,
    EventAction.REQUEST_REVIEW,
    EventAction.ADD_INFORMATION,
    EventAction.FURTHER_REQUEST,
}


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    LAPSED = "lapsed", _("Lapsed")


class Relationship(models.TextChoices):
    """Who a proxy's representative is to the policyholder (a ring signal: powers of attorney from companies and
    from people who are no relative)."""

    SPOUSE = "spouse", _("Spouse")
    RELATIVE = "relative", _("Parent, child or other relative")
    LAWYER = "lawyer", _("Lawyer")
    COMPANY = "company", _("A company or organisation")
    OTHER = "other", pgettext_lazy("relationship", "Someone else (no relative)")


# Representatives whose power of attorney is a ring signal.
NON_RELATIVES = frozenset({Relationship.COMPANY, Relationship.OTHER})


class DesiredRemedy(models.TextChoices):
    """What the complainant asks for, coded (beside the free text of the desired outcome)."""

    FULL_REFUND = "full_refund", _("Full refund of the premiums")
    PARTIAL_REFUND = "partial_refund", _("Partial refund")
    CLAIM_PAYMENT = "claim_payment", _("Payment of a claim")
    OTHER = "other", pgettext_lazy("remedy", "Something else")
