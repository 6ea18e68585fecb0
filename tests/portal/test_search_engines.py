"""What search engines and readers see: canonical and hreflang links, the sitemap and robots.txt in agreement,
search results kept out of the index, a description and Open Graph per page."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import pytest
from django.test import Client

from tests.demo_snapshot import load_demo

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture
def site(db, settings):
    settings.PORTAL_SITE_URL = "https://consumer.example"
    load_demo()
    return Client()


def links(html: str, rel: str) -> dict[str, str]:
    found = {}
    for tag in re.findall(r"<link [^>]*>", html):
        if f'rel="{rel}"' in tag:
            hreflang = re.search(r'hreflang="([^"]+)"', tag)
            found[hreflang.group(1) if hreflang else rel] = re.search(r'href="([^"]+)"', tag).group(1)
    return found


def sitemap_urls(client) -> list[str]:
    root = ET.fromstring(client.get("/sitemap.xml").content)
    return [url.find("s:loc", NS).text for url in root.findall("s:url", NS)]


def test_every_page_has_a_canonical_link_and_absolute_hreflang_links_with_self_and_x_default(site):
    for path, own in (
        ("/notices/", "zh-Hans"),
        ("/en/notices/", "en"),
        ("/en/contact/", "en"),
        ("/rights/", "zh-Hans"),
    ):
        html = site.get(path).text
        canonical = links(html, "canonical")["canonical"]
        alternates = links(html, "alternate")
        assert canonical == f"https://consumer.example{path}"
        assert alternates["zh-Hans"] == "https://consumer.example" + path.removeprefix("/en")
        assert alternates["en"] == "https://consumer.example/en" + path.removeprefix("/en")
        assert alternates["x-default"] == alternates["zh-Hans"]
        assert alternates[own] == canonical


def test_the_sitemap_names_no_address_robots_txt_forbids_and_each_page_names_itself_canonical(site):
    robots = RobotFileParser()
    robots.parse(site.get("/robots.txt").text.splitlines())
    assert "Sitemap: https://consumer.example/sitemap.xml" in site.get("/robots.txt").text
    urls = sitemap_urls(site)
    assert urls and all(url.startswith("https://consumer.example/") for url in urls)
    for url in urls:
        assert robots.can_fetch("*", url), url
        path = urlsplit(url).path
        html = site.get(path).text
        assert links(html, "canonical")["canonical"] == url, path
        assert 'name="robots" content="noindex' not in html, path


def test_the_sitemap_lists_no_per_day_booking_form_and_robots_keeps_them_out(site):
    urls = sitemap_urls(site)
    assert not [url for url in urls if "/reception/book/" in url]
    robots = RobotFileParser()
    robots.parse(site.get("/robots.txt").text.splitlines())
    assert not robots.can_fetch("*", "https://consumer.example/reception/book/1/")
    assert not robots.can_fetch("*", "https://consumer.example/en/complaints/track/status/")
    assert robots.can_fetch("*", "https://consumer.example/complaints/track/")


def test_search_results_are_not_indexed_but_the_lists_are(site):
    assert 'content="noindex, follow"' in site.get("/notices/?q=%E6%AC%BA%E8%AF%88").text
    assert 'name="robots"' not in site.get("/notices/").text


def test_page_types_have_their_own_description_and_open_graph(site):
    descriptions = set()
    for path in (
        "/",
        "/notices/",
        "/notices/fraud-warnings/",
        "/rights/",
        "/contact/",
        "/reception/",
        "/complaints/track/",
    ):
        html = site.get(path).text
        description = re.search(r'<meta name="description" content="([^"]+)"', html).group(1)
        descriptions.add(description)
        assert re.search(r'<meta property="og:title" content="[^"]+"', html), path
        assert f'<meta property="og:url" content="https://consumer.example{path}"' in html, path
        assert f'<meta property="og:description" content="{description}"' in html, path
    assert len(descriptions) == 7


def test_public_pages_name_a_real_share_image_by_its_absolute_address(site):
    for path in ("/", "/en/", "/notices/", "/en/complaints/new/", "/statistics/"):
        html = site.get(path).text
        image = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
        assert image.startswith("https://consumer.example/static/img/og-image"), path
        assert '<meta property="og:image:width" content="1200">' in html
        assert re.search(r'<meta property="og:image:alt" content="[^"]+"', html), path
    # The file is a real 1200 × 630 PNG among the static files (tests serve no static files themselves).
    from django.contrib.staticfiles import finders

    body = Path(finders.find("img/og-image.png")).read_bytes()
    assert body.startswith(b"\x89PNG") and body[16:24] == (1200).to_bytes(4, "big") + (630).to_bytes(4, "big")


def test_a_language_link_on_an_odd_english_address_stays_on_the_site(site):
    response = site.get("/en//evil.example/")
    assert response.status_code == 404
    hrefs = re.findall(r'href="([^"]+)"', response.text)
    assert hrefs and not [href for href in hrefs if href.startswith("//") or "://evil.example" in href]
    assert 'href="/evil.example/"' in response.text  # the Chinese version of the same (missing) path
