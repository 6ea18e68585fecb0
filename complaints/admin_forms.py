"""Staff forms of the admin: one small form per workflow action, and the registration of a complaint.

Each action maps to (form class, function calling the service). The forms only check input; the services
decide whether the action is allowed.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import codes
from portal.models import Branch

from . import services
from .forms import AttachmentsField, PhoneField, province_choices
from .models import (
    LANGUAGE_CHOICES,
    BusinessChannel,
    Capacity,
    Category,
    Channel,
    Complaint,
    IdType,
    Outcome,
    ProductLine,
    Remedy,
    Source,
)

A = services.A


def _users_with(codename: str):
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label="complaints")
            | Q(user_permissions__codename=codename, user_permissions__content_type__app_label="complaints")
        )
        .distinct()
        .order_by("username")
    )


INTERNAL_NOTE = _("Note (internal)")


def _note(label=INTERNAL_NOTE, required=False):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class NoteForm(forms.Form):
    note = _note()


class ReasonForm(forms.Form):
    reason = _note(_("Reason (shown to the complainant)"), required=True)


class RequiredNoteForm(forms.Form):
    note = _note(_("What are the new facts? (shown to the complainant)"), required=True)


class DecideForm(forms.Form):
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
    note = _note()


class CloseForm(forms.Form):
    cause = forms.ModelChoiceField(
        label=_("Root cause code"),
        queryset=Complaint._meta.get_field("cause").related_model.objects.filter(is_active=True),
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


class ExtendForm(forms.Form):
    reason = _note(_("Reason (shown to the complainant)"), required=True)
    approved_by = forms.ModelChoiceField(
        label=_("Approved by (supervisor)"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Leave empty if you are the approving supervisor."),
    )
    senior_approval = forms.CharField(
        label=_("Senior manager's approval (for the second extension, to 60 days)"),
        max_length=200,
        required=False,
        help_text=_("Name and reference of the approval."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_by"].queryset = _users_with("approve_extension")


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Tracking number of the original complaint"), max_length=40)
    note = _note()

    def clean_into(self):
        number = codes.normalize(self.cleaned_data["into"])
        original = Complaint.objects.filter(tracking_number=number).first()
        if original is None:
            raise forms.ValidationError(_("No complaint has this tracking number."))
        return original


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = _users_with("handle_complaint")


class ReviewForm(forms.Form):
    reason = _note(_("Why the complainant disagrees (as they wrote it)"), required=True)


# action -> (form class, call(complaint, actor, cleaned_data))
ACTION_FORMS = {
    A.ASSIGN: (AssignForm, lambda c, u, d: services.complaint_assign(complaint=c, actor=u, handler=d["handler"])),
    A.ACCEPT: (NoteForm, lambda c, u, d: services.complaint_accept(complaint=c, actor=u, note=d["note"])),
    A.START: (NoteForm, lambda c, u, d: services.complaint_start(complaint=c, actor=u, note=d["note"])),
    A.EXTEND: (
        ExtendForm,
        lambda c, u, d: services.complaint_extend(
            complaint=c,
            actor=u,
            reason=d["reason"],
            approved_by=d["approved_by"],
            senior_approval=d["senior_approval"],
        ),
    ),
    A.PAUSE: (ReasonForm, lambda c, u, d: services.complaint_pause(complaint=c, actor=u, reason=d["reason"])),
    A.RESUME: (NoteForm, lambda c, u, d: services.complaint_resume(complaint=c, actor=u, note=d["note"])),
    A.RESTART: (RequiredNoteForm, lambda c, u, d: services.complaint_restart(complaint=c, actor=u, note=d["note"])),
    A.DECIDE: (
        DecideForm,
        lambda c, u, d: services.complaint_decide(
            complaint=c,
            actor=u,
            decision=d["decision"],
            outcome=d["outcome"],
            remedies=d["remedies"],
            note=d["note"],
        ),
    ),
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
    A.MERGE: (
        MergeForm,
        lambda c, u, d: services.complaint_merge(complaint=c, into=d["into"], actor=u, note=d["note"]),
    ),
    A.REJECT: (ReasonForm, lambda c, u, d: services.complaint_reject(complaint=c, actor=u, reason=d["reason"])),
    A.WITHDRAW: (NoteForm, lambda c, u, d: services.complaint_withdraw(complaint=c, actor=u, note=d["note"])),
    A.REQUEST_REVIEW: (
        ReviewForm,
        lambda c, u, d: services.complaint_request_review(complaint=c, actor=u, reason=d["reason"]),
    ),
    A.REOPEN: (ReasonForm, lambda c, u, d: services.complaint_reopen(complaint=c, actor=u, reason=d["reason"])),
}


class RegisterForm(forms.Form):
    """A complaint received by letter, visit, phone, WeChat, email, or forwarded by the regulator."""

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
        label=_("Regulator's deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
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
        help_text=_("That person will not be assigned this complaint."),
    )
    description = forms.CharField(
        label=_("What the complainant says"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000
    )
    desired_outcome = forms.CharField(
        label=_("Desired outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    note = _note()
    attachments = AttachmentsField(label=_("Documents"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named_employee"].queryset = get_user_model().objects.filter(is_staff=True).order_by("username")
        if not self.is_bound:
            self.initial["received_at"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") == Source.REGULATOR and not cleaned.get("regulator_ref"):
            self.add_error("regulator_ref", _("Give the regulator's reference for a forwarded complaint."))
        if cleaned.get("received_at") and cleaned["received_at"] > timezone.now():
            self.add_error("received_at", _("The time of receipt cannot be in the future."))
        return cleaned
