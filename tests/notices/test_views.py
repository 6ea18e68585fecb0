import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from notices import services
from notices.models import Category
from portal.profile import current_profile
from tests.demo_snapshot import load_demo

from .conftest import PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def demo_notices(demo):
    load_demo()


def page_text(response) -> str:
    return response.content.decode()


def zh_url(notice) -> str:
    with translation.override("zh-hans"):
        return notice.get_absolute_url()


def en_url(notice) -> str:
    with translation.override("en"):
        return notice.get_absolute_url()


def test_every_category_lists_notices_in_both_languages(client, demo_notices):
    for category in Category.values:
        for prefix in ("", "/en"):
            response = client.get(f"{prefix}/notices/{category}/")
            assert response.status_code == 200
            assert page_text(response).count('class="card notice-card') >= 2, (prefix, category)


def test_a_notice_shows_its_chinese_title_on_the_chinese_page_and_english_on_the_english_page(client, demo_notices):
    chinese = page_text(client.get("/notices/fraud-warnings/what-insurance-fraud-is/"))
    english = page_text(client.get("/en/notices/fraud-warnings/what-insurance-fraud-is/"))
    assert "<h1" in chinese and "反保险欺诈提示：什么是保险欺诈，会有什么后果</h1>" in chinese
    assert "Insurance fraud: what it is and what it leads to</h1>" in english
    assert "Insurance fraud: what it is and what it leads to</h1>" not in chinese
    assert 'href="/notices/fraud-warnings/what-insurance-fraud-is/"' in english  # the same notice in Chinese


def test_a_fraud_warning_shows_the_reporting_hotline_and_email_from_the_site_profile(client, demo_notices):
    profile = current_profile()
    for url in ("/notices/fraud-warnings/what-insurance-fraud-is/", "/en/notices/fraud-warnings/"):
        text = page_text(client.get(url))
        assert 'class="callout notice-report"' in text
        assert profile.hotline in text and f"mailto:{profile.email}" in text


def test_an_english_page_of_a_chinese_only_notice_falls_back_with_a_note(client, demo_notices):
    text = page_text(client.get("/en/notices/announcements/spring-festival-service-hours-2025/"))
    assert "This text is only available in Chinese." in text
    assert 'lang="zh-Hans">2025年春节期间服务安排</h1>' in text


def test_search_finds_a_chinese_word_inside_running_text_and_an_english_word(client, demo_notices):
    chinese = page_text(client.get("/notices/", {"q": "欺诈"}))
    english = page_text(client.get("/en/notices/", {"q": "fraud"}))
    assert "什么是保险<mark>欺诈</mark>" in chinese and "金融产品查询平台正式上线" not in chinese
    assert "Insurance <mark>fraud</mark>: what it is" in english and "financial product query platform" not in english


def test_filters_by_right_and_audience(client, make_notice):
    make_notice(title_en="For elders", audiences=["elderly"], rights=["respect"])
    make_notice(title_en="For youth", audiences=["youth"], rights=["information"])
    text = page_text(client.get("/en/notices/", {"audience": "elderly"}))
    assert "For elders" in text and "For youth" not in text
    text = page_text(client.get("/en/notices/", {"right": "information"}))
    assert "For youth" in text and "For elders" not in text


def test_pinned_notices_come_first_then_the_newest_twenty_per_page(client, make_notice):
    for number in range(22):
        make_notice(title_en=f"Ordinary {number:02d}")
    make_notice(title_en="Pinned old", pinned=True, publish_at=timezone.now() - datetime.timedelta(days=400))
    first = page_text(client.get("/en/notices/"))
    assert first.count('class="card notice-card') == 20
    assert first.index("Pinned old") < first.index("Ordinary 00") < first.index("Ordinary 01")
    second = page_text(client.get("/en/notices/", {"page": 2}))
    assert second.count('class="card notice-card') == 3 and "Pinned old" not in second


