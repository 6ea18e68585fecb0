"""A public page the page cache does not hold is rendered from coarse cached parts: the home page's content, the
rights and contact pages, the reception schedule (per filter) and everything of a notice page below the notice's
own row. Once a part is cached its queries do not run; a change to public content renews it at once; a form's
fields are shared only while nothing has been typed into them."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notices.models import Notice
from portal.models import Branch, SiteProfile
from reception.models import ReceptionDay

pytestmark = pytest.mark.usefixtures("parts_cached_pages_not")


def _queries(client: Client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries), response.content.decode()


def _main(html: str) -> str:
    return html[html.index('<main id="main"') : html.index("</main>")]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/en/", "/rights/", "/contact/", "/reception/", "/en/reception/"])
def test_a_page_rendered_again_from_its_cached_parts_runs_no_query(content, path):
    client = Client()
    client.get("/notices/")  # the site profile, the content version, the shell's parts
    first_count, first = _queries(client, path)
    again_count, again = _queries(client, path)
    assert first_count > 0 or path == "/rights/"  # the rights page is text only
    assert again_count == 0, path
    assert again == first


@pytest.mark.django_db
def test_a_notice_page_rendered_again_from_its_cached_parts_runs_no_query(content):
    notice = Notice.objects.published().order_by("publish_at").last()
    path = notice.get_absolute_url()
    client = Client()
    client.get("/")
    first_count, first = _queries(client, path)
    again_count, again = _queries(client, path)
    assert first_count >= 3  # the notice, its attachments, the earlier and the later notice
    assert again_count == 0
    assert again == first


@pytest.mark.django_db
def test_the_schedule_is_kept_per_filter_and_an_unknown_branch_shows_the_whole_schedule(content):
    branch = Branch.objects.filter(reception_days__isnull=False).distinct().order_by("sort_order").first()
    other = Branch.objects.filter(reception_days__isnull=False).exclude(pk=branch.pk).distinct().first()
    client = Client()
    _count, everything = _queries(client, "/reception/")
    _count, one = _queries(client, f"/reception/?branch={branch.slug}")
    _count, one_again = _queries(client, f"/reception/?branch={branch.slug}&utm_source=x")
    _count, unknown = _queries(client, "/reception/?branch=no-such-branch")
    assert _main(one) == _main(one_again)
    assert f'id="branch-{branch.slug}"' in one and f'id="branch-{other.slug}"' not in one
    assert f'id="branch-{other.slug}"' in everything
    # A branch that does not exist filters nothing (as before): the whole schedule, not one branch's part.
    assert f'id="branch-{other.slug}"' in _main(unknown) and f'id="branch-{branch.slug}"' in _main(unknown)


@pytest.mark.django_db
def test_an_edit_renews_the_cached_parts_of_every_page_at_once(content):
    client = Client()
    for path in ("/", "/contact/", "/reception/"):
        client.get(path)
    profile = SiteProfile.objects.get()
    profile.hotline = "400-123-4567"
    profile.save()
    day = ReceptionDay.objects.upcoming(timezone.localdate()).first()
    day.place = "新的接待地点九号楼"
    day.save()
    _count, home = _queries(client, "/")
    _count, contact = _queries(client, "/contact/")
    _count, schedule = _queries(client, "/reception/")
    assert "400-123-4567" in home and "400-123-4567" in contact
    assert "新的接待地点九号楼" in schedule


def _token(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def _fields(html: str) -> str:
    return html[html.index('<section class="complaint-step"') : html.index('<div class="wizard-buttons">')]


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/complaints/new/", "/en/complaints/new/?step=what", "/complaints/track/"])
def test_an_empty_form_page_is_shared_but_each_visitor_gets_their_own_tokens_and_no_session(demo, path):
    first, second = Client(), Client()
    html_first = first.get(path).content.decode()
    with CaptureQueriesContext(connection) as queries:
        response = second.get(path)
    html_second = response.content.decode()
    # The second visitor's page is the shared copy: no query, no session row, their own CSRF cookie.
    assert len(queries) == 0
    assert "sessionid" not in response.cookies and "no-cache" in response["Cache-Control"]
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert _csrf(html_first) != _csrf(html_second)
    tokens = [_csrf(html_first), _csrf(html_second)]
    if 'name="token"' in html_first:
        assert _token(html_first) != _token(html_second)
        tokens += [_token(html_first), _token(html_second)]
    blank_first, blank_second = html_first, html_second
    for token in tokens:
        blank_first, blank_second = blank_first.replace(token, "T"), blank_second.replace(token, "T")
    assert blank_first == blank_second


@pytest.mark.django_db
def test_a_form_token_from_one_browser_is_refused_in_another_and_a_forged_one_everywhere(demo):
    owner, stranger = Client(), Client()
    token = _token(owner.get("/complaints/new/").content.decode())
    stranger.get("/complaints/new/")
    fields = {"step": "who", "name": "王秀兰", "phone": "13912345678", "capacity": "self", "website": ""}
    for client, sent in [(stranger, token), (owner, token[:-1] + ("0" if token[-1] != "0" else "1"))]:
        response = client.post("/complaints/new/", {**fields, "token": sent})
        assert response.status_code == 200 and "表单已失效" in response.content.decode()
    assert owner.post("/complaints/new/", {**fields, "token": token}).status_code == 302


@pytest.mark.django_db
def test_two_tabs_opened_before_the_first_answer_both_continue_the_same_complaint(demo):
    client = Client()
    first = _token(client.get("/complaints/new/").content.decode())
    second = _token(client.get("/complaints/new/").content.decode())
    assert first != second
    fields = {"step": "who", "name": "王秀兰", "phone": "13912345678", "capacity": "self", "website": ""}
    assert client.post("/complaints/new/", {**fields, "token": first}).status_code == 302
    assert client.post("/complaints/new/", {**fields, "name": "王秀英", "token": second}).status_code == 302
    assert 'value="王秀英"' in client.get("/complaints/new/?step=who").content.decode()


@pytest.mark.django_db
def test_a_shared_form_page_follows_the_hotline_and_the_display_mode(demo):
    html = Client().get("/complaints/track/").content.decode()
    assert "400-815-6688" in html
    profile = SiteProfile.load()
    profile.hotline = "400-810-0000"
    profile.save()
    assert "400-810-0000" in Client().get("/complaints/track/").content.decode()
    elderly = Client()
    elderly.cookies["display_mode"] = "elderly"
    page = elderly.get("/complaints/new/?step=who").content.decode()
    assert '<details class="step-tips">' in page
    assert '<details class="step-tips">' not in Client().get("/complaints/new/?step=who").content.decode()


@pytest.mark.django_db
def test_a_visitor_who_typed_an_answer_sees_it_and_not_the_shared_empty_fields(demo):
    client = Client()
    html = client.get("/complaints/new/").content.decode()
    response = client.post(
        "/complaints/new/",
        {
            "step": "who",
            "token": _token(html),
            "name": "王秀兰",
            "phone": "13912345678",
            "capacity": "self",
            "website": "",
        },
    )
    assert response.status_code == 302
    html = client.get("/complaints/new/?step=who").content.decode()
    assert 'value="王秀兰"' in _fields(html)
    empty = Client().get("/complaints/new/").content.decode()
    assert "王秀兰" not in empty and "13912345678" not in empty


@pytest.mark.django_db
def test_a_remembered_notice_page_is_gone_at_once_when_the_notice_is_unpublished(content):
    from notices.models import Status

    notice = Notice.objects.published().order_by("publish_at").last()
    path = notice.get_absolute_url()
    client = Client()
    assert client.get(path).status_code == 200
    assert client.get(path.replace(notice.slug, "no-such-notice")).status_code == 404
    assert client.get(path.replace(notice.slug, "no-such-notice")).status_code == 404
    notice.status = Status.DRAFT
    notice.save()
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_a_list_page_asked_again_comes_from_its_remembered_page_and_odd_numbers_show_the_first_or_last_page(content):
    last = -(-Notice.objects.published().count() // 20)
    assert last >= 2
    client = Client()
    client.get("/")
    pages = {}
    for query in ("", "?page=abc", f"?page={last}", "?page=99999", "?page=-1"):
        first_count, first = _queries(client, "/notices/" + query)
        again_count, again = _queries(client, "/notices/" + query)
        assert again_count == 0 and again == first, query
        assert first_count > 0 or query == "?page=abc"  # read as page 1, which "" has just remembered
        pages[query] = _main(first)
    assert pages["?page=abc"] == pages[""]  # not a number: the first page, as Paginator.get_page reads it
    assert pages["?page=99999"] == pages["?page=-1"] == pages[f"?page={last}"]  # out of range: the last page
    assert pages[""] != pages[f"?page={last}"]
