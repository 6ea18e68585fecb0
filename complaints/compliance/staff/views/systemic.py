"""The oversight pages of agents and partners (the lists, their import, complaints per agent and partner), of
the early warnings with their dispositions, and of systemic issues (opening, linking complaints, affected
customers, remediation items, closing). Every write goes through complaints.compliance.sellers / .systemic."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.privacy import mask_name, mask_phone
from portal.tabular import MAX_IMPORT_BYTES, ImportRefused
from portal.uploads import safe_display_name

from ....models import FULL_DATA_PERMISSION, Partner, RemediationItem, SalesAgent, SystemicIssue
from ... import alerts, sellers, systemic
from ...models import OversightWarning
from ...reports import Period, received_in
from ..common import page_context
from ..rating_forms import RatingYearForm
from ..systemic_forms import (
    CloseForm,
    CustomerForm,
    CustomersImportForm,
    CustomerUpdateForm,
    DispositionForm,
    IssueForm,
    ItemEndForm,
    ItemForm,
    LinkForm,
    SellersImportForm,
)

SELLERS = "admin:complaints_compliance_sellers"
WARNINGS = "admin:complaints_compliance_warnings"
ISSUES = "admin:complaints_compliance_issues"
ISSUE = "admin:complaints_compliance_issue"
WARNING_DAYS = 30


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _errors_into(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# Agents and partners.


def _sellers_page(request, *, import_form=None, problems=None, status=200):
    data = request.GET.copy()
    data.setdefault("year", str(timezone.localdate().year))
    year_form = RatingYearForm(data)
    year = year_form.cleaned_data["year"] if year_form.is_valid() else timezone.localdate().year
    figures = sellers.seller_figures(received_in(Period(year)))
    counts = {row["code"]: row for row in figures["agents"] + figures["partners"]}
    can_keep = request.user.has_perm(sellers.KEEP_PERMISSION)
    context = page_context(
        request,
        _("Sales agents and partners"),
        year=year,
        year_form=RatingYearForm(initial={"year": year}),
        figures=figures,
        agents=[(agent, counts.get(agent.code)) for agent in SalesAgent.objects.select_related("branch")],
        partners=[(partner, counts.get(partner.code)) for partner in Partner.objects.select_related("branch")],
        import_form=(import_form or SellersImportForm()) if can_keep else None,
        problems=problems,
        threshold={"count": alerts.SELLER_MIN, "days": alerts.SELLER_DAYS},
    )
    return TemplateResponse(request, "complaints/compliance/sellers.html", context, status=status)


def sellers_view(request):
    _require(request, "complaints.view_salesagent")
    if request.method != "POST":
        return _sellers_page(request)
    _require(request, sellers.KEEP_PERMISSION)
    form = SellersImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _sellers_page(request, import_form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        added, updated = sellers.sellers_import(
            actor=request.user,
            data=upload.read(MAX_IMPORT_BYTES + 1),
            name=safe_display_name(upload.name or ""),
            kind=form.cleaned_data["kind"],
        )
    except ImportRefused as refused:
        problems = [str(problem) for problem in refused.problems]
        return _sellers_page(request, import_form=form, problems=problems, status=400)
    messages.success(request, _("%(added)d added and %(updated)d updated.") % {"added": added, "updated": updated})
    return redirect(SELLERS)


# Early warnings and their dispositions.


def _warnings_page(request, *, failed=None, status=200):
    """The last WARNING_DAYS days' warnings, or a whole year's (?year=)."""
    year_form = RatingYearForm(request.GET)
    year = year_form.cleaned_data["year"] if "year" in request.GET and year_form.is_valid() else None
    shown = OversightWarning.objects.filter(as_of__gte=timezone.localdate() - timedelta(days=WARNING_DAYS))
    if year is not None:
        shown = OversightWarning.objects.filter(as_of__year=year)
    rows = list(shown.order_by("-as_of", "-score", "id"))
    found = systemic.dispositions_for(row.key for row in rows)
    can_manage = request.user.has_perm(systemic.PERMISSION)
    warnings = []
    for row in rows:
        form = None
        if can_manage:
            form = failed[1] if failed and failed[0] == row.pk else DispositionForm(initial={"warning": row.pk})
        warnings.append(
            {
                "row": row,
                "dimension": alerts.dimension_label(row.dimension),
                "value": alerts.value_label(row.dimension, row.value),
                "period": alerts.period_label(row.period),
                "disposition": found.get(row.key),
                "form": form,
                "complaints": reverse("admin:complaints_complaint_changelist")
                + "?"
                + "&".join(f"{key}={value}" for key, value in alerts.changelist_query(row).items()),
            }
        )
    context = page_context(
        request,
        _("Early warnings and their dispositions"),
        warnings=warnings,
        days=WARNING_DAYS,
        year=year,
        year_form=RatingYearForm(initial={"year": year or timezone.localdate().year}),
    )
    return TemplateResponse(request, "complaints/compliance/warnings.html", context, status=status)


def warnings_view(request):
    _require(request, "complaints.view_warningdisposition")
    if request.method != "POST":
        return _warnings_page(request)
    _require(request, systemic.PERMISSION)
    form = DispositionForm(request.POST)
    if not form.is_valid():
        return _warnings_page(request, failed=(form.data.get("warning"), form), status=400)
    row = get_object_or_404(OversightWarning, pk=form.cleaned_data["warning"])
    try:
        disposition = systemic.warning_dispose(
            warning=row,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            issue=form.cleaned_data["issue"],
            title=form.cleaned_data["title"],
        )
    except ValidationError as error:
        _errors_into(form, error)
        return _warnings_page(request, failed=(row.pk, form), status=400)
    messages.success(request, _("The disposition of the warning is recorded."))
    if disposition.issue_id:
        return redirect(ISSUE, disposition.issue_id)
    return redirect(WARNINGS)


# Systemic issues.


def issues_view(request):
    _require(request, "complaints.view_systemicissue")
    form = IssueForm(request.POST or None)
    if request.method == "POST":
        _require(request, systemic.PERMISSION)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with_numbers = split_numbers(data["complaints"])
                issue = systemic.issue_open(
                    actor=request.user,
                    title=data["title"],
                    description=data["description"],
                    root_cause=data["root_cause"],
                )
                if with_numbers:
                    systemic.issue_link(issue=issue, actor=request.user, tracking_numbers=with_numbers)
            except ValidationError as error:
                _errors_into(form, error)
            else:
                messages.success(request, _("Issue %(reference)s is open.") % {"reference": issue.reference})
                return redirect(ISSUE, issue.pk)
    issues = SystemicIssue.objects.all()
    context = page_context(
        request,
        _("Systemic issues"),
        issues=[(issue, systemic.closing_blockers(issue)) for issue in issues],
        form=form if request.user.has_perm(systemic.PERMISSION) else None,
    )
    return TemplateResponse(request, "complaints/compliance/issues.html", context, status=400 if form.errors else 200)


def split_numbers(text: str) -> list[str]:
    for separator in ("；", ";", "、", "，", "\n", " "):
        text = text.replace(separator, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


ISSUE_FORMS = {
    "link": LinkForm,
    "customer": CustomerForm,
    "customer_update": CustomerUpdateForm,
    "import": CustomersImportForm,
    "item": ItemForm,
    "item_end": ItemEndForm,
    "close": CloseForm,
}


def _do(request, issue, action: str, data: dict):
    """Run the issue's action `action` with the form's cleaned data; returns the success message."""
    actor = request.user
    if action == "link":
        numbers = systemic.issue_link(issue=issue, actor=actor, tracking_numbers=split_numbers(data["complaints"]))
        return _("%(count)d complaints linked.") % {"count": len(numbers)}
    if action == "customer":
        systemic.affected_add(issue=issue, actor=actor, **data)
        return _("The customer is added.")
    if action == "customer_update":
        customer = get_object_or_404(issue.affected, pk=data["customer"])
        systemic.affected_update(
            customer=customer, actor=actor, remedy=data["remedy"], amount=data["amount"], note=data["note"]
        )
        return _("The customer's remedy is recorded.")
    if action == "import":
        upload = data["file"]
        created = systemic.affected_import(
            issue=issue, actor=actor, data=upload.read(MAX_IMPORT_BYTES + 1), name=safe_display_name(upload.name or "")
        )
        return _("%(count)d customers were imported.") % {"count": len(created)}
    if action == "item":
        systemic.issue_item_add(issue=issue, actor=actor, **data)
        return _("The remediation item is added.")
    if action == "item_end":
        item = get_object_or_404(issue.remediation_items, pk=data["item"])
        systemic.issue_item_update(item=item, actor=actor, status=data["status"], closing_note=data["closing_note"])
        return _("The remediation item is closed.")
    closed = systemic.issue_close(issue=issue, actor=actor, note=data["note"], reason=data["reason"])
    if closed.status == SystemicIssue.Status.CLOSED:
        return _("The issue is closed.")
    return _("Closing is asked for; a second colleague must confirm it.")


def issue_view(request, pk):
    _require(request, "complaints.view_systemicissue")
    issue = get_object_or_404(SystemicIssue.objects.select_related("opened_by", "root_cause"), pk=pk)
    forms = {}
    problems = None
    action = request.POST.get("do", "") if request.method == "POST" else ""
    if request.method == "POST":
        _require(request, systemic.PERMISSION)
        if action not in ISSUE_FORMS:
            raise PermissionDenied
        form = ISSUE_FORMS[action](request.POST, request.FILES)
        forms[action] = form
        if form.is_valid():
            try:
                message = _do(request, issue, action, form.cleaned_data)
            except ValidationError as error:
                _errors_into(form, error)
            except ImportRefused as refused:
                problems = [str(problem) for problem in refused.problems]
            else:
                messages.success(request, message)
                return redirect(ISSUE, issue.pk)
    can_manage = request.user.has_perm(systemic.PERMISSION) and issue.status == SystemicIssue.Status.OPEN
    if can_manage:
        for name, form_class in ISSUE_FORMS.items():
            if name not in ("customer_update", "item_end"):
                forms.setdefault(name, form_class())
    failed = forms.get("customer_update"), forms.get("item_end")
    full = request.user.has_perm(FULL_DATA_PERMISSION)
    customers = [
        {
            "row": customer,
            "name": customer.name if full else mask_name(customer.name),
            "phone": customer.phone if full else mask_phone(customer.phone),
            "form": (failed[0] if failed[0] and str(failed[0].data.get("customer")) == str(customer.pk) else None)
            or (
                CustomerUpdateForm(initial={"customer": customer.pk, "remedy": customer.remedy}) if can_manage else None
            ),
        }
        for customer in issue.affected.all()
    ]
    items = [
        {
            "row": item,
            "form": (failed[1] if failed[1] and str(failed[1].data.get("item")) == str(item.pk) else None)
            or (
                ItemEndForm(initial={"item": item.pk})
                if can_manage and item.status == RemediationItem.Status.OPEN
                else None
            ),
        }
        for item in issue.remediation_items.select_related("owner")
    ]
    context = page_context(
        request,
        f"{issue.reference} {issue.title}",
        issue=issue,
        blockers=systemic.closing_blockers(issue),
        complaints=issue.complaints.order_by("received_at"),
        customers=customers,
        items=items,
        events=issue.events.select_related("actor"),
        forms=forms,
        problems=problems,
        can_manage=can_manage,
        issues_url=reverse(ISSUES),
    )
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "complaints/compliance/issue.html", context, status=status)
