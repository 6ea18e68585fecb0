"""The staff pages' forms: one small form per workflow action, and the registration of a complaint.

Each action maps to (form class, function calling the service). The forms only check input; the services
decide whether the action is allowed.
"""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal import codes
from portal.models import Branch

from .. import letters, people, services
from ..forms import AttachmentsField, PhoneField, province_choices
from ..models import (
    LANGUAGE_CHOICES,
    BusinessChannel,
    CallDirection,
    CallOutcome,
    Capacity,
    Category,
    Channel,
    Complaint,
    ComplaintAttachment,
    DesiredRemedy,
    DocumentAudience,
    IdType,
    LetterTemplate,
    Outcome,
    ProductLine,
    Relationship,
    Relief,
    Remedy,
    RootCause,
    Source,
)
from ..placeholders import HINT_CLOSE, HINT_OPEN, hint_words
from ..review import remedies_offered
from .care_forms import CareFields, FurtherFields, decision_care_fields
from .seller_forms import SellerForm

A = services.A


# The staff who may handle complaints (active, with the permission): the handler lists and filters. Who may be
# chosen for what is complaints/people.py's rule; the lists below offer exactly those people, by name.
handlers = people.handlers


INTERNAL_NOTE = _("Note (internal)")


def _note(label=INTERNAL_NOTE, required=False):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


def _day(label, help_text=""):
    """The day a step happened: today unless changed; the service checks it (not in the future, not before
    receipt or the clock's previous step, more than 3 days back only by a supervisor)."""
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=help_text or _("Today unless you change it. More than 3 days back needs a supervisor."),
    )


