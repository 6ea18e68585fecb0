"""The shared shell as a visitor meets it: languages, the elderly mode, headers, errors and operations."""

import io
import re

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.exceptions import SuspiciousOperation
from django.core.management import CommandError, call_command
from django.db import DatabaseError, OperationalError
from django.test import Client, RequestFactory

from portal import views
from portal.models import Branch, SiteProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_with_demo(demo):
    return Client()


def test_home_is_chinese_without_prefix_and_english_under_en(client_with_demo):
    zh = client_with_demo.get("/")
    en = client_with_demo.get("/en/")
    assert zh.status_code == en.status_code == 200
    assert '<html lang="zh-Hans"' in zh.text and "小康人寿" in zh.text
    assert '<html lang="en"' in en.text and "Xiaokang Life" in en.text


def test_language_switch_is_a_plain_link_to_the_same_page_with_its_query(client_with_demo):
    response = client_with_demo.get("/contact/?from=footer")
    assert 'href="/en/contact/?from=footer"' in response.text
    response = client_with_demo.get("/en/contact/?from=footer")
    assert 'href="/contact/?from=footer"' in response.text


def test_public_pages_set_no_cookie_and_carry_no_csrf_token(client_with_demo):
    for path in ["/", "/en/", "/rights/", "/en/contact/", "/en/no-such-page/"]:
        response = client_with_demo.get(path)
        assert not response.cookies, path
        assert "csrfmiddlewaretoken" not in response.text, path


def test_every_page_has_skip_link_navigation_breadcrumbs_and_footer_channels(client_with_demo):
    text = client_with_demo.get("/en/contact/").text
    assert 'class="skip-link" href="#main"' in text
    assert 'aria-label="Main"' in text
    assert 'aria-label="Breadcrumb"' in text
    assert "400-815-6688" in text
    for channel in ["Letter", "Visit", "Web", "Phone", "WeChat", "Email"]:
        assert channel in text


def test_elderly_mode_is_switched_by_a_link_and_remembered_in_a_cookie(client_with_demo):
    response = client_with_demo.get("/display-mode/?mode=elderly&next=/en/rights/")
    assert response.status_code == 302 and response["Location"] == "/en/rights/"
    assert response.cookies["display_mode"].value == "elderly"
    page = client_with_demo.get("/en/rights/")
    assert '<html lang="en" class="elderly">' in page.text
    assert "Standard" in page.text
    response = client_with_demo.get("/display-mode/?mode=standard&next=/en/rights/")
    assert response.cookies["display_mode"].value == ""
    assert 'class="elderly"' not in client_with_demo.get("/en/rights/").text


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "", "%2F%2Fevil"]
)
def test_display_mode_never_redirects_away_from_the_site(client_with_demo, target):
    response = Client().get("/display-mode/", {"mode": "elderly", "next": target})
    assert response.status_code == 302
    assert response["Location"].startswith("/") and not response["Location"].startswith("//")
    assert "evil" not in response["Location"] or response["Location"] == "/%2F%2Fevil"


def test_unknown_language_prefix_gets_a_translated_404_page(client_with_demo):
    response = client_with_demo.get("/fr/notices/")
    assert response.status_code == 404
    assert "页面不存在" in response.text or "Page not found" in response.text


def test_english_404_page_is_in_english_with_the_chinese_heading_beside_it(client_with_demo):
    response = client_with_demo.get("/en/missing/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'lang="zh-Hans"' in response.text


def test_post_without_csrf_token_gets_a_clear_403_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Your form has expired" in response.text


def test_security_headers_are_present(client_with_demo, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client_with_demo.get("/", secure=True)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_have_no_inline_scripts_or_styles(client_with_demo):
    for path in ["/", "/en/contact/", "/en/missing/"]:
        text = client_with_demo.get(path).text
        assert "<script" not in text and "<style" not in text and " style=" not in text, path
        assert not re.search(r"\son[a-z]+=", text), path


def test_healthz_answers_json_when_the_database_is_up(client_with_demo):
    response = client_with_demo.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_sitemap_lists_every_shell_page_in_both_languages(client_with_demo):
    text = client_with_demo.get("/sitemap.xml").text
    for path in ["/", "/en/", "/rights/", "/en/rights/", "/contact/", "/en/contact/"]:
        assert f"<loc>http://testserver{path}</loc>" in text, path
    assert 'hreflang="en"' in text


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client_with_demo):
    text = client_with_demo.get("/robots.txt").text
    assert "Disallow: /admin/" in text and "Sitemap: http://testserver/sitemap.xml" in text


def test_load_demo_refuses_with_debug_off_and_says_how_to_run_it_on_a_demo_site_on_purpose(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as refusal:
        call_command("load_demo", stdout=io.StringIO())
    assert "DEBUG is off" in str(refusal.value) and "--demo-site" in str(refusal.value)
    assert not SiteProfile.objects.exists() and not Branch.objects.exists()


def test_english_page_notes_no_fallback_where_a_text_is_empty_in_both_languages(client_with_demo):
    # The head office has no transit directions in either language: its card is all English.
    assert not Branch.objects.get(slug="head-office").transit_zh_hans
    text = client_with_demo.get("/en/contact/").text
    card = text[text.index('id="branch-head-office"') : text.index("</li>", text.index('id="branch-head-office"'))]
    assert "Head Office" in card and "This text is only available in Chinese." not in card
    assert "This text is only available in Chinese." not in text


def test_english_page_notes_text_that_falls_back_to_chinese(client_with_demo):
    Branch.objects.filter(slug="hunan").update(transit_en="")
    text = client_with_demo.get("/en/contact/").text
    assert "This text is only available in Chinese." in text
    assert "地铁2号线五一广场站" in text


def test_a_request_for_an_unknown_host_gets_the_400_page_not_a_crash(demo):
    response = Client(HTTP_HOST="evil.example").get("/en/")
    assert response.status_code == 400
    assert "Bad request" in response.text or "请求有误" in response.text


def test_the_500_page_renders_in_both_languages_without_touching_the_database(demo, rf):
    from django.utils import translation

    from portal.views import server_error

    for language, heading in [("en", "Something went wrong"), ("zh-hans", "系统出现错误")]:
        with translation.override(language):
            response = server_error(rf.get("/"))
        assert response.status_code == 500
        assert heading in response.content.decode()


def _session_interrupted(cause: Exception | None):
    """The exception Django's session middleware raises when a session's save fails, chained as it chains it."""
    try:
        try:
            if cause is not None:
                raise cause
            raise UpdateError
        except DatabaseError as error:
            raise UpdateError from error
    except UpdateError:
        try:
            raise SessionInterrupted("The request's session was deleted before the request completed.")
        except SessionInterrupted as interrupted:
            return interrupted


def test_a_session_lost_to_a_database_outage_gets_the_503_page_and_any_other_bad_request_the_400(demo):
    request = RequestFactory().get("/complaints/new/")
    outage = views.bad_request(request, _session_interrupted(OperationalError("server closed the connection")))
    assert outage.status_code == 503 and outage["Retry-After"]
    assert views.bad_request(request, _session_interrupted(None)).status_code == 400
    assert views.bad_request(request, SuspiciousOperation("bad host")).status_code == 400
