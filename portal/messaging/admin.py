"""The outbox in the admin (read-only: what was sent, to whom masked, when, or why not — failed, given up, or held
at a recipient's daily limit, with the reason) and each staff member's inbox of alerts (their own only; opening one
marks it read and goes to its case)."""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import get_object_or_404, redirect
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.admin import ReadOnlyAdmin

from .alerts import alerts_mark_read
from .models import Message, StaffAlert


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "reference",
        "template",
        "channel",
        "masked_recipient",
        "status",
        "held_reason",
        "attempts",
        "sent_at",
    )
    list_filter = ("status", "held_reason", "channel", "template")
    search_fields = ("reference",)
    date_hierarchy = "created_at"
    fields = (
        "reference",
        "template",
        "channel",
        "masked_recipient",
        "language",
        "subject",
        "text",
        "status",
        "held_reason",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "provider_id",
        "last_error",
        "key",
    )
    readonly_fields = fields

    @admin.display(description=_("recipient"))
    def masked_recipient(self, obj):
        return obj.masked_recipient


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("no", _("Unread")), ("yes", _("Read"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        return queryset


@admin.register(StaffAlert)
class StaffAlertAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "alert", "reference", "is_read")
    list_display_links = ("alert",)
    list_filter = (ReadFilter,)
    search_fields = ("reference",)
    actions = ("mark_read", "mark_unread")

    @admin.display(description=_("alert"))
    def alert(self, obj):
        return obj.title

    @admin.display(description=_("read"), boolean=True)
    def is_read(self, obj):
        return obj.read_at is not None

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user=request.user)

    # Every member of staff has an inbox; each sees only their own.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (obj is None or obj.user_id == request.user.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        alert = get_object_or_404(self.get_queryset(request), pk=object_id if str(object_id).isdigit() else 0)
        alerts_mark_read(user=request.user, alerts=[alert])
        if not alert.url:
            return redirect("admin:portal_staffalert_changelist")
        # The stored path has no language prefix: it resolves in the default language and is rebuilt in the
        # reader's.
        language = get_language()
        with translation.override(settings.LANGUAGE_CODE):
            return redirect(translate_url(alert.url, language))

    @admin.action(description=_("Mark as read"))
    def mark_read(self, request, queryset):
        alerts_mark_read(user=request.user, alerts=queryset)

    @admin.action(description=_("Mark as unread"))
    def mark_unread(self, request, queryset):
        alerts_mark_read(user=request.user, alerts=queryset, read=False)
