"""The notice search on PostgreSQL: the bigram index of migration 0006 answers it, for rows however they were
written, with exactly the results of the plain `icontains` search; a search's page and total come from one
query, capped at SEARCH_LIMIT matches."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import translation

from notices import views
from notices.models import Category, Notice, _plain_search
from notices.search import terms
from notices.views import SEARCH_LIMIT, CappedSearchPaginator

pytestmark = pytest.mark.django_db


def _plan(text: str, language: str) -> str:
    notices = Notice.objects.published().search(text, language).listed().without_bodies()
    paginator = CappedSearchPaginator(notices, 20)
    return paginator.run(paginator.rows(1).explain)


@pytest.fixture
def volume():
    call_command("generate_volume", "--notices=400", "--seed=7", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notices_notice")


def test_a_two_character_chinese_search_and_an_english_search_are_answered_from_the_bigram_index(volume):
    chinese = _plan("欺诈", "zh-hans")
    assert "notice_bigrams_zh_hans" in chinese, chinese
    english = _plan("fraud", "en")
    assert "notice_bigrams_en" in english, english
    for plan in (chinese, english):
        assert "Seq Scan on notices_notice" not in plan, plan


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("欺诈", "zh-hans"),
        ("理赔", "zh-hans"),
        ("退保 欺诈", "zh-hans"),
        ("保", "zh-hans"),
        ("fraud", "en"),
        ("personal data", "en"),
        ("CLAIM payout", "en"),
        ("a", "en"),
        ("100%", "en"),
    ],
)
def test_the_indexed_search_finds_exactly_what_the_plain_search_finds(volume, make_notice, text, language):
    make_notice(title_zh_hans="谨防理赔骗局", summary_en="Fake claims, real payouts: 100% of them checked")
    make_notice(title_en="Protecting your personal", summary_en="data and privacy")
    published = Notice.objects.published()
    suffix = "zh_hans" if language == "zh-hans" else "en"
    plain = set(_plain_search(published, suffix, terms(text, language)).values_list("pk", flat=True))
    indexed = set(published.search(text, language).values_list("pk", flat=True))
    assert indexed == plain and (plain or text in ("100%",))


@pytest.mark.parametrize(
    ("text", "language", "category"),
    [
        ("fraud", "en", None),
        ("理赔", "zh-hans", None),
        ("保险公司", "zh-hans", None),
        ("退保 欺诈", "zh-hans", None),
        ("CLAIM payout", "en", None),
        ("personal data", "en", None),
        ("scam", "en", Category.FRAUD_WARNINGS),
    ],
)
def test_a_list_that_checks_its_candidates_in_order_shows_what_the_one_step_search_shows(
    volume, make_notice, settings, text, language, category
):
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 0
    make_notice(title_zh_hans="谨防理赔骗局", summary_en="Fake claims, real payouts: 100% of them checked")
    make_notice(title_en="Protecting your personal", summary_en="data and privacy")
    make_notice(title_zh_hans="理赔退保欺诈草稿", title_en="fraud scam claim payout draft", publish=False)
    listed = Notice.objects.published().search(text, language).listed()
    if category:
        listed = listed.in_category(category)
    expected = list(listed.values_list("pk", flat=True)[:SEARCH_LIMIT])
    shown = []
    for number in range(1, SEARCH_LIMIT // views.PAGE_SIZE + 1):
        request = RequestFactory().get("/notices/", {"q": text, "page": number})
        with translation.override(language):
            _form, page, _filtered, _criteria = views._listing(request, category)
        if page.number != number:
            break
        shown += [notice.pk for notice in page.object_list]
    assert shown == expected and expected


def test_a_notice_saved_through_the_orm_is_found_by_a_two_character_word_at_once(make_notice):
    notice = make_notice(title_zh_hans="春节服务安排", body_zh_hans="警惕冒充客服的诈骗电话。")
    assert list(Notice.objects.published().search("欺诈", "zh-hans")) == [notice]
    notice.body_zh_hans = "春节期间照常服务。"
    notice.save()
    assert list(Notice.objects.published().search("欺诈", "zh-hans")) == []


def test_a_search_with_more_matches_than_the_limit_says_so_in_both_languages(make_notice, settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    for number in range(SEARCH_LIMIT + 1):
        Notice.objects.create(
            category=Category.ANNOUNCEMENTS,
            slug=f"fraud-{number}",
            title_zh_hans=f"反诈骗提示{number}",
            title_en=f"Fraud alert {number}",
            status="published",
        )
    chinese = Client().get("/notices/?q=诈骗").text
    assert "超过 200 条公告符合" in chinese and "第 1 页，共 10 页" in chinese
    english = Client().get("/en/notices/?q=fraud&page=10").text
    assert "More than 200 notices match; the first 200 are shown." in english and "Page 10 of 10" in english
    # Newest first: the last page ends with the 200th match; the 201st (the oldest) is not offered.
    assert "alert 1<" in english and "alert 0<" not in english
    Notice.objects.filter(slug="fraud-0").delete()
    exact = Client().get("/en/notices/?q=fraud").text
    assert "200 notices found." in exact and "More than" not in exact


def test_a_remembered_search_page_shows_a_notice_published_after_it_was_first_asked_for(
    make_notice, settings, django_assert_max_num_queries
):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 600
    make_notice(title_zh_hans="警惕理赔骗局")
    first = Client().get("/notices/?q=欺诈").text
    assert "找到 1 条公告。" in first
    with django_assert_max_num_queries(1):
        assert Client().get("/notices/?q=欺诈").text == first
    make_notice(title_zh_hans="冒充客服的诈骗电话")
    again = Client().get("/notices/?q=欺诈").text
    assert "找到 2 条公告。" in again and "冒充客服的<mark>诈骗</mark>电话" in again
