"""Forms of the public complaint pages. They only check input; complaints/services.py does the work."""

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from portal import codes
from portal.forms import HoneypotMixin, csrf_token
from portal.models import PROVINCES, province_label
from portal.phones import PHONE_ABROAD_TIP, normalize_phone
from portal.uploads import validate_upload

from .models import Capacity, Category, DesiredRemedy, Relationship
from .services import ATTACHMENT_KINDS, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, TRACKING_PREFIX

DESCRIPTION_MAX = 5000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


ATTACHMENT_EXTENSIONS = ".pdf,.jpg,.jpeg,.png,.docx"


class AttachmentsField(forms.FileField):
    """Up to five files, each checked by its content (PDF, JPEG, PNG, DOCX) and size. The browser checks the
    count, size and kind first (static/js/uploads.js, from the widget's data- attributes), so that a file that
    would be refused is never sent; the checks here stay the rule."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "accept": ATTACHMENT_EXTENSIONS,
            "data-upload-check": "",
            "data-max-bytes": str(MAX_ATTACHMENT_BYTES),
            "data-max-files": str(MAX_ATTACHMENTS),
            "data-too-large": _(
                "“{name}” is {size}; the limit is {limit} per file. Nothing was sent: choose a smaller file, "
                "or a photo taken at a lower resolution."
            ),
            "data-wrong-type": _(
                "“{name}” is not a PDF, JPEG, PNG or Word (DOCX) file. Nothing was sent: choose a file of one of "
                "these kinds."
            ),
            "data-too-many": _("You chose {count} files; attach at most {limit} at a time. Nothing was sent."),
            "data-empty": _("“{name}” is empty. Nothing was sent: choose the file again."),
        }

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, (list, tuple)) else [data]) if item]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("Attach at most %(count)d files at a time."), code="too_many", params={"count": MAX_ATTACHMENTS}
            )
        errors = []
        for upload in files:
            try:
                validate_upload(upload, allowed=ATTACHMENT_KINDS, max_bytes=MAX_ATTACHMENT_BYTES)
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return files


class PhoneField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)
        self.widget.input_type = "tel"
        self.widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def clean(self, value):
        value = super().clean(value)
        # Stored and compared in E.164, whatever way it was typed.
        return normalize_phone(value) if value else value


# The consumer side of the ring signals: people who surrender or complain need no paid agent.
NO_AGENT_NOTE = _(
    "Complaining is free and needs no agent. Be wary of anyone who offers a “full refund” for a fee or asks "
    "for your policy documents or bank account: we deal with you directly."
)


def province_choices():
    return [("", _("Not sure / not relevant"))] + [(name, province_label(name)) for name in PROVINCES]


class ComplaintForm(HoneypotMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = PhoneField(
        label=_("Phone number"),
        help_text=_("A mobile or a landline with its area code. You will need it to track your complaint."),
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("If you give one, we also write to you by email."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # Optional in the request (a form sent without it is a complaint for oneself); the radio starts on "myself".
    capacity = forms.ChoiceField(
        label=_("Who is complaining?"),
        choices=Capacity.choices,
        initial=Capacity.SELF,
        required=False,
        widget=forms.RadioSelect,
    )
    principal_name = forms.CharField(
        label=_("Name of the policyholder or the deceased (for proxies and heirs)"),
        max_length=100,
        required=False,
        help_text=_("A proxy attaches the power of attorney; an heir attaches proof of the inheritance."),
    )
    category = forms.ChoiceField(label=_("What is it about?"), choices=[("", _("Choose…")), *Category.choices])
    policy_number = forms.CharField(label=_("Policy number (if you know it)"), max_length=40, required=False)
    province = forms.ChoiceField(label=_("Where did you buy the policy?"), choices=province_choices, required=False)
    description = forms.CharField(
        label=_("What happened?"),
        max_length=DESCRIPTION_MAX,
        help_text=_("When it happened, who you dealt with, what went wrong. Up to 5,000 characters."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    desired_outcome = forms.CharField(
        label=_("What would you like us to do? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Asked gently and never required (complaints/workflow/care.py): what would make taking part easier.
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Does any of this apply to you? (optional)"),
        choices=[
            ("elderly", _("I am 60 or over")),
            ("disability", _("I have a disability or a long-term illness")),
            ("foreign_national", _("I am not a Chinese national")),
            ("new_citizen", _("I moved to this city recently")),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only so that we can help you better. It changes none of your rights or time limits."),
    )
    needs = forms.MultipleChoiceField(
        label=_("Would some help make this easier? (optional)"),
        choices=[
            ("large_print", _("Letters in large print")),
            ("call_back", _("A phone call from us rather than writing")),
            ("interpreter", _("An interpreter")),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachments = AttachmentsField(
        label=_("Documents (optional)"),
        help_text=_("Up to 5 files of at most 10 MB each: PDF, JPEG, PNG or Word (DOCX)."),
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my personal data is used to handle this complaint."),
        error_messages={"required": _("Please agree to the privacy notice: without it we cannot handle your data.")},
    )
    # A proxy's representative (apart from the policyholder), an address and a coded demand: what the ring
    # signals match on (complaints.compliance.rings). No bank account here: staff record it from the documents.
    representative_name = forms.CharField(
        label=_("Representative's name (for proxies)"),
        max_length=100,
        required=False,
        help_text=_("The person who acts with the power of attorney, if it is not you."),
    )
    representative_phone = PhoneField(label=_("Representative's phone"), required=False)
    representative_org = forms.CharField(
        label=_("Representative's organisation (company, law firm), if any"), max_length=200, required=False
    )
    representative_relationship = forms.ChoiceField(
        label=_("The representative is the policyholder's"),
        choices=[("", _("Choose…")), *Relationship.choices],
        required=False,
    )
    address = forms.CharField(
        label=_("Postal address (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"autocomplete": "street-address", "rows": 2}),
    )
    desired_remedy = forms.ChoiceField(
        label=_("What do you ask for?"),
        choices=[("", _("Choose…")), *DesiredRemedy.choices],
        required=False,
        help_text=_("Describe it in your own words below if you wish."),
    )
    # One token per form shown, bound to the browser that received it (its session's draft, or browser_token):
    # the same form sent twice makes one complaint, and a token copied into another browser is refused.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, expected_tokens=None, step=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected_tokens = expected_tokens
        if not self.is_bound and not self.initial.get("token"):
            self.initial["token"] = new_token()
        self.fields["principal_name"].widget.attrs["data-proxy-only"] = "true"
        for name in (
            "representative_name",
            "representative_phone",
            "representative_org",
            "representative_relationship",
        ):
            self.fields[name].widget.attrs["data-proxy-only"] = "true"
        self.fields["representative_phone"].widget.attrs["autocomplete"] = "off"
        # Shown by the stylesheet only when "policy service and surrender" is chosen; always without that support.
        self.fields["category"].help_text = NO_AGENT_NOTE
        if step is not None:
            keep = {*step.fields, "token", "website"}
            for name in list(self.fields):
                if name not in keep:
                    del self.fields[name]

    def clean_capacity(self):
        return self.cleaned_data.get("capacity") or Capacity.SELF

    def clean_token(self):
        token = self.cleaned_data["token"]
        well_formed = token.replace("-", "").replace("_", "").isalnum() and len(token) >= 20
        if not well_formed or (self.expected_tokens is not None and token not in self.expected_tokens):
            raise ValidationError(_("The form has expired. Please send it again."), code="token")
        return token

    def clean(self):
        cleaned = super().clean()
        if "principal_name" not in self.fields:
            return cleaned
        if cleaned.get("capacity") in (Capacity.PROXY, Capacity.HEIR) and not cleaned.get("principal_name"):
            self.add_error("principal_name", _("Give the name of the person you complain for, or of the deceased."))
        return cleaned


def new_token() -> str:
    return secrets.token_urlsafe(24)


_NONCE_CHARS = 24  # secrets.token_urlsafe(18)
_MAC_CHARS = 24


def _browser_mac(nonce: str, secret: str) -> str:
    return salted_hmac("complaints.form-token", f"{nonce}:{secret}", algorithm="sha256").hexdigest()[:_MAC_CHARS]


def browser_token(request) -> str:
    """A one-time token for a visitor who has no session yet: random, with a MAC over the browser's CSRF secret,
    so that it is bound to the browser that received it as a session's token is, without writing a session
    row for every visitor who only opens the form."""
    csrf_token(request)  # the browser's CSRF secret, made (and its cookie set) if it has none
    nonce = secrets.token_urlsafe(18)
    return nonce + _browser_mac(nonce, request.META["CSRF_COOKIE"])


def is_browser_token(request, token: str) -> bool:
    """Whether `token` is one browser_token gave this browser (the CSRF cookie it sent)."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or not isinstance(token, str) or len(token) != _NONCE_CHARS + _MAC_CHARS:
        return False
    return constant_time_compare(token[_NONCE_CHARS:], _browser_mac(token[:_NONCE_CHARS], secret))


