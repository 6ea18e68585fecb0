"""Every message the portal sends, in one place: its key, its email subject, its text and its parameters.

English message ids here, Chinese in locale/zh_Hans. The parameters are named in the order an SMS gateway's
registered template numbers them ({1}, {2}, …): a gateway that sends registered templates only (Tencent Cloud)
gets the key's template id and these values in this order (docs/messages.md). Every text is rendered in the
recipient's language when it is queued, and the outbox keeps the rendered text as it was sent.

Staff alerts are rendered when they are read, in the reader's language.
"""

import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Template:
    subject: str
    text: str
    params: tuple[str, ...]


TEMPLATES: dict[str, Template] = {
    "complaint.received": Template(
        _("Complaint %(number)s received"),
        _(
            "We received your complaint on %(received)s. Its tracking number is %(number)s. "
            "We will decide and tell you by %(due)s."
        ),
        ("received", "number", "due"),
    ),
    # A complaint registered after its time limit had passed (a letter received long before): no date is promised.
    "complaint.received_late": Template(
        _("Complaint %(number)s received"),
        _(
            "We received your complaint on %(received)s. Its tracking number is %(number)s. Its time limit has "
            "passed: we handle it with priority and will tell you our decision as soon as possible."
        ),
        ("received", "number"),
    ),
    "complaint.accepted": Template(
        _("Complaint %(number)s accepted"),
        _("Your complaint %(number)s has been accepted and is being handled. We will tell you by %(due)s."),
        ("number", "due"),
    ),
    "complaint.accepted_late": Template(
        _("Complaint %(number)s accepted"),
        _(
            "Your complaint %(number)s has been accepted. Its time limit has passed: we handle it with priority "
            "and will tell you our decision as soon as possible."
        ),
        ("number",),
    ),
    "complaint.extended": Template(
        _("Complaint %(number)s: more time needed"),
        _("We need more time to handle your complaint %(number)s. Reason: %(reason)s. New date: %(due)s."),
        ("number", "reason", "due"),
    ),
    "complaint.paused": Template(
        _("Complaint %(number)s: waiting for an appraisal"),
        _(
            "Your complaint %(number)s waits for an outside appraisal: %(reason)s. "
            "The time this takes is not counted; we will tell you the new date when it is back."
        ),
        ("number", "reason"),
    ),
    "complaint.resumed": Template(
        _("Complaint %(number)s: the appraisal is back"),
        _("The appraisal for your complaint %(number)s is back and the clock runs again. New date: %(due)s."),
        ("number", "due"),
    ),
    "complaint.resumed_late": Template(
        _("Complaint %(number)s: the appraisal is back"),
        _(
            "The appraisal for your complaint %(number)s is back. Its time limit has passed: we handle it with "
            "priority and will tell you our decision as soon as possible."
        ),
        ("number",),
    ),
    "complaint.restarted": Template(
        _("Complaint %(number)s: the time limit starts again"),
        _(
            "New facts on your complaint %(number)s: the time limit starts again from today. "
            "We will decide and tell you by %(due)s."
        ),
        ("number", "due"),
    ),
    "complaint.decided": Template(
        _("Complaint %(number)s: our decision"),
        _(
            "We have decided on your complaint %(number)s: %(outcome)s. Read the decision under “Track a complaint” "
            "on our website. If you disagree: %(remedies)s. You may also call the regulator's consumer hotline 12378 "
            "(National Financial Regulatory Administration)."
        ),
        ("number", "outcome", "remedies"),
    ),
    # Resolved on the spot (first contact): registered and decided in one step, with the complainant's agreement.
    "complaint.first_contact": Template(
        _("Complaint %(number)s resolved"),
        _(
            "As agreed with you today, your complaint %(number)s is resolved: %(outcome)s. If you disagree: "
            "%(remedies)s. Regulator's hotline 12378."
        ),
        ("number", "outcome", "remedies"),
    ),
    "complaint.rejected": Template(
        _("%(number)s: not handled as a complaint"),
        _("What you sent us under %(number)s is not handled as a complaint. Reason: %(reason)s."),
        ("number", "reason"),
    ),
    "complaint.merged": Template(
        _("Complaint %(number)s merged"),
        _(
            "Your complaint %(number)s repeats your complaint %(original)s and is handled under %(original)s; "
            "you need not do anything."
        ),
        ("number", "original"),
    ),
    # A repeat merged before any message about it went: the complainant hears of the original only.
    "complaint.repeat_merged": Template(
        _("Your complaint %(original)s"),
        _(
            "We received what you told us on %(received)s. It repeats your complaint %(original)s and is handled "
            "with it; you need not do anything. Follow it under %(original)s."
        ),
        ("received", "original"),
    ),
    "complaint.withdrawn": Template(
        _("Complaint %(number)s withdrawn"),
        _("As you asked, your complaint %(number)s is withdrawn; its handling ended on %(day)s."),
        ("number", "day"),
    ),
    "complaint.reopened": Template(
        _("Complaint %(number)s reopened"),
        _("Your complaint %(number)s has been reopened and is handled again. Reason: %(reason)s."),
        ("number", "reason"),
    ),
    "complaint.review_opened": Template(
        _("Review %(number)s received"),
        _(
            "We received your request for a review of %(original)s. Its tracking number is %(number)s. "
            "We will decide and tell you by %(due)s."
        ),
        ("original", "number", "due"),
    ),
    "complaint.review_opened_late": Template(
        _("Review %(number)s received"),
        _(
            "We received your request for a review of %(original)s. Its tracking number is %(number)s. Its time "
            "limit has passed: we handle it with priority and will tell you our decision as soon as possible."
        ),
        ("original", "number"),
    ),
    "complaint.review_decided": Template(
        _("Review %(number)s: our decision"),
        _(
            "The review %(number)s of your complaint %(original)s is decided: %(outcome)s. Read it under "
            "“Track a complaint” on our website. If you still disagree: %(remedies)s. "
            "You may also call the regulator's consumer hotline 12378 (National Financial Regulatory Administration)."
        ),
        ("number", "original", "outcome", "remedies"),
    ),
    "booking.confirmed": Template(
        _("Booking %(number)s confirmed"),
        _(
            "Booking %(number)s: reception day of %(branch)s, %(date)s %(start)s-%(end)s, %(place)s. "
            "Cancel online with this number and your phone."
        ),
        ("number", "branch", "date", "start", "end", "place"),
    ),
    "booking.moved": Template(
        _("Booking %(number)s: the reception day changed"),
        _("Booking %(number)s: the reception day of %(branch)s is now on %(date)s %(start)s-%(end)s, %(place)s."),
        ("number", "branch", "date", "start", "end", "place"),
    ),
    "booking.day_cancelled": Template(
        _("Booking %(number)s: the reception day is cancelled"),
        _("Booking %(number)s: the reception day of %(branch)s on %(date)s is cancelled. %(reason)s"),
        ("number", "branch", "date", "reason"),
    ),
    "booking.cancelled": Template(
        _("Booking %(number)s cancelled"),
        _("Booking %(number)s for the reception day of %(branch)s on %(date)s is cancelled."),
        ("number", "branch", "date"),
    ),
    "complaint.feedback": Template(
        _("Complaint %(number)s: how did we do?"),
        _("How did we handle your complaint %(number)s? Rate it from 1 to 5 by %(until)s: %(link)s"),
        ("number", "until", "link"),
    ),
    "complaint.mediation_answered": Template(
        _("Complaint %(number)s: mediation"),
        _(
            "We have agreed to the mediation of your complaint %(number)s by %(body)s. The mediator will contact "
            "you; you may follow it under “Track a complaint”."
        ),
        ("number", "body"),
    ),
    "complaint.mediation_ended": Template(
        _("Complaint %(number)s: mediation ended"),
        _("The mediation of your complaint %(number)s has ended: %(outcome)s. You may still call the hotline 12378."),
        ("number", "outcome"),
    ),
    "account.code": Template(
        _("Your sign-in code"),
        _(
            "Your sign-in code is %(code)s, valid for %(minutes)s minutes. "
            "Do not tell it to anyone, our staff included."
        ),
        ("code", "minutes"),
    ),
    "data_request.received": Template(
        _("Request %(number)s about your personal data received"),
        _("We received your request %(number)s about your personal data (%(kind)s). We will answer by %(due)s."),
        ("number", "kind", "due"),
    ),
    "data_request.identity_confirmed": Template(
        _("Request %(number)s: identity confirmed"),
        _("Your identity for request %(number)s has been confirmed. We will answer by %(due)s."),
        ("number", "due"),
    ),
    "data_request.answered": Template(
        _("Request %(number)s answered"),
        _(
            "Your request %(number)s about your personal data has been answered. Sign in to read the answer and, "
            "for a deletion, what is kept and until when."
        ),
        ("number",),
    ),
    "data_request.refused": Template(
        _("Request %(number)s refused"),
        _("Your request %(number)s about your personal data was refused: %(reason)s"),
        ("number", "reason"),
    ),
    # The one-time list of materials (一次性告知), sent once at acceptance; the list itself is on the status page.
    "complaint.materials": Template(
        _("Complaint %(number)s: the materials we need"),
        _(
            "The materials we need for your complaint %(number)s are listed under “Track a complaint” on our "
            "website. This is the whole list: we will not ask for anything more unless new facts require it."
        ),
        ("number",),
    ),
    # Something asked for after the list (a further request, counted and explained in the report).
    "complaint.further": Template(
        _("Complaint %(number)s: one more material needed"),
        _("For your complaint %(number)s we also need: %(reason)s. See “Track a complaint” on our website."),
        ("number", "reason"),
    ),
    # Staff alerts are rendered by alerts.py in the site's language; this only carries them.
    "staff.alert": Template("%(title)s", "%(title)s\n\n%(link)s", ("title", "link")),
}

