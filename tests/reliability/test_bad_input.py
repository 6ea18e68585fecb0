"""Bad input never gets a server error: generated hostile input against every public form, the query parameters
of the public lists, the display-mode switch and both importers.

Bodies are built byte by byte (not by the test client's encoder) so that they can carry what browsers and robots
really send: invalid UTF-8, lone surrogates (UTF-8-encoded, as a broken client would send them), NUL bytes,
right-to-left overrides, 200 KB fields, missing, repeated and unknown fields, and uploads with empty, wrong,
polyglot content under long, unicode and path-traversal names. Every answer must be below 500.
tests/reliability/test_every_public_parameter.py walks every public parameter with each hostile value in turn.
"""

import contextlib
import io
import itertools
import urllib.parse
import zipfile
from collections import Counter
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from complaints import services as complaint_services
from complaints.models import Complaint, Status
from tests.complaints.factories import register

pytestmark = pytest.mark.django_db

RUNS = Counter()


def examples(count: int):
    return hypothesis_settings(
        max_examples=count,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    print(f"\nbad input: {sum(RUNS.values())} generated requests and imports, by target {dict(RUNS)}")


# --- values -----------------------------------------------------------------------------------------------

HUGE = b"A" * 200_000
NASTY = [
    b"",
    b" ",
    b"\x00",
    b"a\x00b",
    "\u202egnp.exe\u202c".encode(),
    "\u200f\u202b\u2066 mixed \u2069".encode(),
    "\ud800".encode("utf-8", "surrogatepass"),
    "a\udfffb".encode("utf-8", "surrogatepass"),
    b"\xff\xfe\xfd",
    b"\xc0\xaf\xe0\x80\xaf",
    b"<script>alert(1)</script>",
    b"' OR 1=1 --",
    b'=HYPERLINK("http://x")',
    "𝕳𝖊𝖑𝖑𝖔 👨‍👩‍👧 \ufeff".encode(),
    b"%00%ff%",
    b"../../../../etc/passwd",
    "１３８１２３４５６７８".encode(),
    b"+86 138 1234 5678",
    b"9" * 60,
    b"-1",
    b"99999999999999999999999999",
    b"9" * 400,
    str(2**63).encode(),
    b"1e309",
    b"NaN",
    b"[]",
    b'{"a": 1}',
    HUGE,
    "投诉".encode() * 35_000,
]


def values(valid: list[bytes]):
    """A field's value: a plausible one (so that some examples get past validation), or anything at all."""
    return st.one_of(
        st.sampled_from(valid) if valid else st.nothing(),
        st.sampled_from(NASTY),
        st.binary(max_size=200),
        st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
    )


def form_fields(spec: dict[str, list[bytes]]):
    """A list of (name, value) pairs: each field missing, once or repeated, plus unknown fields."""

    def one(name, valid):
        return st.one_of(
            st.just([]),
            values(valid).map(lambda value: [(name.encode(), value)]),
            st.lists(values(valid), min_size=2, max_size=3).map(lambda vs: [(name.encode(), v) for v in vs]),
        )

    known = st.tuples(*[one(name, valid) for name, valid in spec.items()]).map(
        lambda parts: list(itertools.chain.from_iterable(parts))
    )
    unknown = st.lists(st.tuples(st.binary(min_size=1, max_size=20), values([])), max_size=2)
    return st.tuples(known, unknown).map(lambda both: both[0] + both[1])


def urlencoded(pairs, raw: bool) -> bytes:
    if raw:  # not percent-encoded at all, as a broken client sends it
        return b"&".join(name + b"=" + value for name, value in pairs)
    return b"&".join(
        urllib.parse.quote_from_bytes(name, safe=b"").encode()
        + b"="
        + urllib.parse.quote_from_bytes(value, safe=b"").encode()
        for name, value in pairs
    )


BOUNDARY = b"----portal-bad-input-7MA4YWxkTrZu0gW"


def multipart(pairs, files) -> bytes:
    body = []
    for name, value in pairs:
        body.append(
            b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="' + name + b'"\r\n\r\n' + value + b"\r\n"
        )
    for filename, content_type, content in files:
        body.append(
            b"--"
            + BOUNDARY
            + b'\r\nContent-Disposition: form-data; name="attachments"; filename="'
            + filename
            + b'"\r\nContent-Type: '
            + content_type
            + b"\r\n\r\n"
            + content
            + b"\r\n"
        )
    return b"".join(body) + b"--" + BOUNDARY + b"--\r\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def _docx(extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FILE_CONTENTS = [
    PDF,
    _png(),
    _docx(),
    b"",
    b"MZ\x90\x00" + b"\x00" * 100,
    b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>",  # PDF header + HTML/JS
    b"GIF89a/*<svg onload=alert(1)>*/=1;",
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # a PNG signature and nothing that decodes
    _png()[:40],
    b"\xff\xd8\xff\xe0" + b"\x00" * 32,  # a JPEG start, truncated
    b"PK\x03\x04" + b"\x00" * 40,  # a broken ZIP
    _docx({"../../evil.sh": b"rm -rf /"}),
    b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a SYSTEM 'file:///etc/passwd'>]><x>&a;</x>",
]
FILE_NAMES = [
    b"letter.pdf",
    b"../../../etc/passwd",
    b"..\\..\\windows\\system32\\config.pdf",
    b"/absolute/path.png",
    "身份证复印件.pdf".encode(),
    "\u202efdp.exe".encode(),
    b"a" * 500 + b".pdf",
    "长".encode() * 300 + b".png",
    b"",
    b".",
    b"nul\x00byte.pdf",
    b'quote".pdf',
    "\ud800.pdf".encode("utf-8", "surrogatepass"),
    b"\xff\xfe.docx",
    b"CON.pdf",
]
CONTENT_TYPES = [b"application/pdf", b"image/png", b"text/html", b"application/octet-stream", b"\xff", b""]
uploads = st.lists(
    st.tuples(st.sampled_from(FILE_NAMES), st.sampled_from(CONTENT_TYPES), st.sampled_from(FILE_CONTENTS)),
    max_size=7,
)