class Step:
    def __init__(self, slug: str, title, fields: tuple[str, ...], tips: tuple = ()):
        self.slug, self.title, self.fields, self.tips = slug, title, fields, tips


# The guided complaint: one short page per step on a phone, tips before the fields, a check before sending.
STEPS = (
    Step(
        "who",
        _("Who you are"),
        (
            "name",
            "phone",
            "email",
            "address",
            "capacity",
            "principal_name",
            "representative_name",
            "representative_phone",
            "representative_org",
            "representative_relationship",
        ),
        (
            _(
                "We use your phone number to tell you about your complaint and, with the tracking number, to let "
                "you follow it."
            ),
            _(
                "Complaining for someone else? Choose “proxy” or “heir”: we then ask for their name, and you attach "
                "the power of attorney or the proof of inheritance."
            ),
            # In the tips rather than the field's help: the elderly mode keeps the phone field on the first screen.
            PHONE_ABROAD_TIP,
        ),
    ),
    Step(
        "what",
        _("What happened"),
        ("category", "policy_number", "province", "description"),
        (
            _("Your policy number, if you have it."),
            _("What happened and when, and who you dealt with."),
        ),
    ),
    Step(
        "want",
        _("What you want"),
        ("desired_remedy", "desired_outcome", "vulnerabilities", "needs"),
        (_("What you would like us to do."), _("If you wish, what would make this easier for you.")),
    ),
    Step(
        "documents",
        _("Documents"),
        ("attachments",),
        (_("Documents that help: the policy, letters, receipts, photos."),),
    ),
    Step("check", _("Check and send"), ("consent",)),
)
STEP_SLUGS = [step.slug for step in STEPS]


