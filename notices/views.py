from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import Count, Max, Window
from django.db.models.expressions import RawSQL
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from portal.i18n import is_english, other_language, path_in_language
from portal.pagecache import later, public_page, remember
from portal.profile import current_profile
from portal.reversing import cached_reverse
from portal.uploads import download_name

from . import search
from .forms import FILTER_FIELDS, NoticeFilterForm
from .models import CATEGORY_DESCRIPTIONS, Category, Notice, NoticeAttachment

PAGE_SIZE = 20


class DeferredQuerySet:
    """A list's query set, built only when something reads it: with the page's notices and total remembered
    and its cards cached, a list or search page builds no query at all (building one through the ORM and
    modeltranslation costs about as much as running it). Slices stay deferred; lists are always ordered."""

    ordered = True

    def __init__(self, build):
        self._queryset = later(build)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._queryset(), name)

    def __getitem__(self, key):
        return DeferredQuerySet(lambda: self._queryset()[key])

    def __iter__(self):
        return iter(self._queryset())

    def __len__(self):
        return len(self._queryset())

    def __bool__(self):
        return bool(self._queryset())


SEARCH_LIMIT = 200  # matches shown for one search: 10 pages
# The largest page number a URL may ask for; larger ones are read as this one (past the last page).
MAX_PAGE = 1_000_000


