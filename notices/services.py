"""Every change to a notice goes through these functions: the admin, the demo loader and other apps
(complaints' draft disclosure) call them. Each records who made the change in the edit history; the attachment
services also check that the actor may keep attachments."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.actors import is_system_actor
from portal.rights import RIGHT_CHOICES
from portal.uploads import JPEG, PDF, PNG, random_storage_name, safe_display_name, validate_upload

from .models import (
    BOTH_LANGUAGES_REQUIRED,
    LANGUAGE_SUFFIXES,
    Audience,
    Category,
    Notice,
    NoticeAttachment,
    Status,
)

ATTACHMENT_KINDS = (PDF, JPEG, PNG)
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

# The workflow: which status each action may start from.
TRANSITIONS = {
    "publish": {Status.DRAFT, Status.ARCHIVED},
    "unpublish": {Status.PUBLISHED},
    "archive": {Status.DRAFT, Status.PUBLISHED},
}

EDITABLE_FIELDS = (
    "title_zh_hans", "title_en", "summary_zh_hans", "summary_en", "body_zh_hans", "body_en",
    "publish_at", "pinned", "rights", "audiences", "disclosure_year", "slug", "category",
)  # fmt: skip


# /notices/<category>/feed/ is the category's feed, so no notice may take that address.
RESERVED_SLUGS = frozenset({"feed"})


def _unique_slug(category: str, wanted: str, exclude_pk=None) -> str:
    base = (slugify(wanted) or "notice")[:70].strip("-") or "notice"
    candidate, number = base, 2
    others = Notice.objects.filter(category=category)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    while candidate in RESERVED_SLUGS or others.filter(slug=candidate).exists():
        candidate = f"{base}-{number}"
        number += 1
    return candidate


# The reason each service gives a version (kept as a code; the history page shows its label).
CHANGE_REASONS = {
    "created": pgettext_lazy("version", "Created"),
    "edited": pgettext_lazy("version", "Edited"),
    "published": pgettext_lazy("version", "Published"),
    "unpublished": pgettext_lazy("version", "Unpublished"),
    "archived": pgettext_lazy("version", "Archived"),
}


def _save(notice: Notice, actor, reason: str) -> Notice:
    # Notice.save() stores the sanitized HTML of each language's body (sanitized again when shown).
    notice.full_clean()
    notice._history_user = actor
    notice._change_reason = reason
    notice.save()
    return notice


def _check_tags(rights, audiences) -> None:
    unknown = sorted(set(rights) - {code for code, _label in RIGHT_CHOICES}) + sorted(
        set(audiences) - set(Audience.values)
    )
    if unknown:
        raise ValidationError(_("Unknown tags: %(tags)s."), params={"tags": ", ".join(unknown)}, code="bad_tag")


def _check_disclosure_year(category: str, year) -> None:
    if category == Category.DISCLOSURES and not year:
        raise ValidationError(
            {"disclosure_year": _("A disclosure needs the year it reports on.")}, code="year_required"
        )


@transaction.atomic
def notice_create(
    *,
    actor,
    category: str,
    title_zh_hans: str,
    title_en: str = "",
    summary_zh_hans: str = "",
    summary_en: str = "",
    body_zh_hans: str = "",
    body_en: str = "",
    slug: str = "",
    publish_at: datetime.datetime | None = None,
    pinned: bool = False,
    rights: list[str] | tuple = (),
    audiences: list[str] | tuple = (),
    disclosure_year: int | None = None,
) -> Notice:
    """A new notice starts as a draft: nothing reaches the public until `notice_publish`. The slug is
    ASCII and unique within the category (made from the English title when not given)."""
    _check_tags(rights, audiences)
    _check_disclosure_year(category, disclosure_year)
    notice = Notice(
        category=category,
        slug=_unique_slug(category, slug or title_en or ""),
        title_zh_hans=title_zh_hans,
        title_en=title_en,
        summary_zh_hans=summary_zh_hans,
        summary_en=summary_en,
        body_zh_hans=body_zh_hans,
        body_en=body_en,
        status=Status.DRAFT,
        publish_at=publish_at,
        pinned=pinned,
        rights=list(dict.fromkeys(rights)),
        audiences=list(dict.fromkeys(audiences)),
        disclosure_year=disclosure_year if category == Category.DISCLOSURES else None,
        author=actor,
    )
    return _save(notice, actor, "created")


@transaction.atomic
def notice_update(*, notice: Notice, actor, **changes) -> Notice:
    """Edit a notice's content or schedule. Status never changes here: that is what publish, unpublish
    and archive are for. A published notice in a category that needs both languages must stay complete."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"notice_update got unexpected fields: {sorted(unknown)}")
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    for name, value in changes.items():
        if name in ("rights", "audiences"):
            value = list(dict.fromkeys(value or ()))
        setattr(notice, name, value)
    _check_tags(notice.rights, notice.audiences)
    _check_disclosure_year(notice.category, notice.disclosure_year)
    if notice.category != Category.DISCLOSURES:
        notice.disclosure_year = None
    if "slug" in changes or "category" in changes:
        notice.slug = _unique_slug(notice.category, notice.slug or notice.title_en or "", exclude_pk=notice.pk)
    if notice.status == Status.PUBLISHED:
        check_both_languages(notice)
    return _save(notice, actor, "edited")


def missing_translations(notice: Notice) -> list[str]:
    """Which languages lack a title, summary or body."""
    return [language for language in LANGUAGE_SUFFIXES if not notice.is_complete(language)]