def test_disclosures_are_listed_by_year(client, make_notice):
    make_notice(category=Category.DISCLOSURES, title_en="Disclosure 2022", disclosure_year=2022)
    make_notice(category=Category.DISCLOSURES, title_en="Disclosure 2023", disclosure_year=2023)
    text = page_text(client.get("/en/notices/disclosures/"))
    assert text.index("Year 2023") < text.index("Disclosure 2023") < text.index("Year 2022")
    assert text.index("Year 2022") < text.index("Disclosure 2022")


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=99999",
        "page=-1",
        "q=" + "欺诈" * 5000,
        "q=%00%00fraud",
        "right=%00",
        "right=no-such-right&audience=martians",
        "audience[]=x&q[]=y",
        "q=%E6%AC",
    ],
)
def test_odd_addresses_never_cause_an_error(client, make_notice, query):
    make_notice()
    for url in ("/notices/", "/en/notices/cases/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200


def test_unknown_filter_values_are_reported_and_ignored(client, make_notice):
    make_notice(title_en="Still listed")
    text = page_text(client.get("/en/notices/", {"right": "no-such-right"}))
    assert "Still listed" in text and 'class="error-summary"' in text


def test_an_unknown_category_or_notice_is_not_found(client, make_notice):
    notice = make_notice(category=Category.CASES)
    assert client.get("/notices/no-such-category/").status_code == 404
    assert client.get(f"/notices/campaigns/{notice.slug}/").status_code == 404
    assert client.get("/notices/cases/no-such-notice/").status_code == 404
    assert client.get(f"/notices/cases/{notice.slug}/files/{'9' * 30}/").status_code == 404
    assert client.get("/notices/no-such-category/feed/").status_code == 404


def test_public_notice_pages_set_no_cookie_and_carry_no_csrf_token(client, make_notice):
    notice = make_notice()
    for url in ("/notices/", f"/notices/{notice.category}/", zh_url(notice), "/notices/feed/"):
        response = client.get(url)
        assert not response.cookies and "csrfmiddlewaretoken" not in page_text(response)


def test_the_feed_is_valid_atom_in_each_language(client, make_notice):
    make_notice(category=Category.FRAUD_WARNINGS, title_zh_hans="警惕欺诈", title_en="Beware of fraud")
    for url, title in (("/notices/feed/", "警惕欺诈"), ("/en/notices/feed/", "Beware of fraud")):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/atom+xml")
        root = ET.fromstring(response.content)
        assert root.tag == f"{ATOM}feed"
        for required in ("id", "title", "updated"):
            assert root.find(f"{ATOM}{required}") is not None
        assert root.find(f"{ATOM}author/{ATOM}name") is not None
        entries = root.findall(f"{ATOM}entry")
        assert [entry.find(f"{ATOM}title").text for entry in entries] == [title]
        for required in ("id", "title", "updated"):
            assert entries[0].find(f"{ATOM}{required}").text
        assert entries[0].find(f"{ATOM}link").get("href").startswith("http")
    category_feed = ET.fromstring(client.get("/en/notices/cases/feed/").content)
    assert category_feed.findall(f"{ATOM}entry") == []


def visible_everywhere(client, notice) -> dict:
    url = zh_url(notice)
    return {
        "list": notice.title_en in page_text(client.get("/en/notices/")),
        "category": notice.title_en in page_text(client.get(f"/en/notices/{notice.category}/")),
        "detail": client.get(en_url(notice)).status_code == 200,
        "feed": notice.title_en in page_text(client.get("/en/notices/feed/")),
        "sitemap": url in page_text(client.get("/sitemap.xml")),
        "search": notice.title_en
        in page_text(client.get("/en/notices/", {"q": "Zanzibar"})).replace("<mark>", "").replace("</mark>", ""),
        "home": notice.title_en in page_text(client.get("/en/")),
    }


def test_drafts_are_invisible_everywhere_public(client, make_notice):
    notice = make_notice(publish=False, title_en="Zanzibar draft")
    assert not any(visible_everywhere(client, notice).values())


def test_a_scheduled_notice_appears_everywhere_by_itself_at_its_time(client, make_notice):
    start = timezone.now()
    notice = make_notice(publish=False, title_en="Zanzibar scheduled")
    notice = services.notice_publish(notice=notice, actor=None, publish_at=start + datetime.timedelta(hours=3))
    with time_machine.travel(start + datetime.timedelta(hours=2, minutes=59), tick=False):
        assert not any(visible_everywhere(client, notice).values())
    with time_machine.travel(start + datetime.timedelta(hours=3, minutes=1), tick=False):
        cache.clear()  # the sitemap keeps its own cached copy for ten minutes
        assert all(visible_everywhere(client, notice).values())


def test_a_scheduled_notice_appears_even_when_the_list_was_cached_before_its_time(client, make_notice, settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 600
    start = timezone.now()
    notice = make_notice(publish=False, title_en="Zanzibar cached")
    services.notice_publish(notice=notice, actor=None, publish_at=start + datetime.timedelta(minutes=5))
    with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
        assert "Zanzibar cached" not in page_text(client.get("/en/notices/"))
    with time_machine.travel(start + datetime.timedelta(minutes=6), tick=False):
        assert "Zanzibar cached" in page_text(client.get("/en/notices/"))


def test_attachments_are_listed_with_name_type_and_size_and_served_safely(client, make_notice):
    notice = make_notice()
    pdf = services.notice_attachment_add(notice=notice, actor=None, upload=SimpleUploadedFile('年报"x.pdf', PDF_BYTES))
    services.notice_attachment_add(notice=notice, actor=None, upload=SimpleUploadedFile("chart.png", PNG_BYTES))
    text = page_text(client.get(en_url(notice)))
    assert "年报&quot;x.pdf" in text and "(PDF," in text and "(PNG," in text and "bytes" in text
    response = client.get(pdf.get_absolute_url())
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition and '"x' not in disposition
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_a_draft_attachment_is_for_staff_only(client, make_notice, editor):
    notice = make_notice(publish=False)
    pdf = services.notice_attachment_add(notice=notice, actor=None, upload=SimpleUploadedFile("a.pdf", PDF_BYTES))
    assert client.get(pdf.get_absolute_url()).status_code == 404
    client.force_login(editor)
    assert client.get(pdf.get_absolute_url()).status_code == 200


def test_open_graph_tags_describe_the_notice(client, make_notice):
    notice = make_notice(title_en="Shared title", summary_en="Shared summary")
    text = page_text(client.get(en_url(notice)))
    assert '<meta property="og:type" content="article">' in text
    assert '<meta property="og:title" content="Shared title">' in text
    assert '<meta property="og:description" content="Shared summary">' in text
    assert f'<meta property="og:url" content="http://testserver{en_url(notice)}">' in text


def test_the_sitemap_lists_notices_and_lists_in_both_languages(client, make_notice):
    notice = make_notice(category=Category.CASES)
    text = page_text(client.get("/sitemap.xml"))
    for path in ("/notices/", "/en/notices/", "/notices/cases/", "/en/notices/cases/", zh_url(notice), en_url(notice)):
        assert f"http://testserver{path}<" in text or f'href="http://testserver{path}"' in text


PAGES = [
    "/notices/",
    "/en/notices/?q=Notice",
    "/notices/disclosures/?right=respect&audience=elderly",
    "/en/notices/disclosures/",
    "DETAIL",
    "/notices/feed/",
    "/en/notices/disclosures/feed/",
    "/",
    "/sitemap.xml",
]


def make_many(make_notice, count):
    notices = []
    for number in range(count):
        category = [Category.DISCLOSURES, Category.CASES][number % 2]
        notice = make_notice(category=category, rights=["respect"], audiences=["elderly"])
        if number < 2:
            services.notice_attachment_add(notice=notice, actor=None, upload=SimpleUploadedFile("a.pdf", PDF_BYTES))
        notices.append(notice)
    return notices


def query_counts(client, notices) -> dict:
    current_profile()
    detail = en_url(notices[len(notices) // 2])
    counts = {}
    for url in PAGES:
        url = detail if url == "DETAIL" else url
        cache.clear()  # the sitemap keeps its own cached copy
        current_profile()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url if url != detail else "DETAIL"] = len(queries)
    return counts


def test_each_page_costs_the_same_number_of_queries_with_1_or_50_notices(client, make_notice, settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 0
    few = query_counts(client, make_many(make_notice, 1))
    many = query_counts(client, make_many(make_notice, 49))
    assert few == many
    assert max(few.values()) <= 5, few


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram indexes exist on PostgreSQL only")
def test_search_and_tag_filters_are_served_by_indexes_on_postgresql(make_notice):
    from notices.models import Notice

    make_notice()
    searched = Notice.objects.search("欺诈保险", "zh-hans").order_by()
    tagged = Notice.objects.with_right("respect").order_by()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for queryset, index in ((searched, "notice_bigrams_zh_hans"), (tagged, "notice_tags_rights")):
            sql, params = queryset.query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert index in plan, plan


def test_a_list_page_the_page_cache_does_not_hold_costs_no_query_once_its_parts_are_cached(
    client, make_notice, settings, django_assert_num_queries
):
    """Only the page cache is off: the shell, the cards, the page's notices and the total are kept as fragments
    until notices change."""
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 600
    make_many(make_notice, 40)
    first = client.get("/en/notices/?page=2")
    assert "Page 2 of 2" in first.text
    with django_assert_num_queries(0):
        again = client.get("/en/notices/?page=2")
    assert again.content == first.content
    make_notice(title_en="Fresh off the press")  # published (the oldest date): total and pages are renewed
    assert "Page 2 of 3" in client.get("/en/notices/?page=2").text
    assert "Fresh off the press" in client.get("/en/notices/?page=3").text


def test_an_attachment_in_one_language_is_offered_on_that_language_page_only(client, make_notice):
    notice = make_notice()
    services.notice_attachment_add(
        notice=notice, actor=None, upload=SimpleUploadedFile("年报.pdf", PDF_BYTES), language="zh-hans"
    )
    services.notice_attachment_add(
        notice=notice, actor=None, upload=SimpleUploadedFile("report.pdf", PDF_BYTES), language="en"
    )
    services.notice_attachment_add(notice=notice, actor=None, upload=SimpleUploadedFile("chart.png", PNG_BYTES))
    with translation.override("zh-hans"):
        chinese = client.get(notice.get_absolute_url()).text
    with translation.override("en"):
        english = client.get(notice.get_absolute_url()).text
    assert "年报.pdf" in chinese and "report.pdf" not in chinese and "chart.png" in chinese
    assert "report.pdf" in english and "年报.pdf" not in english and "chart.png" in english


def test_an_attachment_language_that_is_not_offered_is_refused(make_notice):
    notice = make_notice()
    with pytest.raises(ValidationError):
        services.notice_attachment_add(
            notice=notice, actor=None, upload=SimpleUploadedFile("a.pdf", PDF_BYTES), language="fr"
        )
    assert not notice.attachments.exists()


def test_a_notice_links_to_the_notices_published_just_before_and_after_it_in_its_category(make_notice, client):
    """Earlier and later are by publication time, then by id for notices published at the same moment; another
    category's notices and drafts are never a neighbour."""
    at = timezone.now() - datetime.timedelta(days=10)
    oldest = make_notice(publish_at=at - datetime.timedelta(days=2))
    tied_first = make_notice(publish_at=at)
    tied_second = make_notice(publish_at=at)
    newest = make_notice(publish_at=at + datetime.timedelta(days=1))
    make_notice(publish_at=at + datetime.timedelta(hours=1), category=Category.FRAUD_WARNINGS)
    make_notice(publish=False)

    def neighbours(notice):
        page = page_text(client.get(zh_url(notice)))
        earlier = page.split('class="notice-previous"')[1].split("</li>")[0] if "notice-previous" in page else ""
        later = page.split('class="notice-next"')[1].split("</li>")[0] if "notice-next" in page else ""
        return earlier, later

    def linked(fragment, notice):
        return f'href="{zh_url(notice)}"' in fragment

    earlier, later = neighbours(tied_first)
    assert linked(earlier, oldest) and linked(later, tied_second)
    earlier, later = neighbours(tied_second)
    assert linked(earlier, tied_first) and linked(later, newest)
    earlier, later = neighbours(oldest)
    assert earlier == "" and linked(later, tied_first)
    earlier, later = neighbours(newest)
    assert linked(earlier, tied_second) and later == ""