class CappedSearchPaginator(Paginator):
    """A search's page and its total from one query: the first SEARCH_LIMIT + 1 matches in list order are
    taken in a subquery, counted with COUNT(*) OVER () and sliced to the page, so the total never costs a
    count over every match. More than SEARCH_LIMIT matches: the first SEARCH_LIMIT are offered and the page
    says the search was cut short (`capped`)."""

    def __init__(self, object_list, per_page, *, in_steps=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.capped = False
        # A callable giving the same list as (the index's candidates, (the checks' SQL, parameters) or None):
        # NoticeQuerySet.search_in_steps.
        self.in_steps = in_steps

    def first_matches(self):
        """The first SEARCH_LIMIT + 1 matches in list order. Where the index only finds candidates, these are
        read in list order and checked one by one until there are enough (a fenced subquery, then a check per
        candidate that the planner cannot fold into a join): a common word then checks a few hundred
        notices' texts, not the thousands the index offers."""
        split = self.in_steps() if self.in_steps is not None else None
        if split is None or split[1] is None:
            return self.object_list.values("pk")[: SEARCH_LIMIT + 1]
        candidates, (checks, check_params) = split
        sql, params = candidates.values("pk").query.sql_with_params()
        return RawSQL(  # noqa: S611 - fixed SQL and the ORM's own; every word is a parameter
            f"SELECT c.id FROM ({sql} OFFSET 0) AS c (id) "  # noqa: S608
            f"WHERE (SELECT {checks} FROM notices_notice AS n WHERE n.id = c.id) LIMIT {SEARCH_LIMIT + 1}",
            (*params, *check_params),
        )

    def rows(self, number: int):
        """The page's query: the notices of page `number` of the first SEARCH_LIMIT + 1 matches, each with
        `found`, how many of those there are."""
        matches = self.first_matches()
        rows = (
            self.object_list.model.objects.filter(pk__in=matches)
            .annotate(found=Window(Count("*")))
            .order_by(*self.object_list.query.order_by)
            .defer(*self.object_list.query.deferred_loading[0])
        )
        bottom = (number - 1) * self.per_page
        return rows[bottom : bottom + self.per_page]

    def run(self, rows):
        """`rows` evaluated (or explained: `run(rows.explain)`) the way a page asks for them."""
        alias = self.object_list.db
        with transaction.atomic(using=alias):
            if connections[alias].vendor == "postgresql":
                # The planner cannot tell how common a pair of characters is in running text and may read
                # every notice, comparing the stored pairs row by row (tens of microseconds each): the
                # index is always the cheaper way.
                with connections[alias].cursor() as cursor:
                    cursor.execute("SET LOCAL enable_seqscan = off")
            return rows() if callable(rows) else list(rows)

    def _fetch(self, number: int) -> list:
        return self.run(self.rows(number))

    def get_page(self, number):
        """The page, its notices read whole (without bodies)."""
        number, rows = self._page_rows(number)
        return self._get_page(rows, number, self)

    def get_remembered_page(self, number, *, key: tuple, request):
        """The page, with which notices it lists and the total remembered until the notices change (like a
        list's count): a search asked again costs no query unless its cards must be rendered, and then one
        look-up by id."""

        fetched = []  # the rows, when this request read them: its cards need no second query

        def compute():
            page_number, rows = self._page_rows(number)
            fetched.append(rows)
            return page_number, tuple(row.pk for row in rows), self.count, self.capped

        page_number, pks, count, self.capped = remember(key, compute, request)
        self.__dict__["count"] = count
        self.__dict__.pop("num_pages", None)
        notices = DeferredQuerySet(
            lambda: (
                fetched[0]
                if fetched
                else (
                    self.object_list.model.objects.filter(pk__in=pks)
                    .order_by(*self.object_list.query.order_by)
                    .defer(*self.object_list.query.deferred_loading[0])
                )
            )
        )
        page = self._get_page(notices, page_number, self)
        page.card_keys = "-".join(str(pk) for pk in pks)
        return page

    def _page_rows(self, number) -> tuple[int, list]:
        try:
            # Bounded before it reaches the database: a page past the last one is answered as the last page, and
            # a number too large for an OFFSET is simply one of those.
            number = min(max(int(number), 1), MAX_PAGE)
        except (TypeError, ValueError):
            number = 1
        rows = self._fetch(number)
        if not rows and number > 1:
            # Past the last page (an old link): the last page, as Paginator.get_page does.
            rows = self._fetch(1)
            self._found(rows)
            number = self.num_pages
            if number > 1:
                rows = self._fetch(number)
        self._found(rows)
        return number, rows

    def _found(self, rows: list) -> None:
        found = rows[0].found if rows else 0
        self.capped = found > SEARCH_LIMIT
        self.__dict__["count"] = min(found, SEARCH_LIMIT)
        self.__dict__.pop("num_pages", None)


def _category_or_404(slug: str) -> Category:
    if slug not in Category.values:
        raise Http404
    return Category(slug)


def _listing(request, category: Category | None):
    # A list without filters (most requests) builds no form: the template asks for it inside a cached fragment.
    form = later(lambda: NoticeFilterForm(request.GET))
    criteria = form().filters() if any(request.GET.get(key) for key in FILTER_FIELDS) else {}
    language = get_language()

    def build(in_steps=False):
        notices = Notice.objects.published()
        if category:
            notices = notices.in_category(category)
        if criteria.get("right"):
            notices = notices.with_right(criteria["right"])
        if criteria.get("audience"):
            notices = notices.with_audience(criteria["audience"])
        checks = None
        if criteria.get("q"):
            split = notices.search_in_steps(criteria["q"], language) if in_steps else None
            if split is None:
                notices = notices.search(criteria["q"], language)
            else:
                notices, checks = split[0], split[1:]
        if category == Category.DISCLOSURES:
            notices = notices.order_by("-disclosure_year", "-pinned", "-publish_at", "-id")
        else:
            notices = notices.listed()
        return (notices.without_bodies(), checks) if in_steps else notices.without_bodies()

    notices = DeferredQuerySet(build)
    if criteria.get("q"):
        # A search: its page and its (capped) total from one query, remembered until the notices change.
        paginator = CappedSearchPaginator(notices, PAGE_SIZE, in_steps=later(lambda: build(in_steps=True)))
        key = ("notice-search", category, sorted(criteria.items()), language, request.GET.get("page"))
        page = paginator.get_remembered_page(request.GET.get("page"), key=key, request=request)
    else:
        # The page's number, the list's total (a count over every published notice) and which notices the page
        # lists are remembered together, until the notices change or the next scheduled publication: a page
        # whose parts are cached then runs no query, makes no model instance and asks the cache once. The cards
        # of a page are one fragment keyed by the notices it lists; when these are not remembered (after a
        # change), that fragment is not in the cache either: the page's rows, which the cards need, are read
        # once for both.
        paginator = Paginator(notices, PAGE_SIZE)
        try:
            asked = int(request.GET.get("page") or 1)
        except ValueError:
            asked = 1  # as Paginator.get_page reads a page number that is not one
        read = []

        def compute():
            page = paginator.get_page(asked)
            read.append(page)
            return paginator.count, page.number, "-".join(str(notice.pk) for notice in page.object_list)

        count, number, card_keys = remember(
            ("notice-page", category, sorted(criteria.items()), language, asked), compute, request
        )
        if read:
            page = read[0]
        else:
            paginator.__dict__["count"] = count  # Paginator.count is a cached_property
            page = paginator.page(number)
        page.card_keys = card_keys
    filtered = any(criteria.values())
    return form, page, filtered, criteria


def _search_context(criteria: dict) -> dict:
    """The words to highlight on the result cards, and the synonyms the search added (shown to the visitor)."""
    query = criteria.get("q", "")
    groups = search.terms(query, get_language())
    return {
        "search_key": query,
        "search_words": [word for group in groups for word in group],
        "also_searched": [word for group in groups for word in group[1:]],
    }


def _list_page(request, category, heading, intro, feed_url, breadcrumbs):
    """The notices list, of one category or (category None) of all."""
    form, page, filtered, criteria = _listing(request, category)
    return render(
        request,
        "notices/list.html",
        {
            "form": form,
            "page": page,
            "filtered": filtered,
            "categories": Category.choices,
            "category": category,
            **_search_context(criteria),
            "heading": heading,
            "intro": intro,
            "feed_url": feed_url,
            "breadcrumbs": breadcrumbs,
            "nav_section": "notices",
        },
    )


@public_page
def index(request):
    return _list_page(
        request,
        None,
        heading=_("Notices"),
        intro=_("What we publish for consumers: disclosures, fraud warnings, guides, cases and campaigns."),
        feed_url=cached_reverse("notices:feed"),
        breadcrumbs=[(_("Notices"), None)],
    )


@public_page
def category(request, category):
    category = _category_or_404(category)
    return _list_page(
        request,
        category,
        heading=category.label,
        intro=CATEGORY_DESCRIPTIONS[category],
        feed_url=cached_reverse("notices:category_feed", category.value),
        breadcrumbs=[(_("Notices"), cached_reverse("notices:index")), (category.label, None)],
    )


@public_page
def detail(request, category, slug):
    category = _category_or_404(category)
    now = timezone.now()
    # Which notice is published at this address, and what the page's head shows of it (title, summary, dates),
    # is remembered like any fragment: with the page's parts cached, a notice page runs no query. The whole
    # notice is read only when a part must be rendered.
    head = remember(
        ("notice-head", category.value, slug, get_language()), lambda: _notice_head(category, slug, now), request
    )
    if head is None:
        raise Http404
    return render_notice(request, RememberedNotice(head), now=now)


HEAD_FIELDS = ("pk", "category", "slug", "title", "summary", "title_en", "publish_at", "updated_at")


def _notice_head(category: Category, slug: str, now) -> tuple | None:
    notice = Notice.objects.published(now).filter(category=category, slug=slug).first()
    return None if notice is None else tuple(getattr(notice, name) for name in HEAD_FIELDS)


class RememberedNotice:
    """A public notice as its page first needs it: the remembered head fields, and the whole row from the
    database only when something else is asked for (a part of the page not in the cache)."""

    def __init__(self, head: tuple):
        self._head = dict(zip(HEAD_FIELDS, head, strict=True))
        self._notice = None

    def __getattr__(self, name):
        head = self.__dict__.get("_head", {})
        if name in head:
            return head[name]
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.row(), name)

    get_absolute_url = Notice.get_absolute_url  # from the head's category and slug

    def row(self) -> Notice:
        """The whole notice, read from the database the first time anything asks for it."""
        if self.__dict__.get("_notice") is None:
            self._notice = Notice.objects.get(pk=self._head["pk"])
        return self._notice


