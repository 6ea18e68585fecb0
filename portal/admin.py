import logging

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.views.main import ChangeList
from django.http import Http404, HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Branch, Holiday, PersonalDataSeen, SiteProfile

logger = logging.getLogger("portal.admin")

admin.site.site_header = _("Consumer protection portal")
admin.site.site_title = _("Consumer protection portal")
admin.site.index_title = _("Administration")


def staff_urls(admin_site, patterns) -> list:
    """A staff package's URL list (plain views) mounted in a ModelAdmin's get_urls: each view behind the admin
    site's admin_view (signed-in staff, never cached), with its path and name unchanged."""
    wrap = admin_site.admin_view
    return [path(str(pattern.pattern), wrap(pattern.callback), name=pattern.name) for pattern in patterns]


def staff_context(request, title, *, crumbs=(), **extra) -> dict:
    """The context of a custom staff page (templates/admin/staff_page.html): the admin site's own, the page's
    title, and its breadcrumbs between Home and the page as (url, label) pairs."""
    return {**admin.site.each_context(request), "title": title, "crumbs": list(crumbs), **extra}


def model_crumbs(opts) -> list[tuple[str, str]]:
    """The breadcrumbs of a model's pages: its app, then its list."""
    return [
        app_crumb(opts),
        (reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), capfirst(opts.verbose_name_plural)),
    ]


def app_crumb(opts) -> tuple[str, str]:
    return reverse("admin:app_list", kwargs={"app_label": opts.app_label}), opts.app_config.verbose_name


class DeclaredFiltersChangeList(ChangeList):
    """A changelist that answers only the query parameters its declared list filters and date hierarchy read.

    Django lets any lookup on a model's own fields through the URL (`?phone__startswith=138`): with masked
    columns, a handful of such requests recover a full phone or ID number. Here every filter spec first takes the
    parameters it understands; whatever is left was not declared and the request is refused (400), with a log
    line that names the parameter, never its value.
    """

    def get_filters(self, request):
        params = self.get_filters_params()
        hierarchy = set()
        if self.date_hierarchy and f"{self.date_hierarchy}__year" in params:
            hierarchy = {f"{self.date_hierarchy}__gte", f"{self.date_hierarchy}__lt"}
        specs, has_filters, remaining, duplicates, active = super().get_filters(request)
        extra = set(getattr(self.model_admin, "extra_filter_parameters", ())) | self._declared_field_paths()
        undeclared = sorted(set(remaining) - hierarchy - extra)
        if undeclared:
            log_refused_lookup(request, self.model, undeclared)
            raise DisallowedModelAdminLookup(f"Filtering by {', '.join(undeclared)} not allowed")
        return specs, has_filters, remaining, duplicates, active

    def _declared_field_paths(self) -> set[str]:
        """A filtered field's own name (`?status=new`) is the same equality its filter's `status__exact` is."""
        paths = set()
        for list_filter in self.list_filter:
            field = list_filter[0] if isinstance(list_filter, (tuple, list)) else list_filter
            if isinstance(field, str):
                paths.add(field)
        return paths


def log_refused_lookup(request, model, keys) -> None:
    """One log line per refused changelist URL: the model, the parameter names and the user's id, never a value
    (the value is what the request was probing for)."""
    opts = model._meta
    logger.warning(
        "admin changelist filter refused: %s.%s %s (user %s)",
        opts.app_label,
        opts.model_name,
        ",".join(keys),
        getattr(request.user, "pk", None),
    )


class DeclaredFiltersOnly:
    """Mixin for every model admin: only the declared list filters (and date hierarchy) filter its list, and the
    parameters named in `extra_filter_parameters` (exact names, for links the project itself builds)."""

    extra_filter_parameters: tuple[str, ...] = ()

    def get_changelist(self, request, **kwargs):
        return DeclaredFiltersChangeList

    def lookup_allowed(self, lookup, value, request):
        # Django refuses some lookups across relations itself, before the filters run: logged the same way.
        allowed = super().lookup_allowed(lookup, value, request)
        if not allowed:
            log_refused_lookup(request, self.model, [lookup])
        return allowed


class ScopedHistory:
    """History pages (Django's and django-simple-history's) of a record the change page would not show are a
    404; simple-history's version pages show a version, they never revert one (a revert would bypass the
    services and the scoping of the change form)."""

    def _in_scope(self, request, object_id):
        from django.contrib.admin.utils import unquote

        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope(request, object_id)
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        # The changes in words: labels not codes, Beijing time to the minute, people by name.
        from .versions import WordsHelper

        return WordsHelper(self.model, historical_record)


class ReadOnlyAdmin(DeclaredFiltersOnly, admin.ModelAdmin):
    """Append-only records (event logs, audit trails): looked at, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SiteProfile)
class SiteProfileAdmin(ScopedHistory, DeclaredFiltersOnly, SimpleHistoryAdmin, TabbedTranslationAdmin):
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
class BranchAdmin(ScopedHistory, DeclaredFiltersOnly, SimpleHistoryAdmin, TabbedTranslationAdmin):
    list_display = ("name", "slug", "province", "parent", "phone", "is_active", "sort_order")
    list_filter = ("province", "is_active")
    list_select_related = ("parent",)
    list_editable = ("is_active", "sort_order")
    search_fields = ("name", "slug", "address")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Holiday)
class HolidayAdmin(ScopedHistory, DeclaredFiltersOnly, SimpleHistoryAdmin):
    """The working-day calendar: public holidays and the weekend days made working days in exchange."""

    list_display = ("date", "name", "kind")
    list_filter = ("kind", ("date", admin.DateFieldListFilter))
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(PersonalDataSeen)
class PersonalDataSeenAdmin(ReadOnlyAdmin):
    """The log of personal data seen in full, for every kind of record (complaints, bookings)."""

    list_display = ("at", "user", "content_type", "label", "where", "fields_seen")
    list_select_related = ("user", "content_type")
    search_fields = ("label", "user__username")
    fields = ("at", "user", "content_type", "label", "where", "fields_seen")
    readonly_fields = fields

    @admin.display(description=_("fields"))
    def fields_seen(self, obj):
        return "、".join(obj.fields_in_words())


from . import admin_auth, admin_tasks  # noqa: E402, F401  (auth, sign-in records, task results: translated)


def _declared_filters_only_for_registered():
    """The admins registered before this module (Django's users and groups, django-axes, the task results) get the
    same rule as the project's own: they are registered again as subclasses with the mixin."""
    for model, model_admin in list(admin.site._registry.items()):
        cls = type(model_admin)
        if isinstance(model_admin, DeclaredFiltersOnly):
            continue
        hardened = type(cls.__name__, (DeclaredFiltersOnly, cls), {"__module__": cls.__module__})
        admin.site.unregister(model)
        admin.site.register(model, hardened)


_declared_filters_only_for_registered()
