from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from .models import Branch, SiteProfile

admin.site.site_header = _("Consumer protection portal")
admin.site.site_title = _("Consumer protection portal")
admin.site.index_title = _("Administration")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only records (event logs, audit trails): looked at, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SiteProfile)
class SiteProfileAdmin(TabbedTranslationAdmin):
    list_display = ("name", "hotline", "email", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "short_name", "hotline", "email", "wechat_account")}),
        (_("Address and hours"), {"fields": ("address", "postcode", "office_hours")}),
        (_("Foreign nationals"), {"fields": ("international_hotline", "english_service_hours")}),
        (_("Complaint channels"), {"fields": ("complaint_channels",)}),
    )

    def has_add_permission(self, request):
        # One row only: editing it is the way to change the profile.
        return super().has_add_permission(request) and not SiteProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Branch)
class BranchAdmin(TabbedTranslationAdmin):
    list_display = ("name", "slug", "province", "parent", "phone", "is_active", "sort_order")
    list_filter = ("province", "is_active")
    list_select_related = ("parent",)
    list_editable = ("is_active", "sort_order")
    search_fields = ("name", "slug", "address")
    prepopulated_fields = {"slug": ("name_en",)}


from . import admin_auth, admin_tasks  # noqa: E402, F401  (auth, sign-in records, task results: translated)
