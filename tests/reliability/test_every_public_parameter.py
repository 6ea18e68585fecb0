"""Every public parameter of every public address, sent each hostile value a robot or a broken client sends:
numbers too large for any column or for int() (400 and 5,000 digits, 2**63, below -2**63), -1, 1e309, a lone
surrogate (%ED%A0%80), a right-to-left override (U+202E) and NUL bytes. Query parameters, numbers in paths and
the fields of every public form, one value at a time (the others valid, so that each value reaches as far as it
can). The answer is never a server error: the normal page, a redirect, "not found", or the form again with a
translated error (on the Chinese site no English validation message).

tests/reliability/test_bad_input.py generates input at random; this one walks the whole list."""

import re
import urllib.parse

import pytest
from django.test import Client

from complaints import services as complaint_services
from notices.models import Notice
from reception.models import ReceptionDay
from tests.complaints.factories import register

pytestmark = pytest.mark.django_db

# Percent-encoded as they arrive (a lone surrogate is what a broken client's UTF-8 encoder writes).
HOSTILE = {
    "400 digits": "9" * 400,
    "5000 digits": "9" * 5000,
    "2**63": str(2**63),
    "below -2**63": str(-(2**63) - 1),
    "-1": "-1",
    "1e309": "1e309",
    "lone surrogate": "%ED%A0%80",
    "right-to-left override": "%E2%80%AEfdp.exe",
    "NUL": "%00",
    "NUL inside": "1%002",
}
# Django's own English messages, which the Chinese site must show in Chinese.
ENGLISH = re.compile(r"This field is required|Enter a valid|Ensure this value|Null characters|Select a valid choice")

LIST_PARAMETERS = ("q", "page", "right", "audience")
GET_TARGETS = [
    *[
        (path, "", name)
        for path in ("/notices/", "/en/notices/", "/notices/fraud-warnings/")
        for name in LIST_PARAMETERS
    ],
    # A search's pages are read by another paginator (the 500 of a 400-digit page number was there).
    *[(path, "q=%E4%BF%9D%E9%99%A9&", "page") for path in ("/notices/", "/en/notices/", "/notices/disclosures/")],
    ("/notices/", "q=insurance&", "right"),
    ("/reception/", "", "branch"),
    ("/reception/", "", "province"),
    ("/en/reception/", "branch=beijing&", "province"),
    ("/display-mode/", "", "next"),
    ("/display-mode/", "", "mode"),
    ("/sitemap.xml", "", "p"),
    ("/complaints/new/", "", "step"),
    ("/en/complaints/new/", "", "step"),
    # Pages without parameters, sent the names robots try.
    *[
        (path, "", name)
        for path in ("/", "/notices/feed/", "/statistics/", "/complaints/track/", "/reception/cancel/")
        for name in ("page", "id")
    ],
]
PATH_TEMPLATES = [
    "/reception/book/{}/",
    "/reception/archive/{}/",
    "/reception/{}/calendar.ics",
    "/statistics/{}/",
    "/statistics/{}.csv",
    "/notices/{}/",
    "/notices/{}/feed/",
    "/notices/{category}/{slug}/files/{}/",
    "/notices/{category}/{}/",
]


def _numbers_in_path(value: str) -> list[str]:
    # The converters of the URLs decide what reaches a view: digits, a slug; the rest is simply not found.
    return [value, value.lstrip("-")]


@pytest.fixture
def full_demo(db, settings):
    from tests.demo_snapshot import load_demo

    settings.PORTAL_RATE_LIMITS = False
    load_demo()


def _assert_answered(response, what: str, *, zh: bool):
    assert response.status_code < 500, (what, response.status_code)
    if zh and response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        assert not ENGLISH.search(response.text), (what, ENGLISH.search(response.text).group(0))


@pytest.mark.parametrize(("path", "base", "name"), GET_TARGETS)
def test_every_query_parameter_answers_every_hostile_value_without_a_server_error(full_demo, path, base, name):
    client = Client()
    for label, value in HOSTILE.items():
        response = client.get(path, QUERY_STRING=f"{base}{name}={value}")
        _assert_answered(response, f"{path}?{base}{name}= {label}", zh=not path.startswith("/en/"))
        assert response.status_code in (200, 301, 302, 304, 404), (path, name, label, response.status_code)