def check_both_languages(notice: Notice) -> None:
    if notice.category in BOTH_LANGUAGES_REQUIRED and missing_translations(notice):
        raise ValidationError(
            _(
                "“%(title)s” cannot be published yet: %(category)s must have a title, summary and body in both "
                "Chinese and English, and the %(languages)s text is incomplete."
            ),
            code="incomplete_translation",
            params={
                "title": notice.title_zh_hans or notice.title_en,
                "category": Category(notice.category).label,
                "languages": " / ".join(
                    str(_("Chinese") if language == "zh-hans" else _("English"))
                    for language in missing_translations(notice)
                ),
            },
        )


def _transition(notice: Notice, action: str) -> Notice:
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status not in TRANSITIONS[action]:
        raise ValidationError(
            _("“%(title)s” is %(status)s and cannot be changed that way."),
            code="bad_transition",
            params={"title": notice.title, "status": Status(notice.status).label.lower()},
        )
    return notice


@transaction.atomic
def notice_publish(*, notice: Notice, actor, publish_at: datetime.datetime | None = None) -> Notice:
    """Make a notice public at `publish_at` (or at its scheduled time, or now). A time in the future
    schedules it: it appears by itself then. Fraud warnings and guides for foreign nationals are refused
    until both languages are complete, because a half-translated one could mislead."""
    notice = _transition(notice, "publish")
    check_both_languages(notice)
    notice.status = Status.PUBLISHED
    notice.publish_at = publish_at or notice.publish_at or timezone.now()
    return _save(notice, actor, "published")


@transaction.atomic
def notice_unpublish(*, notice: Notice, actor) -> Notice:
    """Take a published (or scheduled) notice back to draft; it leaves every public page at once."""
    notice = _transition(notice, "unpublish")
    notice.status = Status.DRAFT
    return _save(notice, actor, "unpublished")


@transaction.atomic
def notice_archive(*, notice: Notice, actor) -> Notice:
    """Withdraw a notice for good (kept, with its history, but no longer public)."""
    notice = _transition(notice, "archive")
    notice.status = Status.ARCHIVED
    return _save(notice, actor, "archived")


def _check_attachment_actor(actor, action: str) -> None:
    """Attachments are kept by whoever may `action` ("add", "change", "delete") them (content editors) and by the
    system's account (portal.actors: the demo loader); no actor (None) is the system too, for callers in code."""
    if actor is not None and not is_system_actor(actor) and not actor.has_perm(f"notices.{action}_noticeattachment"):
        raise PermissionDenied


def _check_attachment_language(language: str) -> None:
    if language not in {code for code, _label in NoticeAttachment._meta.get_field("language").choices}:
        raise ValidationError(_("Choose the language of the document."), code="invalid")


def _attachment_changed(notice: Notice) -> None:
    # The notice's own "updated" time moves with its attachments (the sitemap, the feeds and its revision date
    # read it).
    Notice.objects.filter(pk=notice.pk).update(updated_at=timezone.now())


@transaction.atomic
def notice_attachment_add(
    *,
    notice: Notice,
    actor,
    upload: UploadedFile,
    name: str = "",
    sort_order: int | None = None,
    language: str = "",
) -> NoticeAttachment:
    """Attach a PDF or image, judged by its content (not its name) and at most 10 MB. It is stored under
    a random name and served through a view that checks the notice may be read. `language` ("zh-hans",
    "en" or "" for both) says on which language's page it is offered."""
    _check_attachment_actor(actor, "add")
    _check_attachment_language(language)
    kind = validate_upload(upload, allowed=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)
    display = safe_display_name(name or upload.name or "")
    # The name shown and offered on download ends with what the file really is.
    extension = display.rpartition(".")[2].lower() if "." in display else ""
    if extension not in ({kind.extension, "jpeg"} if kind == JPEG else {kind.extension}):
        display = f"{display}.{kind.extension}"
    if sort_order is None:
        sort_order = notice.attachments.count()
    attachment = NoticeAttachment(
        notice=notice, name=display, mime=kind.mime, size=upload.size, sort_order=sort_order, language=language
    )
    upload.seek(0)
    attachment.file.save(random_storage_name("notices", kind), upload, save=False)
    attachment._history_user = actor
    attachment.save()
    _attachment_changed(notice)
    return attachment


@transaction.atomic
def notice_attachment_update(
    *, attachment: NoticeAttachment, actor, sort_order: int, language: str
) -> NoticeAttachment:
    """Change where an attachment is listed (`sort_order`) and on which language's page it is offered
    (`language`: "zh-hans", "en" or "" for both); the file itself is replaced by removing and adding."""
    _check_attachment_actor(actor, "change")
    _check_attachment_language(language)
    attachment = NoticeAttachment.objects.select_for_update().get(pk=attachment.pk)
    attachment.sort_order, attachment.language = sort_order, language
    attachment._history_user = actor
    attachment.save(update_fields=["sort_order", "language"])
    _attachment_changed(attachment.notice)
    return attachment


@transaction.atomic
def notice_attachment_remove(*, attachment: NoticeAttachment, actor) -> None:
    """Remove an attachment and its stored file (after the transaction commits, so a rollback keeps it)."""
    _check_attachment_actor(actor, "delete")
    storage, path = attachment.file.storage, attachment.file.name
    attachment._history_user = actor
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(path))
