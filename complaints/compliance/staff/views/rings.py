"""Possible surrender-agent rings (代理退保): the ring warnings of the last WINDOW_DAYS days, and per ring its map
(which complaints share what, each signal in words, masked for whoever may not see personal data in full) and
the tips passed on to the regulator or the police (线索移送)."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.privacy import mask_name

from ....models import FULL_DATA_PERMISSION, Capacity
from ... import rings
from ...models import OversightWarning, RingTip
from ...ring_tips import PERMISSION, VIEW_PERMISSION, ring_tip_record
from ..common import page_context, require
from ..forms import RingTipForm

RINGS = "admin:complaints_compliance_rings"


def _latest_rings():
    """The newest stored warning of each ring seen in the last WINDOW_DAYS days, the newest first."""
    since = timezone.localdate() - timedelta(days=rings.WINDOW_DAYS)
    rows = OversightWarning.objects.filter(kind=OversightWarning.Kind.RING, as_of__gte=since).order_by(
        "-as_of", "-score", "id"
    )
    latest = {}
    for row in rows:
        latest.setdefault(row.value, row)
    return list(latest.values())


def rings_view(request):
    require(request, VIEW_PERMISSION)
    found = _latest_rings()
    tipped = set(RingTip.objects.filter(ring_key__in=[row.value for row in found]).values_list("ring_key", flat=True))
    context = page_context(
        request,
        _("Possible surrender-agent rings"),
        rows=found,
        tipped=tipped,
        window=rings.WINDOW_DAYS,
        min_holders=rings.RING_MIN_HOLDERS,
        threshold=rings.TEXT_SIMILARITY,
    )
    return TemplateResponse(request, "complaints/compliance/rings.html", context)


def _map(ring, *, full: bool) -> dict:
    """The ring's map: one row per complaint, one column per signal, a mark where the complaint shares it."""
    columns = [
        {
            "label": rings.signal_label(signal.kind),
            "value": rings.shown_value(signal, full=full),
            "explanation": rings.explain(signal, full=full),
            "ids": set(signal.complaint_ids),
        }
        for signal in ring.signals
    ]
    holder_names = {member["id"]: rings.holder_name(member) for member in ring.members}
    rows = [
        {
            "member": member,
            "holder": holder_names[member["id"]] if full else mask_name(holder_names[member["id"]]),
            "proxy": member["capacity"] == Capacity.PROXY,
            "marks": [member["id"] in column["ids"] for column in columns],
        }
        for member in ring.members
    ]
    return {"columns": columns, "rows": rows}


def ring_view(request, key: str):
    require(request, VIEW_PERMISSION)
    row = OversightWarning.objects.filter(kind=OversightWarning.Kind.RING, value=key).order_by("-as_of").first()
    if row is None:
        raise Http404
    ring = rings.ring_of(row.complaint_ids, row.as_of)
    if ring is None:
        raise Http404
    may_tip = request.user.has_perm(PERMISSION)
    form = RingTipForm(request.POST or None) if may_tip else None
    if request.method == "POST":
        require(request, PERMISSION)
        if form.is_valid():
            try:
                ring_tip_record(actor=request.user, ring_key=key, complaint_ids=ring.complaint_ids, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request, _("The tip is recorded on the ring's %(count)d complaints.") % {"count": len(ring.members)}
                )
                return redirect("admin:complaints_compliance_ring", key=key)
    full = request.user.has_perm(FULL_DATA_PERMISSION)
    context = page_context(
        request,
        _("Ring %(key)s") % {"key": key},
        warning=row,
        ring=ring,
        map=_map(ring, full=full),
        tips=RingTip.objects.filter(ring_key=key).select_related("recorded_by"),
        form=form,
        text_checked=ring.text_checked,
    )
    return TemplateResponse(
        request, "complaints/compliance/ring.html", context, status=400 if request.method == "POST" else 200
    )
