"""The satisfaction page a complainant reaches from the link in their text message (complaints/workflow/feedback.py).

The link's token is the only key: the page shows the tracking number and nothing personal, takes a score once,
and, after a low one, says what the complainant can still do (a review while its 30 days run, otherwise
mediation and the regulator's hotline). Never cached; not for search engines.
"""

from types import SimpleNamespace

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal import regulator

from . import services
from .models import LOW_SCORE
from .workflow.feedback import COMMENT_MAX_LENGTH, link_expired

SCORE_LABELS = {
    5: _("5 – very satisfied"),
    4: _("4 – satisfied"),
    3: _("3 – neither satisfied nor dissatisfied"),
    2: _("2 – dissatisfied"),
    1: _("1 – very dissatisfied"),
}


class FeedbackForm(forms.Form):
    score = forms.TypedChoiceField(
        label=pgettext_lazy("feedback", "Your score"),
        choices=list(SCORE_LABELS.items()),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def rating_page(request, *, complaint, answered, is_open: bool, valid_until, answer, done_url: str, **extra):
    """The satisfaction page, reached by the texted link or from the complainant's account: the form while the
    complaint may be rated (`answer(score=…, comment=…)` records it), thanks once answered — after a low score
    with what the complainant can still do — and 410 once the window has passed unanswered."""
    form = None
    if answered is None and is_open:
        form = FeedbackForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                answer(**form.cleaned_data)
            except services.WorkflowError as error:
                form.add_error(None, error)
            else:
                return redirect(done_url)
    expired = answered is None and form is None
    context = {
        "complaint": complaint,
        "feedback": answered or SimpleNamespace(valid_until=valid_until),
        "form": form,
        "expired": expired,
        "regulator_hotline": regulator.HOTLINE,
        "regulator_name": regulator.NAME,
        "nav_section": "complaint-track",
        **extra,
    }
    if answered is not None and answered.score <= LOW_SCORE:
        context["next_steps"] = services.feedback_next_steps(complaint)
    return render(request, "complaints/feedback.html", context, status=410 if expired else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request, token: str):
    record = services.feedback_for_token(token)
    if record is None:
        raise Http404
    return rating_page(
        request,
        complaint=record.complaint,
        answered=record if record.answered else None,
        is_open=not link_expired(record),
        valid_until=record.valid_until,
        answer=lambda **data: services.feedback_answer(token=token, **data),
        done_url=request.path,
    )
