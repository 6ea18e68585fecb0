"""The Atom feed readers rely on (ids that never change, each entry's language, conditional GET) and the search
with its synonyms and highlighting."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils.http import http_date

from notices import search, services
from notices.models import Category

ATOM = {"a": "http://www.w3.org/2005/Atom"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

pytestmark = pytest.mark.django_db


def entries(path: str) -> list:
    return ET.fromstring(Client().get(path).content).findall("a:entry", ATOM)


def test_an_entry_id_stays_the_same_when_the_notice_is_renamed(make_notice, settings):
    settings.PORTAL_ID_DOMAIN = "xiaokang-life.example"
    notice = make_notice(slug="old-name")
    before = [entry.find("a:id", ATOM).text for entry in entries("/en/notices/feed/")]
    services.notice_update(notice=notice, actor=None, slug="new-name")
    after = entries("/en/notices/feed/")
    assert before == [entry.find("a:id", ATOM).text for entry in after]
    assert before == [f"tag:xiaokang-life.example,2024:notice:{notice.pk}"]
    assert after[0].find("a:link", ATOM).get("href").endswith("/new-name/")


def test_the_english_feed_labels_and_tags_chinese_only_entries(make_notice):
    make_notice(title_en="", summary_en="", body_en="", title_zh_hans="春节服务安排")
    make_notice(title_en="Opening hours")
    by_title = {entry.find("a:title", ATOM).text: entry for entry in entries("/en/notices/feed/")}
    assert by_title["(Chinese only) 春节服务安排"].get(XML_LANG) == "zh-Hans"
    assert by_title["Opening hours"].get(XML_LANG) == "en"
    assert "(Chinese only)" in Client().get("/en/notices/").text.replace("Chinese only</span>", "(Chinese only)")


def test_the_feed_answers_if_modified_since_with_304(make_notice, settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    make_notice()
    first = Client().get("/notices/feed/")
    assert first.status_code == 200 and first["Last-Modified"]
    again = Client().get("/notices/feed/", headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 304
    older = http_date((datetime.datetime.now() - datetime.timedelta(days=400)).timestamp())
    assert Client().get("/notices/feed/", headers={"If-Modified-Since": older}).status_code == 200


def test_the_cached_feed_answers_if_modified_since_with_304_too(make_notice, settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 600
    make_notice()
    first = Client().get("/en/notices/feed/")
    Client().get("/en/notices/feed/")  # now from the page cache
    again = Client().get("/en/notices/feed/", headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 304


def test_a_search_for_a_word_finds_notices_that_use_its_synonym(make_notice):
    make_notice(category=Category.FRAUD_WARNINGS, title_zh_hans="警惕退保骗局", title_en="Beware of surrender scams")
    make_notice(title_zh_hans="春节服务安排", title_en="Spring Festival hours")
    chinese = Client().get("/notices/?q=欺诈").text
    assert "警惕退保<mark>骗局</mark>" in chinese and "春节服务安排" not in chinese
    english = Client().get("/en/notices/?q=fraud").text
    assert "Beware of surrender <mark>scams</mark>" in english or "surrender <mark>scam</mark>s" in english


@pytest.mark.parametrize(
    ("typed", "language", "expected"),
    [
        ("欺诈", "zh-hans", {"欺诈", "诈骗", "骗局"}),
        ("理赔", "zh-hans", {"理赔", "赔付", "赔款"}),
        ("退保", "zh-hans", {"退保", "解约"}),
        ("claim", "en", {"claim", "payout"}),
        ("退保欺诈", "zh-hans", {"退保欺诈", "退保骗局", "解约欺诈"}),
    ],
)
def test_a_search_term_is_expanded_with_its_synonyms_in_the_pages_language(typed, language, expected):
    variants = search.expand(typed, language)
    assert variants[0] == typed and expected <= set(variants)


def test_a_chinese_synonym_is_not_used_on_english_pages():
    assert search.expand("欺诈", "en") == ["欺诈"]


def test_highlighting_escapes_the_text_around_a_match():
    assert search.highlight("<b>骗局</b>", ["骗局"]) == "&lt;b&gt;<mark>骗局</mark>&lt;/b&gt;"
