from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import DeclaredFiltersOnly, ScopedHistory, staff_urls
from portal.rights import RIGHT_CHOICES
from portal.uploads import safe_display_name, validate_upload

from . import services
from .models import LANGUAGE_SUFFIXES, Audience, Category, Notice, NoticeAttachment, Status
from .staff import urls

TAG_FIELDS = {"rights": RIGHT_CHOICES, "audiences": Audience.choices}


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


class AttachmentForm(forms.ModelForm):
    """A new attachment is uploaded here and checked by its content; existing ones are only listed."""

    upload = forms.FileField(label=_("file"), required=False, help_text=_("PDF, JPEG or PNG, at most 10 MB."))

    class Meta:
        model = NoticeAttachment
        fields = ("language", "sort_order")

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            validate_upload(upload, allowed=services.ATTACHMENT_KINDS, max_bytes=services.ATTACHMENT_MAX_BYTES)
        elif not self.instance.pk and self.has_changed():
            raise ValidationError(_("Choose a file to upload."), code="required")
        return upload


class AttachmentInline(admin.TabularInline):
    model = NoticeAttachment
    form = AttachmentForm
    extra = 1
    fields = ("upload", "file_link", "language", "mime", "size_display", "sort_order")
    readonly_fields = ("file_link", "mime", "size_display")

    @admin.display(description=_("file name"))
    def file_link(self, obj):
        if not obj or not obj.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.name)

    @admin.display(description=_("size"))
    def size_display(self, obj):
        return filesizeformat(obj.size) if obj and obj.pk else "—"


class NoticeAdminForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = (
            "category",
            "title",
            "slug",
            "summary",
            "body",
            "publish_at",
            "pinned",
            "rights",
            "audiences",
            "disclosure_year",
        )

    def clean(self):
        cleaned = super().clean()
        # The same rules the services enforce, reported on the form next to the fields.
        category = cleaned.get("category") or self.instance.category
        if category == Category.DISCLOSURES and not cleaned.get("disclosure_year"):
            self.add_error("disclosure_year", _("A disclosure needs the year it reports on."))
        if self.instance.pk and self.instance.status == Status.PUBLISHED:
            probe = Notice(category=category, status=Status.PUBLISHED)
            for name in ("title", "summary", "body"):
                for suffix in LANGUAGE_SUFFIXES.values():
                    field = f"{name}_{suffix}"
                    setattr(probe, field, cleaned.get(field, getattr(self.instance, field)))
            try:
                services.check_both_languages(probe)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class TagFilter(admin.SimpleListFilter):
    field = ""
    tag_choices: list = []

    def lookups(self, request, model_admin):
        return self.tag_choices

    def queryset(self, request, queryset):
        value = self.value()
        if value in dict(self.tag_choices):
            return queryset.with_right(value) if self.field == "rights" else queryset.with_audience(value)
        return queryset


class RightFilter(TagFilter):
    title = _("consumer right")
    parameter_name = "right"
    field = "rights"
    tag_choices = RIGHT_CHOICES


class AudienceFilter(TagFilter):
    title = _("audience")
    parameter_name = "audience"
    field = "audiences"
    tag_choices = Audience.choices


def _complete_q(suffix: str) -> Q:
    condition = Q()
    for name in ("title", "summary", "body"):
        condition &= ~Q(**{f"{name}_{suffix}": ""}) & Q(**{f"{name}_{suffix}__isnull": False})
    return condition


class CompletenessFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "complete"

    def lookups(self, request, model_admin):
        return [
            ("both", _("Complete in both languages")),
            ("en-missing", _("English incomplete")),
            ("zh-missing", _("Chinese incomplete")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "both":
            return queryset.filter(_complete_q("zh_hans") & _complete_q("en"))
        if self.value() == "en-missing":
            return queryset.exclude(_complete_q("en"))
        if self.value() == "zh-missing":
            return queryset.exclude(_complete_q("zh_hans"))
        return queryset


@admin.register(Notice)
class NoticeAdmin(ScopedHistory, DeclaredFiltersOnly, SimpleHistoryAdmin, TabbedTranslationAdmin):
    form = NoticeAdminForm
    change_form_template = "admin/notices/notice/change_form.html"
    inlines = [AttachmentInline]
    list_display = ("title", "category", "status_badge", "completeness", "publish_at", "pinned")
    list_filter = ("category", "status", RightFilter, AudienceFilter, CompletenessFilter, "pinned")
    search_fields = ("title_zh_hans", "title_en", "summary_zh_hans", "summary_en", "slug")
    list_select_related = ()
    date_hierarchy = "publish_at"
    list_per_page = 50
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = ("status_badge", "author", "created_at", "updated_at", "preview_links")
    fieldsets = (
        (None, {"fields": ("category", "title", "slug", "summary", "body")}),
        (_("Publication"), {"fields": ("status_badge", "publish_at", "pinned", "preview_links")}),
        (_("Tags"), {"fields": ("rights", "audiences", "disclosure_year")}),
        (_("Record"), {"fields": ("author", "created_at", "updated_at")}),
    )
    actions = ["publish_selected", "unpublish_selected", "archive_selected"]

    @property
    def media(self):
        base = super().media
        return base + forms.Media(css={"all": ["notices/admin/notices.css"]})

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in TAG_FIELDS:
            return forms.MultipleChoiceField(
                label=capfirst(db_field.verbose_name),
                choices=TAG_FIELDS[db_field.name],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # List columns

    @admin.display(description=_("status"))
    def status_badge(self, obj):
        if not obj or not obj.pk:
            return Status.DRAFT.label
        if obj.is_scheduled():
            return format_html(
                '<span class="notice-status notice-status-scheduled">{}</span>', pgettext_lazy("notice", "Scheduled")
            )
        return format_html(
            '<span class="notice-status notice-status-{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description=_("languages"))
    def completeness(self, obj):
        return format_html_join(
            " ",
            '<span class="notice-lang {}" title="{}">{} {}</span>',
            (
                (
                    "notice-lang-ok" if obj.is_complete(language) else "notice-lang-missing",
                    _("title, summary and body complete") if obj.is_complete(language) else _("incomplete"),
                    label,
                    "✓" if obj.is_complete(language) else "✗",
                )
                for language, label in (("zh-hans", "中文"), ("en", "EN"))
            ),
        )

    @admin.display(description=_("preview"))
    def preview_links(self, obj):
        if not obj or not obj.pk:
            return _("Save the notice to preview it.")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">中文</a> · '
            '<a href="{}" target="_blank" rel="noopener">English</a>',
            _preview_url(obj, "zh-hans"),
            _preview_url(obj, "en"),
        )

    # Saving goes through the services

    def _form_values(self, form) -> dict:
        return {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS if name in form.cleaned_data}

    def save_model(self, request, obj, form, change):
        values = self._form_values(form)
        try:
            if change:
                saved = services.notice_update(notice=obj, actor=request.user, **values)
            else:
                saved = services.notice_create(actor=request.user, **values)
        except ValidationError as error:
            # The form checks the same rules first; this only happens in a race with another editor.
            raise PermissionDenied(_messages_of(error)) from error
        obj.pk = saved.pk
        obj.refresh_from_db()
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        if formset.model is not NoticeAttachment:
            return super().save_formset(request, form, formset, change)
        for attachment_form in formset.forms:
            if not attachment_form.has_changed() and attachment_form.instance.pk is None:
                continue
            data = attachment_form.cleaned_data
            instance = attachment_form.instance
            if data.get("DELETE") and instance.pk:
                services.notice_attachment_remove(attachment=instance, actor=request.user)
            elif instance.pk is None and data.get("upload"):
                services.notice_attachment_add(
                    notice=form.instance,
                    actor=request.user,
                    upload=data["upload"],
                    name=safe_display_name(data["upload"].name),
                    sort_order=data.get("sort_order") or 0,
                    language=data.get("language") or "",
                )
            elif instance.pk and {"sort_order", "language"} & set(attachment_form.changed_data):
                services.notice_attachment_update(
                    attachment=instance,
                    actor=request.user,
                    sort_order=data["sort_order"],
                    language=data.get("language") or "",
                )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def response_add(self, request, obj, post_url_continue=None):
        if "_publish" in request.POST:
            return self._publish_and_redirect(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_publish" in request.POST:
            return self._publish_and_redirect(request, obj)
        return super().response_change(request, obj)

    def _publish_and_redirect(self, request, obj):
        change_url = reverse("admin:notices_notice_change", args=[obj.pk])
        try:
            notice = services.notice_publish(notice=obj, actor=request.user)
        except ValidationError as error:
            self.message_user(request, _messages_of(error), messages.ERROR)
            return HttpResponseRedirect(change_url)
        self.message_user(request, _published_message(notice), messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj and obj.pk:
            fields.append("category")
        return fields

    # Workflow actions on the list

    def _run(self, request, queryset, action, done_message):
        done, refused = 0, []
        for notice in queryset:
            try:
                action(notice=notice, actor=request.user)
                done += 1
            except ValidationError as error:
                refused.append(_messages_of(error))
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description=_("Publish the selected notices"), permissions=["change"])
    def publish_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            services.notice_publish,
            lambda n: ngettext("%(count)d notice published.", "%(count)d notices published.", n) % {"count": n},
        )

    @admin.action(description=_("Unpublish the selected notices (back to draft)"), permissions=["change"])
    def unpublish_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            services.notice_unpublish,
            lambda n: ngettext("%(count)d notice unpublished.", "%(count)d notices unpublished.", n) % {"count": n},
        )

    @admin.action(description=_("Archive the selected notices"), permissions=["change"])
    def archive_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            services.notice_archive,
            lambda n: ngettext("%(count)d notice archived.", "%(count)d notices archived.", n) % {"count": n},
        )

    # History is a record: it can be read, never reverted from the admin.

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_urls(self):
        return [*staff_urls(self.admin_site, urls.urlpatterns), *super().get_urls()]


def _published_message(notice: Notice) -> str:
    if notice.is_scheduled():
        return str(_("“%(title)s” is scheduled and becomes public on %(when)s.")) % {
            "title": notice.title,
            "when": timezone.localtime(notice.publish_at).strftime("%Y-%m-%d %H:%M"),
        }
    return str(_("“%(title)s” is published.")) % {"title": notice.title}


def _preview_url(notice: Notice, language: str) -> str:
    with translation.override(language):
        return reverse("admin:notices_notice_preview", args=[notice.pk])