ALERTS: dict[str, str] = {
    "assigned": _("Complaint %(number)s has been assigned to you (due %(due)s)."),
    "information_added": _("The complainant added information to complaint %(number)s."),
    "unassigned": _("A new web complaint %(number)s waits to be assigned (due %(due)s)."),
    "digest": _("%(count)s of your complaints fall due within 3 days: %(numbers)s."),
    "escalated_supervisor": _("Complaint %(number)s is %(days)s days overdue (due %(due)s, handler %(handler)s)."),
    "escalated_senior": _(
        "Complaint %(number)s is %(days)s days overdue (due %(due)s, handler %(handler)s): escalated to you."
    ),
    "early_warning": _("%(count)s new early warnings for %(day)s: %(summary)s."),
    "message_given_up": _(
        "A message about %(reference)s to %(recipient)s (%(channel)s) was given up after %(attempts)s attempts: "
        "%(error)s"
    ),
    "extension_requested": _(
        "%(requester)s asks to extend complaint %(number)s by %(days)s days (extension %(extension)s, due "
        "%(due)s): it waits for your decision."
    ),
    "extension_undecided": _(
        "The request to extend complaint %(number)s (extension %(extension)s, asked by %(requester)s) is still "
        "undecided and lapses when the time limit ends on %(due)s: decide it today."
    ),
    "extension_granted": _(
        "Your request to extend complaint %(number)s by %(days)s days was granted by %(approver)s; it is now due "
        "%(due)s."
    ),
    "extension_refused": _(
        "Your request to extend complaint %(number)s was refused by %(approver)s: %(note)s (due %(due)s)."
    ),
    "escalated_again": _(
        "Complaint %(number)s is still undecided, %(days)s days late (late since %(since)s, handler %(handler)s)."
    ),
    "escalated_digest": _("%(count)s imported complaints are late and escalated to you: %(numbers)s."),
    "search_volume": _(
        "%(user)s has made %(count)s searches of complaints by personal data within the hour (the limit is "
        "%(limit)s): see the log of personal data seen."
    ),
    "low_score": _("The complainant of complaint %(number)s rated its handling %(score)s out of 5."),
}