def render_notice(request, notice: Notice, *, now=None, preview: bool = False):
    """The notice page; the admin's preview of a draft renders exactly this, with a banner. Below the notice
    row itself, the page (attachments, the earlier and later notice) is one fragment: its queries run only
    when that fragment is not in the cache (always for a preview)."""
    now = now or timezone.now()
    category = Category(notice.category)
    other = other_language(get_language())
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            # The notice's own part of the page is kept by the notice's content (the whole row), read only
            # when that part is rendered.
            "notice_row": later(notice.row if isinstance(notice, RememberedNotice) else lambda: notice),
            "category": category,
            "attachments": later(
                lambda: [item for item in notice.attachments.all() if item.offered_in(get_language())]
            ),
            "siblings": later(lambda: _siblings(notice, category, now)),
            "preview": preview,
            "other_language_notice_url": path_in_language(notice.get_absolute_url(), other),
            "other_language_has_text": other != "en" or bool((notice.title_en or "").strip()),
            "breadcrumbs": [
                (_("Notices"), cached_reverse("notices:index")),
                (category.label, cached_reverse("notices:category", category.value)),
                (notice.title, None),
            ],
            "nav_section": "notices",
        },
    )


def _siblings(notice: Notice, category: Category, now) -> dict:
    """The notices published just before and just after this one in its category."""
    if not notice.publish_at:
        return {}
    siblings = (
        Notice.objects.published(now)
        .in_category(category)
        .only("category", "slug", "title_zh_hans", "title_en", "publish_at")
    )
    # A row comparison, (publish_at, id) < (this one's), is a range of the category's index: PostgreSQL starts
    # the scan at this notice. Written as "earlier, or as early with a smaller id" (an OR), it filtered every
    # newer notice of the category row by row instead (10,000 notices: 24 ms against 0.1 ms for one neighbour).
    here = (notice.publish_at, notice.pk)
    return {
        "previous": siblings.filter(TupleLessThan(Tuple("publish_at", "pk"), here))
        .order_by("-publish_at", "-pk")
        .first(),
        "next": siblings.filter(TupleGreaterThan(Tuple("publish_at", "pk"), here)).order_by("publish_at", "pk").first(),
    }


