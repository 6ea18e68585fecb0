"""The rating's records in the admin, read only: the review register (消保审查), the complaint rule versions and
the rating weights. They are written through their staff pages (compliance/staff/views: reviews, rules, rating),
which call the services that check the actor and the second approver."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin import ReadOnlyAdmin

from ..models import RuleVersion
from .models import RatingWeights, ReviewItem, ReviewOpinion


class ReviewOpinionInline(admin.TabularInline):
    model = ReviewOpinion
    fields = ("text", "adopted")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReviewItem)
class ReviewItemAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "title", "requester", "reviewer", "reviewed_on", "opinions_adopted")
    list_filter = ("kind",)
    date_hierarchy = "reviewed_on"
    search_fields = ("reference", "title")
    inlines = [ReviewOpinionInline]
    fields = ("reference", "kind", "title", "requester", "reviewer", "reviewed_on", "complaints", "root_causes")
    readonly_fields = fields

    @admin.display(description=_("opinions adopted"))
    def opinions_adopted(self, obj):
        opinions = list(obj.opinions.all())
        return f"{sum(opinion.adopted for opinion in opinions)}/{len(opinions)}"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("opinions")


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyAdmin):
    list_display = ("effective_from", "title", "base_days", "status", "entered_by", "approved_by", "what_if")
    list_filter = ("status",)

    @admin.display(description=_("details"))
    def what_if(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:complaints_compliance_rule", args=[obj.pk]), _("Open"))


@admin.register(RatingWeights)
class RatingWeightsAdmin(ReadOnlyAdmin):
    list_display = ("entered_at", "__str__", "status", "entered_by", "approved_by", "note")
    list_filter = ("status",)