def assert_no_server_error(response, what: str):
    RUNS[what] += 1
    assert response.status_code < 500, (what, response.status_code)


def post_body(client, path: str, body: bytes, content_type: str):
    return client.generic("POST", path, data=body, content_type=content_type)


# --- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture
def no_limits(settings):
    settings.PORTAL_RATE_LIMITS = False


def _tracked_client(complaint) -> Client:
    client = Client()
    response = client.post(
        "/en/complaints/track/", {"tracking_number": complaint.tracking_number, "phone": "13812345678"}
    )
    assert response.status_code == 302
    return client


def _open_complaint():
    return register(name="张三", phone="13812345678", description="理赔迟迟没有结果。")


def _decided_complaint():
    complaint = _open_complaint()
    complaint_services.complaint_accept(complaint=complaint, actor=None)
    return complaint_services.complaint_decide(
        complaint=complaint,
        actor=None,
        decision="维持原决定。",
        outcome="not_upheld",
        reliefs=["explanation"],
        remedies=["mediation"],
    )


COMPLAINT_FIELDS = {
    "name": [b"\xe7\x8e\x8b\xe8\x8a\xb3", b"Wang Fang"],
    "phone": [b"13812345678", b"010-85921177", b"+86 138 1234 5678"],
    "email": [b"", b"wang@example.com"],
    "capacity": [b"self", b"proxy", b"heir"],
    "principal_name": [b"", "李四".encode()],
    "category": [b"service", b"claims", b"sales"],
    "policy_number": [b"", b"P-2023-0001"],
    "province": [b"", "北京".encode()],
    "description": ["柜台在营业时间关闭。".encode(), b"The counter was closed."],
    "desired_outcome": [b""],
    "consent": [b"on"],
    "website": [b""],
    "token": [b"AbCdEfGhIjKlMnOpQrStUvWx", b"x" * 24],
}