def step_named(slug: str | None) -> Step:
    return next((step for step in STEPS if step.slug == slug), STEPS[0])


class TrackForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=40,
        help_text=_("As on your receipt, e.g. TS-20261121-7KQ2M9XD."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone number given with the complaint"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_tracking_number(self):
        typed = self.cleaned_data["tracking_number"]
        if codes.looks_mistyped(typed):
            raise ValidationError(
                _("This number looks mistyped: one of its characters does not match. Check it against your receipt."),
                code="mistyped",
            )
        return codes.normalize(typed)

    def is_well_formed(self) -> bool:
        return codes.is_well_formed(self.cleaned_data.get("tracking_number", ""), TRACKING_PREFIX)


class AddInformationForm(forms.Form):
    text = forms.CharField(
        label=_("What would you like to add?"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachments = AttachmentsField(
        label=_("Documents (optional)"),
        help_text=_("Up to 5 files of at most 10 MB each: PDF, JPEG, PNG or Word (DOCX)."),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("text") and not cleaned.get("attachments"):
            raise ValidationError(_("Write something or attach a file."), code="empty")
        return cleaned


class ReviewRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you disagree with the decision?"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I withdraw my complaint. I understand that its handling ends today."),
        error_messages={"required": _("Tick the box to confirm the withdrawal.")},
    )
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