def signature() -> str:
    """The 【signature】 Chinese SMS gateways require at the start of every text: the registered sign name
    (PORTAL_SMS_SIGN_NAME), or the site's short name."""
    name = settings.PORTAL_SMS_SIGN_NAME
    if not name:
        from portal.profile import current_profile

        with translation.override(settings.LANGUAGE_CODE):
            name = current_profile().short_name
    return f"【{name}】" if name else ""


# A stop the template adds after a value that already ends a sentence ("原因：预计需两周。" + "。"): one stop.
_DOUBLED_STOP = re.compile(r"([。！？!?])[。.]|(?<![.])([.])[.](?![.])")


def tidy_stops(text: str) -> str:
    """The text with a sentence's stop doubled by a template kept once (an ellipsis "..." is left alone)."""
    return _DOUBLED_STOP.sub(lambda match: match.group(1) or match.group(2), text)


def render(key: str, params: dict, language: str) -> tuple[str, str]:
    """(subject, text) of message `key` in `language`; `params` must name every parameter of the template."""
    template = TEMPLATES[key]
    missing = set(template.params) - set(params)
    if missing:
        raise KeyError(f"{key} needs {sorted(missing)}")
    with translation.override(language):
        values = {name: str(params[name]) for name in template.params}
        text = tidy_stops(str(template.text) % values)
        return str(template.subject) % values, text.strip()


def render_alert(key: str, params: dict) -> str:
    text = ALERTS.get(key)
    if text is None:
        return key
    try:
        return tidy_stops(str(text) % {name: str(value) for name, value in params.items()})
    except (KeyError, TypeError, ValueError):
        return str(text)


# GSM 03.38's basic set: a text of only these is sent 160 characters a segment, anything else as UCS-2.
_GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def sms_segments(text: str) -> int:
    """How many segments a text costs: 70 UCS-2 characters in one, 67 each when longer (Chinese and the
    【】 of the signature); 160 / 153 for plain GSM text."""
    if set(text) <= _GSM:
        return 1 if len(text) <= 160 else math.ceil(len(text) / 153)
    return 1 if len(text) <= 70 else math.ceil(len(text) / 67)