# --- the complaint form --------------------------------------------------------------------------------------


@examples(150)
@given(pairs=form_fields(COMPLAINT_FIELDS), files=uploads, language=st.sampled_from(["", "/en"]))
def test_the_complaint_form_answers_any_multipart_post_without_a_server_error(no_limits, pairs, files, language):
    response = post_body(
        Client(),
        f"{language}/complaints/new/",
        multipart(pairs, files),
        f"multipart/form-data; boundary={BOUNDARY.decode()}",
    )
    assert_no_server_error(response, "complaint form (multipart)")


@examples(100)
@given(pairs=form_fields(COMPLAINT_FIELDS), raw=st.booleans())
def test_the_complaint_form_answers_any_urlencoded_post_without_a_server_error(no_limits, pairs, raw):
    response = post_body(Client(), "/complaints/new/", urlencoded(pairs, raw), "application/x-www-form-urlencoded")
    assert_no_server_error(response, "complaint form (urlencoded)")


@examples(30)
@given(
    body=st.one_of(st.binary(max_size=2000), st.sampled_from(NASTY)),
    content_type=st.sampled_from(
        [
            "multipart/form-data",
            "multipart/form-data; boundary=",
            f"multipart/form-data; boundary={BOUNDARY.decode()}",
            'multipart/form-data; boundary="unterminated',
            "application/json",
            "text/plain; charset=utf-16",
            "application/x-www-form-urlencoded; charset=no-such-charset",
            "",
        ]
    ),
)
def test_broken_bodies_and_content_types_get_no_server_error(no_limits, body, content_type):
    for path in ("/complaints/new/", "/complaints/track/", "/reception/cancel/", "/account/", "/callback/"):
        assert_no_server_error(post_body(Client(), path, body, content_type), "broken bodies")


def test_a_30_mb_upload_gets_a_clear_answer_not_a_server_error(no_limits):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (30 * 1024 * 1024), content_type="application/pdf")
    response = Client().post(
        "/en/complaints/new/",
        {
            "name": "Wang",
            "phone": "13812345678",
            "capacity": "self",
            "category": "service",
            "description": "Big file",
            "consent": "on",
            "token": "AbCdEfGhIjKlMnOpQrStUvWx",
            "attachments": big,
        },
    )
    assert response.status_code in (200, 413)
    assert "the limit is 10" in response.text or "too large" in response.text.lower()
    assert not Complaint.objects.exists()


def test_a_30_mb_form_field_gets_a_clear_answer_not_a_server_error(no_limits):
    body = b"name=" + b"A" * (30 * 1024 * 1024)
    response = post_body(Client(), "/en/complaints/new/", body, "application/x-www-form-urlencoded")
    assert response.status_code in (400, 413)


def test_a_request_above_the_portal_limit_is_refused_with_413(no_limits, settings):
    settings.PORTAL_MAX_REQUEST_BYTES = 1024 * 1024
    body = multipart([(b"name", b"Wang")], [(b"a.pdf", b"application/pdf", PDF + b"0" * (2 * 1024 * 1024))])
    response = post_body(Client(), "/en/complaints/new/", body, f"multipart/form-data; boundary={BOUNDARY.decode()}")
    assert response.status_code == 413


# --- tracking and what a complainant does next ------------------------------------------------------------

TRACK_FIELDS = {
    "tracking_number": [b"TS-20261121-7KQ2M9XD", b"ts 20261121 7kq2m9xd", b"BK-20261121-7KQ2M9XD"],
    "phone": [b"13812345678", b"138-1234-5678"],
}


