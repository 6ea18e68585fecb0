"""Notices the insurer publishes: disclosures, fraud warnings, guides, cases, campaigns, announcements.

Title, summary and body are translated (notices/translation.py). The body is Markdown written by editors; the
HTML made from it is sanitized when it is saved (stored in `body_html`) and again when a page shows it.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal.rights import RIGHT_CHOICES
from portal.uploads import KINDS

from .markup import render_markdown, sanitize_html
from .search import terms


class Category(models.TextChoices):
    DISCLOSURES = "disclosures", _("Disclosures")
    FRAUD_WARNINGS = "fraud-warnings", _("Fraud warnings")
    FOREIGNER_GUIDES = "foreigner-guides", _("Guides for foreign nationals")
    CASES = "cases", _("Typical cases")
    CAMPAIGNS = "campaigns", _("Campaigns")
    ANNOUNCEMENTS = "announcements", _("Announcements")


CATEGORY_DESCRIPTIONS = {
    Category.DISCLOSURES: _("Our yearly consumer-protection disclosure: reviews, training, complaints and more."),
    Category.FRAUD_WARNINGS: _("What insurance fraud looks like, what it leads to, and where to report it."),
    Category.FOREIGNER_GUIDES: _("How foreign nationals in China buy insurance and make a claim."),
    Category.CASES: _("Real situations explained, with what they teach about your rights."),
    Category.CAMPAIGNS: _("Financial-education campaigns and events."),
    Category.ANNOUNCEMENTS: _("News and notices for our customers."),
}

# A half-translated notice in these categories could mislead a reader acting on it (reporting fraud,
# claiming from abroad), so they are published only when both languages are complete.
BOTH_LANGUAGES_REQUIRED = frozenset({Category.FRAUD_WARNINGS, Category.FOREIGNER_GUIDES})

TRANSLATED_FIELDS = ("title", "summary", "body")
LANGUAGE_SUFFIXES = {"zh-hans": "zh_hans", "en": "en"}


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Audience(models.TextChoices):
    ELDERLY = "elderly", _("Elderly people")
    YOUTH = "youth", _("Young people")
    NEW_CITIZENS = "new-citizens", _("New citizens")
    DISABILITIES = "disabilities", _("People with disabilities")
    PREGNANT = "pregnant", _("Pregnant women")
    FOREIGNERS = "foreigners", _("Foreign nationals")


RIGHT_LABELS = dict(RIGHT_CHOICES)


class NoticeQuerySet(models.QuerySet):
    def published(self, now=None):
        """What the public may see at `now`: published, and its publication time has come. A notice
        scheduled for later appears by itself when its time arrives, with no job to run."""
        now = now or timezone.now()
        return self.filter(status=Status.PUBLISHED, publish_at__isnull=False, publish_at__lte=now)

    def next_publication(self, now) -> datetime | None:
        """When the next notice scheduled after `now` becomes public, or None: every cold page asks (the page
        cache's horizon), so it is plain SQL on the index of public notices (the ORM's query building costs
        ten times the query)."""
        table, connection = self.model._meta.db_table, connections[self.db]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MIN(publish_at) FROM {table} WHERE status = %s AND publish_at > %s",  # noqa: S608
                [Status.PUBLISHED.value, connection.ops.adapt_datetimefield_value(now)],
            )
            first = cursor.fetchone()[0]
        if isinstance(first, str):  # SQLite (`make run`) gives the text it stores: UTC without an offset
            first = datetime.fromisoformat(first).replace(tzinfo=UTC)
        return first

    def in_category(self, category: str):
        return self.filter(category=category)

    def listed(self):
        """Pinned first, then newest first."""
        return self.order_by("-pinned", "-publish_at", "-id")

    def without_bodies(self):
        """Lists show titles and summaries; the bodies (the bulk of each row) stay in the database."""
        return self.defer("body", "body_html", "body_zh_hans", "body_en", "body_html_zh_hans", "body_html_en")

    def with_right(self, code: str):
        return self._with_tag("rights", code)

    def with_audience(self, code: str):
        return self._with_tag("audiences", code)

    def _with_tag(self, field: str, code: str):
        # PostgreSQL answers `@>` from a GIN index (migration 0002); SQLite keeps JSON as text, where the
        # quoted code is an exact token ("information" never matches "information-security").
        if self._on_postgresql():
            return self.filter(**{f"{field}__contains": [code]})
        return self.filter(**{f"{field}__icontains": f'"{code}"'})

    def search(self, text: str, language: str):
        """Substring search over title, summary and body in one language: finds Chinese words inside
        running text (no word breaks in Chinese) and English words alike. Every term must match; a term
        matches through any of its synonyms (notices/search.py). On PostgreSQL the bigram index of migration
        0006 answers it (`_indexed_search`), with exactly the same results as the plain `icontains` here."""
        suffix, groups = _search_terms(text, language)
        if self._on_postgresql():
            return _indexed_search(self, suffix, groups)
        return _plain_search(self, suffix, groups)

    def search_in_steps(self, text: str, language: str):
        """The same search as `search` in two parts, for a list that wants only its first matches in its own
        order: (the notices the index finds, the check each must pass as SQL on a notice's own columns and
        its parameters). None where `search` is one step already: on another database, or when the index
        decides alone (every variant a pair of characters) or cannot help (a 1-character variant)."""
        suffix, groups = _search_terms(text, language)
        if not self._on_postgresql():
            return None
        parts = _search_sql(self, suffix, groups)
        if parts is None or not parts[2]:
            return None
        pairs, pair_params, checks, check_params = parts
        return self.filter(pk__in=RawSQL(_candidates(pairs), pair_params)), checks, check_params  # noqa: S611

    def _on_postgresql(self) -> bool:
        return bool(self.db) and _vendor(self.db) == "postgresql"


def _search_terms(text: str, language: str) -> tuple[str, list[list[str]]]:
    """The language's column suffix and the query's terms with their variants (the whole text when it has none)."""
    return LANGUAGE_SUFFIXES.get(language, "zh_hans"), terms(text, language) or [[text]]


def _contains(suffix: str, word: str) -> Q:
    """The definition of a match: `word` inside the title, the summary or the body, in any case."""
    condition = Q()
    for name in TRANSLATED_FIELDS:
        condition |= Q(**{f"{name}_{suffix}__icontains": word})
    return condition


# The text of one language whose character pairs migration 0006 stores (its `document()`): the fields joined by
# single spaces, so a word without a space is in the text exactly when it is in one of the fields.
_DOCUMENT = "COALESCE(\"title_{0}\", '') || ' ' || COALESCE(\"summary_{0}\", '') || ' ' || COALESCE(\"body_{0}\", '')"


def _indexed_search(queryset, suffix: str, groups: list[list[str]]):
    """The search on PostgreSQL: the same matches as `_contains`, found through the GIN index of migration 0006.

    The index gives the notices holding every pair of characters of some variant of each term (OR over a
    term's variants, AND over the terms); then each variant must be in the text itself. A 2-character
    variant without a space is its own pair, so a term made of those only is decided by the index alone
    (欺诈 and its synonyms); another variant is checked once in the joined text (one UPPER per row, not one per
    field) or, with a space in it, field by field as `icontains` does. A term with a 1-character variant has
    no pair for it: it is only checked. The checks run on the index's candidates only: the subquery is fenced
    (OFFSET 0) so that the planner, which cannot estimate LIKE on a text, never runs them over every notice
    nor compares the stored arrays row by row (tens of microseconds a row, against one index look-up).
    The bigram columns are PostgreSQL's own (GENERATED ... STORED), so the model does not declare them;
    notice_bigrams(word) is IMMUTABLE, folded by the planner into the constant the index is asked with."""
    parts = _search_sql(queryset, suffix, groups)
    if parts is None:
        return _plain_search(queryset, suffix, groups)
    pairs, pair_params, checks, check_params = parts
    # Only fixed SQL and the language suffix (from LANGUAGE_SUFFIXES) are put into the text; every word and
    # pattern is a parameter.
    candidates = f"SELECT * FROM notices_notice WHERE {pairs} OFFSET 0"  # noqa: S608 - see above
    sql = f"SELECT id FROM ({candidates}) AS candidates"  # noqa: S608 - see above
    if checks:
        sql += " WHERE " + checks
    return queryset.filter(pk__in=RawSQL(sql, (*pair_params, *check_params)))  # noqa: S611 - see above


def _candidates(pairs: str) -> str:
    # Fenced (OFFSET 0): found once through the index, never pair by pair on each row a list walks through
    # (reading a row's stored pairs costs tens of microseconds).
    return f"SELECT id FROM notices_notice WHERE {pairs} OFFSET 0"  # noqa: S608 - fixed SQL, words are parameters


def _search_sql(queryset, suffix: str, groups: list[list[str]]):
    """(the index's condition, its parameters, the checks on a notice's own columns or "", their parameters)
    of `_indexed_search`, or None when no term can use the index."""
    indexed = [variants for variants in groups if all(len(variant) >= 2 for variant in variants)]
    if not indexed:
        return None
    pairs = " AND ".join(
        "(" + " OR ".join(f"search_bigrams_{suffix} @> notice_bigrams(%s)" for _ in variants) + ")"
        for variants in indexed
    )
    pair_params = [variant for variants in indexed for variant in variants]
    checks, check_params = [], []
    for variants in groups:
        if all(len(variant) == 2 and not _spaced(variant) for variant in variants):
            continue
        arms, unspaced = [], []
        for variant in variants:
            pattern = f"%{connections[queryset.db].ops.prep_for_like_query(variant)}%"
            if _spaced(variant):
                fields = [f'UPPER("{name}_{suffix}"::text) LIKE UPPER(%s)' for name in TRANSLATED_FIELDS]
                arms.extend(fields)
                check_params.extend([pattern] * len(fields))
            else:
                unspaced.append(pattern)
        if unspaced:
            # The joined text upper-cased once for all of them; each pattern upper-cased as icontains does.
            uppers = ", ".join("UPPER(%s)" for _ in unspaced)
            arms.append(f"UPPER({_DOCUMENT.format(suffix)}) LIKE ANY (ARRAY[{uppers}])")
            check_params.extend(unspaced)
        checks.append("(" + " OR ".join(arms) + ")")
    return pairs, pair_params, " AND ".join(checks), check_params


def _plain_search(queryset, suffix: str, groups: list[list[str]]):
    for variants in groups:
        condition = Q()
        for variant in variants:
            condition |= _contains(suffix, variant)
        queryset = queryset.filter(condition)
    return queryset


def _spaced(word: str) -> bool:
    return any(character.isspace() for character in word)


def _vendor(alias: str) -> str:
    return connections[alias].vendor


def attachment_upload_to(instance, filename):
    # The service has already chosen a random storage path (portal.uploads.random_storage_name): keep it.
    return filename


class Notice(models.Model):
    category = models.CharField(
        pgettext_lazy("notice", "category"), max_length=20, choices=Category.choices, db_index=True
    )
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        allow_unicode=False,
        help_text=_("ASCII letters, digits and hyphens; used in the address."),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"), max_length=500, blank=True, help_text=_("One or two sentences for lists and search results.")
    )
    body = models.TextField(
        _("body"), blank=True, help_text=_("Markdown: # headings, **bold**, lists, [links](https://…).")
    )
    body_html = models.TextField(_("body as HTML"), blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_("When the notice becomes public. A future time schedules it; empty means when it is published."),
    )
    pinned = models.BooleanField(_("pinned"), default=False, help_text=_("Pinned notices are listed first."))
    rights = models.JSONField(_("consumer rights"), default=list, blank=True)
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    disclosure_year = models.PositiveSmallIntegerField(
        _("disclosure year"), null=True, blank=True, help_text=_("The year a disclosure reports on.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-pinned", "-publish_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "slug"], name="notice_slug_unique_in_category"),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="notice_category_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="notice_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="notice_public_idx"),
            models.Index(fields=["category", "status", "publish_at"], name="notice_category_public_idx"),
            # The lists' order (listed()): the newest page is read from the index, not sorted from every
            # published notice on each request.
            models.Index(
                fields=["-pinned", "-publish_at", "-id"],
                condition=Q(status=Status.PUBLISHED),
                name="notice_listed_idx",
            ),
            models.Index(
                fields=["category", "-pinned", "-publish_at", "-id"],
                condition=Q(status=Status.PUBLISHED),
                name="notice_category_listed_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # However a notice is saved (services, fixtures, the shell), the HTML shown is rebuilt from the
        # Markdown and sanitized here, and a notice published without a time is public from now.
        for suffix in LANGUAGE_SUFFIXES.values():
            setattr(self, f"body_html_{suffix}", render_markdown(getattr(self, f"body_{suffix}", "") or ""))
        if self.status == Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and any(name.startswith("body") for name in update_fields):
            kwargs["update_fields"] = {*update_fields, *(f"body_html_{s}" for s in LANGUAGE_SUFFIXES.values())}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("notices:detail", kwargs={"category": self.category, "slug": self.slug})

    def is_public(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == Status.PUBLISHED and self.publish_at is not None and self.publish_at <= now

    def is_scheduled(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == Status.PUBLISHED and self.publish_at is not None and self.publish_at > now

    def is_complete(self, language: str) -> bool:
        suffix = LANGUAGE_SUFFIXES[language]
        return all((getattr(self, f"{name}_{suffix}", "") or "").strip() for name in TRANSLATED_FIELDS)

    def text_language(self, field: str) -> str:
        """The language the shown text of `field` is in (English pages fall back to Chinese)."""
        if (get_language() or "").startswith("en") and (getattr(self, f"{field}_en", "") or "").strip():
            return "en"
        return "zh-Hans"

    @property
    def revised_at(self):
        """The date of a later revision, when there was one: edited on a later day than it was published
        (a notice written after its publication date, as imported content is, has no revision to show)."""
        if not self.publish_at or self.created_at > self.publish_at:
            return None
        if timezone.localdate(self.updated_at) > timezone.localdate(self.publish_at):
            return self.updated_at
        return None

    @property
    def safe_body(self) -> str:
        """The body HTML, sanitized once more as it is shown (the stored copy was sanitized on save)."""
        return sanitize_html(self.body_html or "")

    @property
    def right_items(self) -> list[tuple[str, str]]:
        return [(code, RIGHT_LABELS[code]) for code in self.rights if code in RIGHT_LABELS]

    @property
    def audience_items(self) -> list[tuple[str, str]]:
        labels = dict(Audience.choices)
        return [(code, labels[code]) for code in self.audiences if code in labels]

    @property
    def right_labels(self) -> list[str]:
        return [label for _code, label in self.right_items]

    @property
    def audience_labels(self) -> list[str]:
        return [label for _code, label in self.audience_items]


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=200)
    name = models.CharField(_("file name"), max_length=150)
    mime = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    # A document written in one language is offered on that language's page only (a Chinese PDF on the
    # Chinese page, its English version on the English page); empty: on both.
    language = models.CharField(
        _("language of the document"),
        max_length=10,
        blank=True,
        choices=[
            ("", pgettext_lazy("attachment language", "Both languages")),
            ("zh-hans", pgettext_lazy("attachment language", "Chinese only")),
            ("en", pgettext_lazy("attachment language", "English only")),
        ],
        default="",
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "notices:attachment",
            kwargs={"category": self.notice.category, "slug": self.notice.slug, "pk": self.pk},
        )

    def offered_in(self, language: str) -> bool:
        """Whether the page in `language` lists this attachment."""
        return not self.language or self.language == language

    @property
    def kind_label(self) -> str:
        kind = KINDS.get(self.mime)
        return kind.label if kind else self.mime

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")
