"""The consumer-protection review register (消保审查): the year's reviews, recording one, importing a spreadsheet
(all or nothing, every bad row named)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.tabular import MAX_IMPORT_BYTES, ImportRefused
from portal.uploads import safe_display_name

from ... import review_register
from ...models import ReviewItem
from ..common import DASHBOARD_PERMISSION, page_context, require
from ..rating_forms import RatingYearForm, ReviewForm, ReviewImportForm

REVIEWS = "admin:complaints_compliance_reviews"


def _page(request, *, form=None, import_form=None, problems=None, status=200):
    data = request.GET.copy()
    data.setdefault("year", str(timezone.localdate().year))
    year_form = RatingYearForm(data)
    year = year_form.cleaned_data["year"] if year_form.is_valid() else timezone.localdate().year
    can_add = request.user.has_perm(review_register.PERMISSION)
    context = page_context(
        request,
        _("Consumer-protection reviews"),
        year=year,
        year_form=RatingYearForm(initial={"year": year}),
        items=ReviewItem.objects.filter(reviewed_on__year=year).prefetch_related(
            "opinions", "complaints", "root_causes"
        ),
        counts=review_register.review_counts(year),
        kinds=ReviewItem.Kind,
        form=(form or ReviewForm()) if can_add else None,
        import_form=(import_form or ReviewImportForm()) if can_add else None,
        problems=problems,
    )
    return TemplateResponse(request, "complaints/compliance/reviews.html", context, status=status)


def reviews_view(request):
    require(request, DASHBOARD_PERMISSION)
    if request.method != "POST":
        return _page(request)
    require(request, review_register.PERMISSION)
    form = ReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = review_register.review_record(
                actor=request.user,
                reference=data["reference"],
                kind=data["kind"],
                title=data["title"],
                requester=data["requester"],
                reviewer=data["reviewer"],
                reviewed_on=data["reviewed_on"],
                opinions=form.opinions(),
                complaints=review_register.split_list(data["complaints"]),
                root_causes=review_register.split_list(data["root_causes"]),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The review %(reference)s is recorded.") % {"reference": item.reference})
            return redirect(f"{reverse(REVIEWS)}?year={item.reviewed_on.year}")
    return _page(request, form=form, status=400)


@require_POST
def reviews_import_view(request):
    require(request, review_register.PERMISSION)
    form = ReviewImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, import_form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        items = review_register.review_import(
            actor=request.user, data=upload.read(MAX_IMPORT_BYTES + 1), name=safe_display_name(upload.name or "")
        )
    except ImportRefused as refused:
        return _page(request, import_form=form, problems=[str(problem) for problem in refused.problems], status=400)
    messages.success(request, _("%(count)d reviews were imported.") % {"count": len(items)})
    return redirect(REVIEWS)