@examples(200)
@given(pairs=form_fields(TRACK_FIELDS), raw=st.booleans())
def test_the_tracking_look_up_answers_any_post_without_a_server_error(no_limits, pairs, raw):
    response = post_body(Client(), "/complaints/track/", urlencoded(pairs, raw), "application/x-www-form-urlencoded")
    assert_no_server_error(response, "tracking")


def test_a_real_complaint_number_with_hostile_phones_is_not_found_and_never_an_error(no_limits):
    complaint = _open_complaint()
    client = Client()
    for phone in NASTY:
        if phone in ("１３８１２３４５６７８".encode(), b"+86 138 1234 5678"):
            continue  # the right number, written differently: found, as it should be
        body = urlencoded([(b"tracking_number", complaint.tracking_number.encode()), (b"phone", phone)], False)
        response = post_body(client, "/en/complaints/track/", body, "application/x-www-form-urlencoded")
        assert_no_server_error(response, "tracking")
        assert response.status_code == 200


class _Tracked:
    """A complaint looked up in a client's session; renewed when an example has used it up (withdrawn)."""

    def __init__(self, make, usable):
        self.make, self.usable = make, usable
        self.renew()

    def renew(self):
        self.complaint = self.make()
        self.client = _tracked_client(self.complaint)

    def check(self):
        self.complaint.refresh_from_db()
        if not self.usable(self.complaint):
            self.renew()


ADD_FIELDS = {"text": ["我还想补充一点。".encode(), b""]}
REVIEW_FIELDS = {"reason": ["我不同意这个决定。".encode()]}
WITHDRAW_FIELDS = {"confirm": [b"on", b""], "reason": [b"", "已解决".encode()]}


@examples(80)
@given(pairs=form_fields(ADD_FIELDS), files=uploads)
def test_adding_information_answers_any_post_without_a_server_error(no_limits, pairs, files):
    tracked = _add_state()
    response = post_body(
        tracked.client,
        "/complaints/track/add/",
        multipart(pairs, files),
        f"multipart/form-data; boundary={BOUNDARY.decode()}",
    )
    assert_no_server_error(response, "add information")
    tracked.check()


@examples(60)
@given(pairs=form_fields(REVIEW_FIELDS), raw=st.booleans())
def test_a_review_request_answers_any_post_without_a_server_error(no_limits, pairs, raw):
    tracked = _review_state()
    response = post_body(
        tracked.client, "/en/complaints/track/review/", urlencoded(pairs, raw), "application/x-www-form-urlencoded"
    )
    assert_no_server_error(response, "request review")
    tracked.check()


@examples(60)
@given(pairs=form_fields(WITHDRAW_FIELDS), raw=st.booleans())
def test_a_withdrawal_answers_any_post_without_a_server_error(no_limits, pairs, raw):
    tracked = _withdraw_state()
    response = post_body(
        tracked.client, "/complaints/track/withdraw/", urlencoded(pairs, raw), "application/x-www-form-urlencoded"
    )
    assert_no_server_error(response, "withdraw")
    tracked.check()


# One tracked complaint per test function (hypothesis runs the examples inside one test and one transaction).
_STATES: dict[str, _Tracked] = {}


@pytest.fixture(autouse=True)
def _fresh_states():
    _STATES.clear()
    yield
    _STATES.clear()


def _add_state():
    if "add" not in _STATES:
        _STATES["add"] = _Tracked(_open_complaint, lambda c: c.status in (Status.RECEIVED, Status.ACCEPTED))
    return _STATES["add"]


def _review_state():
    if "review" not in _STATES:
        _STATES["review"] = _Tracked(_decided_complaint, lambda c: not c.reviews.exists())
    return _STATES["review"]


def _withdraw_state():
    if "withdraw" not in _STATES:
        _STATES["withdraw"] = _Tracked(_open_complaint, lambda c: c.status != Status.WITHDRAWN)
    return _STATES["withdraw"]


# --- reception: booking and cancelling -------------------------------------------------------------------