class ActionForm(forms.Form):
    """A workflow step's form; it may look at the complaint (e.g. how many days an extension may add)."""

    def __init__(self, *args, complaint=None, query=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        # The page's query string: a form may start from it (the decide form from a letter template).
        self.query = query or {}
        for field in self.fields.values():
            if isinstance(field, forms.DateField) and not self.is_bound:
                field.initial = timezone.localdate()


class NoteForm(ActionForm):
    note = _note()


class ReasonForm(ActionForm):
    reason = _note(_("Reason (shown to the complainant)"), required=True)


class RequiredNoteForm(ActionForm):
    note = _note(_("What are the new facts? (shown to the complainant)"), required=True)


class DecideForm(ActionForm):
    decision = forms.CharField(
        label=_("Decision, as told to the complainant"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Outcome.choices])
    remedies = forms.MultipleChoiceField(
        label=_("Further remedies named in the decision"),
        choices=Remedy.choices,
        initial=Remedy.values,
        widget=forms.CheckboxSelectMultiple,
    )
    reliefs = forms.MultipleChoiceField(
        label=_("What the complainant gets (redress)"),
        choices=Relief.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Upheld in whole or in part: money or an action (the rest may be explained). Not upheld: an "
            "explanation, and a goodwill payment or an apology if one is made. Payments are recorded when made."
        ),
    )
    delivered_on = _day(
        _("Day the complainant received the decision"),
        _("The 30 days for asking for a review count from this day. More than 3 days back needs a supervisor."),
    )
    note = _note()
    # The template the decision was written from (from ?template=): its outcome is checked by the service.
    from_template = forms.ModelChoiceField(
        queryset=LetterTemplate.objects.all(), required=False, widget=forms.HiddenInput
    )
    outcome_reason = forms.CharField(
        label=_("Why the outcome differs from the template's"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Needed only when the outcome is not the one the template is written for; kept in the history."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The rule of services.complaint_decide (Art. 21): the decision names at least one further remedy;
        # unticking them all says which ones there are to choose from.
        names_separator = pgettext("list separator", ", ")
        names = names_separator.join(str(label) for _value, label in Remedy.choices)
        self.fields["remedies"].error_messages["required"] = gettext(
            "Tick at least one further remedy open to the complainant: %(remedies)s."
        ) % {"remedies": names}
        if self.complaint is not None and self.complaint.review_of_id:
            # A review's decision is not reviewed again (complaints.review.remedies_offered).
            offered = remedies_offered(self.complaint, Remedy.values)
            self.fields["remedies"].choices = [choice for choice in Remedy.choices if choice[0] in offered]
            self.fields["remedies"].initial = offered
        # The letter templates in use, those in the complainant's language first; ?template=<id> starts the
        # decision from one, filled with the case's facts in the complainant's language.
        language = self.complaint.language if self.complaint is not None else ""
        templates = LetterTemplate.objects.filter(is_active=True)
        self.templates = sorted(templates, key=lambda template: (template.language != language, template.name))
        self.chosen_template = None
        chosen = str(self.query.get("template", ""))
        if chosen.isdigit() and self.complaint is not None:
            self.chosen_template = next((t for t in self.templates if t.pk == int(chosen)), None)
        if self.chosen_template is not None and not self.is_bound:
            self.initial["decision"] = letters.fill(self.chosen_template, self.complaint)
            if self.chosen_template.outcome:
                self.initial["outcome"] = self.chosen_template.outcome
        if self.chosen_template is not None:
            self.initial["from_template"] = self.chosen_template.pk
            hints = [HINT_OPEN + word + HINT_CLOSE for word in hint_words(self.chosen_template.body)]
            if hints:
                self.fields["decision"].help_text = gettext(
                    "Replace each hint in double square brackets with the facts of this case: %(hints)s. A decision "
                    "still holding one is refused."
                ) % {"hints": names_separator.join(hints)}
        elif not (self.is_bound and self.data.get("from_template")):
            # No template: no template outcome to differ from.
            del self.fields["outcome_reason"]
        if self.complaint is not None and self.complaint.needs_care:
            # The decision's two data points, for a complainant flagged as needing care.
            self.fields.update(decision_care_fields())


class DeliveryForm(ActionForm):
    delivered_on = forms.DateField(
        label=_("Day the complainant received the decision"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "The 30 days for asking for a review count from this day. More than 3 days back needs a supervisor."
        ),
    )
    note = _note()


class CloseForm(ActionForm):
    cause = forms.ModelChoiceField(
        label=_("Root cause code"),
        queryset=RootCause.objects.filter(is_active=True),
        to_field_name="code",
    )
    root_cause = forms.CharField(label=_("Root cause"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    responsible_branch = forms.ModelChoiceField(
        label=_("Responsible branch"),
        queryset=Branch.objects.all(),
        required=False,
        help_text=_("Or name a head-office department below."),
    )
    responsible_unit = forms.CharField(label=_("Responsible unit"), max_length=200, required=False)
    remediation = forms.CharField(
        label=_("Remediation"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    note = _note()


class RequestExtensionForm(ActionForm):
    reason = _note(_("Reason (told to the complainant once the extension is granted)"), required=True)
    days = forms.TypedChoiceField(label=_("Days to add"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        room = services.extension_days_available(self.complaint) if self.complaint is not None else 0
        self.fields["days"].choices = [(days, str(days)) for days in range(room, 0, -1)]
        self.fields["days"].help_text = _(
            "The request waits for a supervisor (first extension) or a senior manager (second extension). "
            "The time limit moves only when it is granted, and only before the current limit ends."
        )


class PauseForm(ActionForm):
    reason = _note(_("Reason (shown to the complainant)"), required=True)
    started_on = _day(_("Day the appraisal began"))


class ResumeForm(ActionForm):
    note = _note()
    ended_on = _day(_("Day the appraisal ended"))


class WithdrawForm(ActionForm):
    note = _note()
    received_on = _day(_("Day the withdrawal was received"))


class ReportBackForm(ActionForm):
    reference = forms.CharField(label=_("Reference of the reply"), max_length=100)
    reported_on = _day(_("Day the reply was sent"))
    note = _note()


class MergeForm(ActionForm):
    into = forms.CharField(
        label=_("Tracking number of the original complaint"),
        max_length=40,
        help_text=_(
            "The original must be open, received before this complaint, and yours to act on; otherwise a "
            "supervisor merges them. The record lists possible repeats with a button each."
        ),
    )
    note = _note()

    def clean_into(self):
        number = codes.normalize(self.cleaned_data["into"])
        original = Complaint.objects.select_related("handler").filter(tracking_number=number).first()
        if original is None and codes.looks_mistyped(number):
            raise forms.ValidationError(_("This tracking number is mistyped: check it (e.g. TS-20261121-7KQ2M9XD)."))
        if original is None:
            raise forms.ValidationError(_("No complaint has this tracking number."))
        return original


class AssignForm(ActionForm):
    """The handler for one complaint (complaints.people.assignable), or for a selection (`complaints`): those
    who may handle at least one of them; the service refuses each complaint someone may not take, saying why."""

    handler = forms.ModelChoiceField(label=_("Handler"), queryset=get_user_model().objects.none())

    def __init__(self, *args, complaints=(), **kwargs):
        super().__init__(*args, **kwargs)
        targets = [self.complaint] if self.complaint is not None else list(complaints)
        excluded = (
            set.intersection(*(set(services.conflicted_ids(complaint)) for complaint in targets)) if targets else set()
        )
        self.fields["handler"].queryset = people.assignable().exclude(pk__in=excluded)


class ReviewForm(ActionForm):
    reason = _note(_("Why the complainant disagrees (as they wrote it)"), required=True)


class ReclassifyForm(ActionForm):
    """The complaint's classification and routing, starting from what is recorded; the changed fields are
    corrected (services.complaint_reclassify)."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    business_channel = forms.ChoiceField(
        label=_("Business channel"), choices=[("", "—"), *BusinessChannel.choices], required=False
    )
    product_line = forms.ChoiceField(label=_("Product line"), choices=[("", "—"), *ProductLine.choices], required=False)
    branch = forms.ModelChoiceField(
        label=_("Branch"),
        queryset=Branch.objects.all(),
        required=False,
        help_text=_("The branch whose reports, exports and lists count this complaint."),
    )
    province = forms.ChoiceField(label=_("Province"), choices=province_choices, required=False)
    named_employee = forms.ModelChoiceField(
        label=_("Employee complained about"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("That person can take no step on this complaint or its reviews."),
    )
    note = _note(_("Why (internal)"))

    FIELDS = services.RECLASSIFIABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        branch = self.complaint.branch if self.complaint is not None else None
        self.fields["named_employee"].queryset = people.employees(branch)
        if self.complaint is not None and not self.is_bound:
            for name in self.FIELDS:
                self.initial[name] = getattr(
                    self.complaint, f"{name}_id" if name in ("branch", "named_employee") else name
                )


class InternalNoteForm(ActionForm):
    text = _note(_("Note (internal, never shown to the complainant)"), required=True)


class CallLogForm(ActionForm):
    direction = forms.ChoiceField(
        label=_("Call"), choices=CallDirection.choices, initial=CallDirection.OUTGOING, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(label=_("How the call went"), choices=[("", "—"), *CallOutcome.choices])
    happened_at = forms.DateTimeField(
        label=_("Time of the call"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Now unless you change it."),
    )
    text = _note(_("What was said (internal)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["happened_at"] = timezone.localtime().replace(second=0, microsecond=0)


class FeedbackCallForm(ActionForm):
    """The satisfaction call (回访): the score the complainant gave on the telephone and what they said."""

    score = forms.TypedChoiceField(
        label=pgettext_lazy("feedback", "Score the complainant gave"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5: very satisfied; 1: very dissatisfied. A score of 1 or 2 alerts the supervisors."),
    )
    comment = forms.CharField(
        label=_("What the complainant said"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PaymentForm(ActionForm):
    """A payment made under the decision (a refund, a claim, compensation, goodwill)."""

    amount = forms.DecimalField(
        label=_("Amount paid (yuan)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    paid_on = _day(_("Day paid"), _("Today unless you change it; not before the decision."))
    note = _note()


class StaffAttachmentForm(ActionForm):
    files = AttachmentsField(
        label=_("Documents"),
        required=True,
        help_text=_("PDF, JPEG, PNG or DOCX; at most five files of 10 MB each. Checked by their content."),
    )
    audience = forms.ChoiceField(
        label=_("Who the documents are for"),
        choices=DocumentAudience.choices,
        initial=DocumentAudience.INTERNAL,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Internal documents are for staff only. Documents sent to the complainant are listed on their status "
            "page to download, and stay sent."
        ),
    )
    note = _note()

    def clean_audience(self):
        # Nothing chosen (a form from before the choice existed) is the safe default: internal.
        return self.cleaned_data.get("audience") or DocumentAudience.INTERNAL


class SendDocumentsForm(ActionForm):
    """Which of the complaint's internal staff documents to send to the complainant."""

    documents = forms.ModelMultipleChoiceField(
        label=_("Documents to send to the complainant"),
        queryset=ComplaintAttachment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The complainant can then download them from their status page. A document sent stays sent."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.complaint is not None:
            self.fields["documents"].queryset = self.complaint.attachments.internal()


class ExtensionDecisionForm(forms.Form):
    """An approver's answer to a request for an extension."""

    GRANT, REFUSE = "grant", "refuse"
    decision = forms.ChoiceField(
        label=pgettext_lazy("extension request", "Decision"),
        choices=[(GRANT, _("Grant the extension")), (REFUSE, _("Refuse the extension"))],
        widget=forms.RadioSelect,
    )
    note = _note(_("Note (required when refusing; kept in the history)"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REFUSE and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say why the extension is refused."))
        return cleaned


class CareForm(CareFields, ActionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_from(self.complaint)


class FurtherRequestForm(FurtherFields, ActionForm):
    pass


def _passing(service: str, *fields):
    """A call of the workflow service named `service` with the complaint, the actor and the form's `fields`
    (each passed under its own name); the service is looked up when called."""
    return lambda c, u, d: getattr(services, service)(complaint=c, actor=u, **{name: d[name] for name in fields})


# action -> (form class, call(complaint, actor, cleaned_data))
ACTION_FORMS = {
    A.ASSIGN: (AssignForm, _passing("complaint_assign", "handler")),
    A.ACCEPT: (NoteForm, _passing("complaint_accept", "note")),
    A.START: (NoteForm, _passing("complaint_start", "note")),
    A.REQUEST_EXTENSION: (RequestExtensionForm, _passing("complaint_request_extension", "reason", "days")),
    A.PAUSE: (PauseForm, _passing("complaint_pause", "reason", "started_on")),
    A.RESUME: (ResumeForm, _passing("complaint_resume", "note", "ended_on")),
    A.RESTART: (RequiredNoteForm, _passing("complaint_restart", "note")),
    A.DECIDE: (
        DecideForm,
        lambda c, u, d: services.complaint_decide(
            complaint=c,
            actor=u,
            decision=d["decision"],
            outcome=d["outcome"],
            remedies=d["remedies"],
            note=d["note"],
            delivered_on=d["delivered_on"],
            template=d["from_template"],
            outcome_reason=d.get("outcome_reason", ""),
            reliefs=d["reliefs"],
            vulnerable=d.get("vulnerable"),
            vulnerability_cause=d.get("vulnerability_cause"),
        ),
    ),
    A.DELIVER: (DeliveryForm, _passing("complaint_record_delivery", "delivered_on", "note")),
    A.CLOSE: (
        CloseForm,
        lambda c, u, d: services.complaint_close(
            complaint=c,
            actor=u,
            cause=d["cause"].code,
            root_cause=d["root_cause"],
            responsible_branch=d["responsible_branch"],
            responsible_unit=d["responsible_unit"],
            remediation=d["remediation"],
            note=d["note"],
        ),
    ),
    A.MERGE: (MergeForm, _passing("complaint_merge", "into", "note")),
    A.REJECT: (ReasonForm, _passing("complaint_reject", "reason")),
    A.WITHDRAW: (WithdrawForm, _passing("complaint_withdraw", "note", "received_on")),
    A.REQUEST_REVIEW: (ReviewForm, _passing("complaint_request_review", "reason")),
    A.REOPEN: (ReasonForm, _passing("complaint_reopen", "reason")),
    A.RECLASSIFY: (
        ReclassifyForm,
        lambda c, u, d: services.complaint_reclassify(
            complaint=c, actor=u, changes={name: d[name] for name in ReclassifyForm.FIELDS}, note=d["note"]
        ),
    ),
    A.NOTE: (InternalNoteForm, _passing("complaint_add_note", "text")),
    A.CALL: (CallLogForm, _passing("complaint_log_call", "direction", "outcome", "text", "happened_at")),
    A.ATTACH: (StaffAttachmentForm, _passing("complaint_add_staff_attachments", "files", "note", "audience")),
    A.SEND_DOCUMENTS: (SendDocumentsForm, _passing("complaint_send_documents", "documents")),
    A.REPORT_BACK: (ReportBackForm, _passing("complaint_report_back", "reference", "reported_on", "note")),
    A.FEEDBACK: (FeedbackCallForm, _passing("complaint_record_feedback", "score", "comment")),
    A.PAYMENT: (PaymentForm, _passing("complaint_record_payment", "amount", "paid_on", "note")),
    A.CARE: (CareForm, _passing("complaint_set_care", "vulnerabilities", "needs", "note")),
    A.FURTHER_REQUEST: (FurtherRequestForm, _passing("complaint_request_further", "what", "reason")),
}


class RegisterForm(forms.Form):
    """A complaint received by letter, visit, phone, WeChat, email, forwarded by the regulator or transferred by
    the national complaint platform."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=[choice for choice in Channel.choices if choice[0] != Channel.WEB]
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("When the complaint reached us: the clock runs from this day."),
    )
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.SELF)
    regulator_ref = forms.CharField(label=_("Regulator's reference"), max_length=60, required=False)
    regulator_deadline = forms.DateField(
        label=_("Regulator's deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When it is earlier than the regulation's 15 days, it is the date to meet everywhere."),
    )
    name = forms.CharField(label=_("Complainant's name"), max_length=100)
    phone = PhoneField(label=_("Phone"))
    email = forms.EmailField(label=_("Email"), required=False)
    id_type = forms.ChoiceField(label=_("ID type"), choices=[("", "—"), *IdType.choices], required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False)
    capacity = forms.ChoiceField(label=_("Complaining"), choices=Capacity.choices, initial=Capacity.SELF)
    principal_name = forms.CharField(label=_("On behalf of"), max_length=100, required=False)
    power_of_attorney = forms.BooleanField(label=_("Power of attorney received"), required=False)
    language = forms.ChoiceField(label=_("Language of the complainant"), choices=LANGUAGE_CHOICES)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    business_channel = forms.ChoiceField(
        label=_("Business channel"), choices=[("", "—"), *BusinessChannel.choices], required=False
    )
    product_line = forms.ChoiceField(label=_("Product line"), choices=[("", "—"), *ProductLine.choices], required=False)
    province = forms.ChoiceField(label=_("Province"), choices=province_choices, required=False)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.all(), required=False)
    policy_number = forms.CharField(label=_("Policy number"), max_length=40, required=False)
    named_employee = forms.ModelChoiceField(
        label=_("Employee complained about"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("That person can take no step on this complaint or its reviews."),
    )
    description = forms.CharField(
        label=_("What the complainant says"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000
    )
    desired_outcome = forms.CharField(
        label=_("Desired outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    note = _note()
    attachments = AttachmentsField(label=_("Documents"))
    # A case transferred by the national complaint platform (shown after the regulator's fields).
    platform_ref = forms.CharField(label=_("Platform's reference"), max_length=60, required=False)
    platform_deadline = forms.DateField(
        label=_("Platform's reply date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Where the platform sets one; when it is earlier than the regulation's 15 days, it is the date to meet "
            "everywhere. Empty: the platform's default limit of the rules in force."
        ),
    )
    # Who sold the policy (complaints.compliance.sellers): set after registering, with its own event.
    sales_agent = SellerForm.base_fields["sales_agent"]
    partner = SellerForm.base_fields["partner"]
    # A proxy's representative, an address, the account the money is to go to and the coded demand: what the
    # ring signals match on (complaints.compliance.rings).
    representative_name = forms.CharField(label=_("Representative's name"), max_length=100, required=False)
    representative_phone = PhoneField(label=_("Representative's phone"), required=False)
    representative_org = forms.CharField(label=_("Representative's organisation"), max_length=200, required=False)
    representative_relationship = forms.ChoiceField(
        label=_("Representative's relationship to the policyholder"),
        choices=[("", "—"), *Relationship.choices],
        required=False,
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    bank_account = forms.CharField(
        label=_("Bank account for the refund or payment"),
        max_length=40,
        required=False,
        help_text=_("Kept only as a keyed hash, to notice one account behind many complaints; never stored as typed."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    desired_remedy = forms.ChoiceField(
        label=_("What is asked for"), choices=[("", "—"), *DesiredRemedy.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = list(self.fields)
        for name in ("platform_deadline", "platform_ref"):
            order.remove(name)
            order.insert(order.index("regulator_deadline") + 1, name)
        self.order_fields(order)
        # The branch is chosen in the same form: every branch's staff here, the service checks the branch's.
        self.fields["named_employee"].queryset = people.employees(any_branch=True)
        if not self.is_bound:
            self.initial["received_at"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean_bank_account(self):
        value = self.cleaned_data["bank_account"]
        digits = "".join(ch for ch in value if not ch.isspace() and ch != "-")
        if value and not (digits.isdigit() and 8 <= len(digits) <= 30):
            raise forms.ValidationError(_("A bank account number has 8 to 30 digits."), code="bank_account")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") == Source.REGULATOR and not cleaned.get("regulator_ref"):
            self.add_error("regulator_ref", _("Give the regulator's reference for a forwarded complaint."))
        if cleaned.get("source") == Source.PLATFORM and not (cleaned.get("platform_ref") or "").strip():
            self.add_error("platform_ref", _("Give the platform's reference for a case it transferred."))
        if cleaned.get("received_at") and cleaned["received_at"] > timezone.now():
            self.add_error("received_at", _("The time of receipt cannot be in the future."))
        return cleaned