def attachment(request, category, slug, pk):
    """An attachment of a public notice, for everyone; of a draft or scheduled one, only for staff who may
    see notices (the preview). The file name in Content-Disposition is the cleaned display name."""
    item = get_object_or_404(
        NoticeAttachment.objects.select_related("notice"), pk=pk, notice__category=category, notice__slug=slug
    )
    if not item.notice.is_public():
        user = request.user
        if not (user.is_active and user.is_staff and user.has_perm("notices.view_notice")):
            raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=not item.is_image, filename=download_name(item.name, item.mime), content_type=item.mime
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def home_section_context(request) -> dict:
    return {"notices": list(Notice.objects.published().listed().without_bodies()[:5])}


class LanguageTaggedAtomFeed(Atom1Feed):
    """Atom with each entry's own xml:lang: an English feed may carry notices published only in Chinese."""

    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if item.get("lang"):
            attributes["xml:lang"] = item["lang"]
        return attributes


def notice_entry_id(notice) -> str:
    """An Atom id that never changes (RFC 4151 tag: URI from the configured domain and the notice's row id):
    renaming a slug or moving the site leaves it alone, so feed readers never show a notice twice."""
    return f"tag:{settings.PORTAL_ID_DOMAIN},{settings.PORTAL_ID_YEAR}:notice:{notice.pk}"


def feed_last_modified(request, category=None):
    """When the feed last changed: the newest change to a public notice (for Last-Modified and
    If-Modified-Since)."""
    notices = Notice.objects.published()
    if category in Category.values:
        notices = notices.in_category(category)
    newest = notices.aggregate(updated=Max("updated_at"), published=Max("publish_at"))
    stamps = [stamp for stamp in newest.values() if stamp is not None]
    return max(stamps) if stamps else None


class LatestNoticesFeed(Feed):
    """Atom: the newest public notices, in the language of the address (/notices/feed/ or /en/notices/feed/)."""

    feed_type = LanguageTaggedAtomFeed
    limit = 30

    def get_object(self, request, category=None):
        self.request = request
        return _category_or_404(category) if category else None

    def title(self, obj):
        name = current_profile().name
        label = obj.label if obj else _("Notices")
        return f"{label} · {name}" if name else str(label)

    def feed_guid(self, obj):
        language = "en" if is_english() else "zh-hans"
        scope = obj.value if obj else "all"
        return f"tag:{settings.PORTAL_ID_DOMAIN},{settings.PORTAL_ID_YEAR}:notices:{language}:{scope}"

    def subtitle(self, obj):
        return str(CATEGORY_DESCRIPTIONS[obj]) if obj else _("Notices")

    def link(self, obj):
        return reverse("notices:category", args=[obj.value]) if obj else reverse("notices:index")

    def feed_url(self, obj):
        return reverse("notices:category_feed", args=[obj.value]) if obj else reverse("notices:feed")

    def author_name(self):
        return current_profile().name or str(gettext_lazy("Consumer protection"))

    def items(self, obj):
        notices = Notice.objects.published().listed().order_by("-publish_at", "-id")
        if obj:
            notices = notices.in_category(obj)
        return notices[: self.limit]

    def item_title(self, item):
        if is_english() and item.text_language("title") != "en":
            return _("(Chinese only) %(title)s") % {"title": item.title}
        return item.title

    def item_guid(self, item):
        return notice_entry_id(item)

    def item_extra_kwargs(self, item):
        return {"lang": item.text_language("summary" if (item.summary or "").strip() else "title")}

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.publish_at)

    def item_categories(self, item):
        return [Category(item.category).label]


def next_scheduled_change():
    """When the next scheduled notice becomes public (the page cache keeps no page past it)."""
    return Notice.objects.next_publication(timezone.now())