BOOKING_FIELDS = {
    "name": ["王芳".encode(), b"Wang Fang"],
    "phone": [b"13812345678", b"010-85921177"],
    "topic": ["理赔问题".encode()],
    "tracking_number": [b"", b"TS-20261121-7KQ2M9XD"],
    "consent": [b"on"],
    "website": [b""],
}
CANCEL_FIELDS = {"number": [b"BK-20261121-7KQ2M9XD"], "phone": [b"13812345678"]}


@pytest.fixture
def reception_day(demo):
    from portal.models import Branch
    from reception.models import ReceptionDay

    return ReceptionDay.objects.create(
        branch=Branch.objects.order_by("pk").first(),
        date=timezone.localdate() + timedelta(days=20),
        start_time="09:00",
        end_time="11:30",
        receptionist="张丹",
        title_zh_hans="总经理",
        title_en="General Manager",
        place_zh_hans="北京市朝阳区东三环中路5号",
        place_en="5 East Third Ring Middle Road, Beijing",
        phone="010-85921177",
        liaison="张颖",
        capacity=1000,
    )


@examples(120)
@given(pairs=form_fields(BOOKING_FIELDS), raw=st.booleans(), language=st.sampled_from(["", "/en"]))
def test_booking_a_visit_answers_any_post_without_a_server_error(no_limits, reception_day, pairs, raw, language):
    response = post_body(
        Client(),
        f"{language}/reception/book/{reception_day.pk}/",
        urlencoded(pairs, raw),
        "application/x-www-form-urlencoded",
    )
    assert_no_server_error(response, "reception booking")


@examples(120)
@given(pairs=form_fields(CANCEL_FIELDS), raw=st.booleans())
def test_cancelling_a_booking_answers_any_post_without_a_server_error(no_limits, demo, pairs, raw):
    response = post_body(Client(), "/reception/cancel/", urlencoded(pairs, raw), "application/x-www-form-urlencoded")
    assert_no_server_error(response, "reception cancel")


# --- query parameters -------------------------------------------------------------------------------------

QUERY_PARAMS = {
    "q": ["欺诈".encode(), b"fraud", b""],
    "page": [b"1", b"2", b"0", b"-1", b"last", b"999999999999999999999", b"9" * 400, str(2**63).encode(), b"1e309"],
    "right": [b"", b"information"],
    "audience": [b"", b"elderly"],
    "branch": [b"", b"beijing"],
    "province": [b"", "北京".encode()],
    "mode": [b"elderly", b"standard"],
    "next": [b"/", b"/en/notices/", b"//evil.example", b"https://evil.example/", b"/\\evil", b"javascript:alert(1)"],
}
PUBLIC_PATHS = [
    "/",
    "/en/",
    "/notices/",
    "/en/notices/",
    "/notices/fraud-warnings/",
    "/en/notices/disclosures/",
    "/notices/no-such-category/",
    "/notices/feed/",
    "/reception/",
    "/en/reception/",
    "/reception/archive/2023/",
    "/reception/archive/99999/",
    "/display-mode/",
    "/en/display-mode/",
    "/complaints/new/",
    "/complaints/track/",
    "/complaints/receipt/",
    "/complaints/track/status/",
    "/reception/cancel/",
    "/account/",
    "/account/mine/",
    "/callback/",
    "/callback/done/",
    "/healthz",
    "/sitemap.xml",
]


@examples(400)
@given(path=st.sampled_from(PUBLIC_PATHS), pairs=form_fields(QUERY_PARAMS), raw=st.booleans())
def test_public_pages_answer_any_query_string_without_a_server_error(demo, path, pairs, raw):
    # QUERY_STRING as a WSGI server passes it: the raw bytes of the request line, one character per byte.
    response = Client().get(path, QUERY_STRING=urlencoded(pairs, raw).decode("latin-1"))
    assert_no_server_error(response, "query strings")
    if path.endswith("/display-mode/") and response.status_code == 302:
        target = response["Location"]
        assert target.startswith("/") and not target.startswith("//") and "\\" not in target[:2]