@pytest.mark.parametrize("template", PATH_TEMPLATES)
def test_every_number_and_slug_in_a_public_path_answers_every_hostile_value_without_a_server_error(full_demo, template):
    notice = Notice.objects.published().order_by("pk").first()
    client = Client()
    for label, value in HOSTILE.items():
        for segment in _numbers_in_path(value):
            path = template.replace("{category}", notice.category).replace("{slug}", notice.slug).format(segment)
            response = client.get(path)
            _assert_answered(response, f"{path[:80]} {label}", zh=True)
            assert response.status_code in (200, 301, 302, 404), (template, label, response.status_code)


# --- the public forms: every field, one hostile value at a time -------------------------------------------


def _token(client, path="/complaints/new/") -> str:
    return re.search(r'name="token" value="([^"]+)"', client.get(path).text).group(1)


def _complaint_fields(client) -> dict:
    return {
        "name": "王芳",
        "phone": "13812345678",
        "email": "wang@example.com",
        "capacity": "self",
        "principal_name": "",
        "category": "service",
        "policy_number": "P-2023-0001",
        "province": "北京",
        "description": "柜台在营业时间关闭。",
        "desired_outcome": "",
        "consent": "on",
        "website": "",
        "token": _token(client),
    }


def _step_fields(client) -> dict:
    client.post(
        "/complaints/new/",
        {"step": "who", "token": _token(client, "/complaints/new/?step=who"), "website": "", "name": "王芳",
         "phone": "13812345678", "capacity": "self"},
    )  # fmt: skip
    return {
        "step": "what",
        "token": _token(client, "/complaints/new/?step=what"),
        "website": "",
        "category": "service",
        "policy_number": "",
        "province": "",
        "description": "柜台在营业时间关闭。",
        "go": "next",
        "remove": "0",
    }


def _tracked(client, complaint) -> None:
    response = client.post("/complaints/track/", {"tracking_number": complaint.tracking_number, "phone": "13812345678"})
    assert response.status_code == 302


def _open(client) -> None:
    _tracked(client, register(name="张三", phone="13812345678", description="理赔迟迟没有结果。"))


def _decided(client) -> None:
    complaint = register(name="张三", phone="13812345678", description="理赔迟迟没有结果。")
    complaint_services.complaint_accept(complaint=complaint, actor=None)
    complaint = complaint_services.complaint_decide(
        complaint=complaint,
        actor=None,
        decision="维持原决定。",
        outcome="not_upheld",
        reliefs=["explanation"],
        remedies=["mediation"],
    )
    _tracked(client, complaint)


def _booking_day() -> int:
    from django.utils import timezone

    return ReceptionDay.objects.upcoming(timezone.localdate()).order_by("date", "pk").first().pk


FORMS = {
    "complaint form, all at once": ("/complaints/new/", lambda client: _complaint_fields(client)),
    "complaint form, all at once (English)": ("/en/complaints/new/", lambda client: _complaint_fields(client)),
    "complaint form, a step": ("/complaints/new/", _step_fields),
    "tracking look-up": (
        "/complaints/track/",
        lambda client: {"tracking_number": "TS-20261121-7KQ2M9XD", "phone": "13812345678"},
    ),
    "add information": ("/complaints/track/add/", lambda client: _open(client) or {"text": "我还想补充一点。"}),
    "request a review": ("/complaints/track/review/", lambda client: _decided(client) or {"reason": "我不同意。"}),
    "withdraw": ("/complaints/track/withdraw/", lambda client: _open(client) or {"confirm": "on", "reason": "已解决"}),
    "book a visit": (
        "/reception/book/{day}/",
        lambda client: {
            "name": "王芳",
            "phone": "13812345678",
            "topic": "理赔问题",
            "tracking_number": "",
            "consent": "on",
            "website": "",
        },
    ),
    "cancel a booking": (
        "/reception/cancel/",
        lambda client: {"number": "BK-20261121-7KQ2M9XD", "phone": "13812345678"},
    ),
}


def _body(fields: dict, name: str, raw: str) -> str:
    pairs = [f"{key}={urllib.parse.quote(value, safe='')}" for key, value in fields.items() if key != name]
    return "&".join([*pairs, f"{name}={raw}"])


@pytest.mark.parametrize("form", list(FORMS))
def test_every_field_of_every_public_form_answers_every_hostile_value_with_the_page_or_a_translated_error(
    full_demo, form
):
    path, make = FORMS[form]
    path = path.format(day=_booking_day()) if "{day}" in path else path
    client = Client()
    fields = make(client)
    for name in fields:
        for label, value in HOSTILE.items():
            response = client.generic(
                "POST", path, data=_body(fields, name, value), content_type="application/x-www-form-urlencoded"
            )
            _assert_answered(response, f"{form}: {name}={label}", zh=not path.startswith("/en/"))
            assert response.status_code in (200, 302), (form, name, label, response.status_code)
