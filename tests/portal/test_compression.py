"""Pages the page cache does not hold are compressed too (the complaint and tracking forms); the staff site and
non-HTML answers are not (BREACH: portal/compression.py)."""

import gzip

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.mark.parametrize("path", ["/complaints/new/", "/en/complaints/track/", "/en/reception/"])
def test_the_forms_answer_gzip_to_a_browser_that_accepts_it(demo, path):
    client = Client()
    compressed = client.get(path, **GZIP)
    assert compressed.status_code == 200
    assert compressed["Content-Encoding"] == "gzip" and "Accept-Encoding" in compressed["Vary"]
    html = gzip.decompress(compressed.content).decode()
    assert "<form" in html or "reception" in html
    assert int(compressed["Content-Length"]) == len(compressed.content) < len(html.encode()) / 2
    plain = client.get(path)
    assert not plain.has_header("Content-Encoding") and plain.content.startswith(b"<!DOCTYPE html>")


def test_two_compressed_answers_of_the_same_form_differ_in_length_against_breach(demo):
    client = Client()
    sizes = {len(client.get("/complaints/track/", **GZIP).content) for _ in range(8)}
    assert len(sizes) > 1  # random padding in every compressed answer (and a fresh CSRF mask)


def test_the_staff_site_and_other_answers_than_html_are_not_compressed(demo):
    client = Client()
    login = client.get("/admin/login/", **GZIP)
    assert login.status_code == 200 and not login.has_header("Content-Encoding")
    robots = client.get("/robots.txt", **GZIP)
    assert robots.status_code == 200 and not robots.has_header("Content-Encoding")


def test_compression_can_be_left_to_a_proxy(demo, settings):
    settings.PORTAL_COMPRESS_PAGES = False
    assert not Client().get("/complaints/new/", **GZIP).has_header("Content-Encoding")


def test_a_page_compressed_for_each_request_is_compressed_at_the_fastest_level_and_reads_back_whole(demo, settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0  # every request renders (and compresses) the list
    client = Client()
    compressed = client.get("/notices/", **GZIP).content
    assert compressed[8] == 4  # gzip's XFL byte: 4 is "fastest" (level 1), 0 would be Django's level 6
    assert gzip.decompress(compressed) == client.get("/notices/").content