@examples(80)
@given(segment=st.one_of(st.sampled_from(NASTY[:20]), st.binary(min_size=1, max_size=80)))
def test_hostile_path_segments_answer_without_a_server_error(demo, segment):
    quoted = urllib.parse.quote_from_bytes(segment, safe=b"")
    for template in ("/notices/{}/", "/notices/disclosures/{}/", "/reception/{}/calendar.ics", "/{}"):
        response = Client().get(template.format(quoted))
        assert_no_server_error(response, "path segments")


# --- importers -----------------------------------------------------------------------------------------------

RECEPTION_HEADER = "分支机构,接待日期,接待人员,职务,接待电话,接待地点,接待时间,联络人员"
RECEPTION_ROW = "北京分公司,2023-01-11,张丹,总经理,010-85921177,北京市朝阳区东三环中路5号,上午9:00-11:30,王珊珊"
COMPLAINTS_HEADER = (
    "received_at,source,regulator_ref,channel,business_channel,category,province,name,phone,description,"
    "closed_at,outcome"
)
COMPLAINTS_ROW = "2023-03-01,self,,phone,broker,sales,北京,王芳,13900001111,销售时未说明犹豫期。,,"


def _cells():
    return st.one_of(
        st.sampled_from(["", "2023-13-45", "1月11日", "上午25:00-99:99", "=cmd|' /C calc'!A0", "\u202e", "9" * 400]),
        st.text(max_size=40),
    )


def _table_bytes(header: str, good_row: str):
    rows = st.lists(st.lists(_cells(), max_size=10).map(lambda cells: ",".join(c.replace("\n", " ") for c in cells)))
    return st.one_of(
        st.binary(max_size=3000),
        st.sampled_from([b"", b"\xef\xbb\xbf", header.encode(), HUGE, _docx(), PDF, b"PK\x03\x04garbage"]),
        st.tuples(st.sampled_from([header, header.upper(), header.replace(",", ";")]), rows, st.booleans()).map(
            lambda parts: "\n".join([parts[0], *(parts[1] or [good_row]), *([good_row] if parts[2] else [])]).encode(
                "utf-8", "surrogatepass"
            )
        ),
        st.tuples(rows, st.sampled_from(["utf-8", "gb18030", "utf-16"])).map(
            lambda parts: "\n".join([header, good_row, *parts[0]]).encode(parts[1], "replace")
        ),
        st.lists(st.lists(_cells(), max_size=9), max_size=6).map(_xlsx),
    )


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:  # what a spreadsheet can hold at all (no control characters, no lone surrogates)
        sheet.append(
            [
                ILLEGAL_CHARACTERS_RE.sub("", cell.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
                for cell in row
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(command: str, data: bytes, suffix: str, tmp_path, what: str):
    path = tmp_path / f"import{suffix}"
    path.write_bytes(data)
    RUNS[what] += 1
    # Refused with a message (CommandError) is the expected answer to a bad file; anything else fails the test.
    with contextlib.suppress(CommandError):
        call_command(command, str(path), stdout=io.StringIO(), stderr=io.StringIO())


@examples(100)
@given(data=_table_bytes(RECEPTION_HEADER, RECEPTION_ROW), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ""]))
def test_the_reception_importer_refuses_any_bad_file_with_a_message(demo, tmp_path, data, suffix):
    _import("import_reception", data, suffix, tmp_path, "import_reception")


@examples(100)
@given(data=_table_bytes(COMPLAINTS_HEADER, COMPLAINTS_ROW), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ""]))
def test_the_complaint_importer_refuses_any_bad_file_with_a_message(demo, tmp_path, data, suffix):
    _import("import_complaints", data, suffix, tmp_path, "import_complaints")
