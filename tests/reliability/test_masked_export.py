"""The masked export scrubs each row's free text of that row's own names, phone, ID and policy number, in any
format, and its two ways (PostgreSQL's COPY and the Python writer) give the same file."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from complaints.compliance import exports
from complaints.compliance.vocabulary import EXPORT_COLUMNS
from complaints.models import Channel, Complaint
from portal import privacy

pytestmark = pytest.mark.django_db

OWN = {
    "name": "王小明",
    "principal_name": "李四",
    "phone": "+8613912345678",
    "id_number": "110105198801012345",
    "policy_number": "P2024000123",
}
# (the text as written, as a masked export must show it)
FORMATS = [
    ("请回电139-123-45678", "请回电****"),
    ("手机139.1234.5678。", "手机****。"),
    ("139 1234 5678", "****"),
    ("全角１３９１２３４５６７８号", "全角****号"),
    ("+86 139 1234 5678", "+86 ****"),
    ("+86-139-1234-5678", "+86-****"),
    ("(139)1234-5678", "(****"),
    ("电话：139－1234－5678。", "电话：****。"),
    ("身份证110105-1988-0101-2345", "身份证****"),
    ("证件 110105 19880101 2345", "证件 ****"),
    ("１１０１０５１９８８０１０１２３４５", "****"),
    ("保单P-2024-0001-23", "保单P-****"),
    ("保单号 2024.0001.23 已缴费", "保单号 **** 已缴费"),
    ("保单号２０２４ ０００１ ２３", "保单号****"),
    ("投保人王小明先生于2026年1月来电", "投保人****先生于2026年1月来电"),
    ("被保险人李四已身故，王小明代为投诉", "被保险人****已身故，****代为投诉"),
    ("2026-11-30 前赔付 1,000 元", "2026-11-30 前赔付 1,000 元"),
]
HEADINGS = [heading for _field, heading in EXPORT_COLUMNS]
TEXT_COLUMNS = [HEADINGS.index(heading) for heading in ("投诉内容", "诉求", "原因分析")]


def _complaints() -> list[Complaint]:
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    complaints = [
        Complaint(
            tracking_number=f"TS-OWN-{index:03d}",
            received_at=start + timedelta(hours=index),
            channel=Channel.PHONE,
            description=text,
            desired_outcome=f"（{text}）",
            root_cause=text,
            **OWN,
        )
        for index, (text, _expected) in enumerate(FORMATS)
    ]
    # Another caller's case, mentioning the first case's policy number as only that case would scrub it: each
    # row is scrubbed of its own data, not of every row's.
    complaints.append(
        Complaint(
            tracking_number="TS-OWN-999",
            received_at=start + timedelta(days=1),
            channel=Channel.PHONE,
            name="赵六",
            phone="+8613700001111",
            policy_number="P7777777777",
            description="王小明的保单号 2024.0001.23",
        )
    )
    return Complaint.objects.bulk_create(complaints)


def _copy_rows() -> list[list[str]]:
    target = io.BytesIO()
    exports.copy_export(exports.export_queryset({}), "csv", target)
    return list(csv.reader(io.StringIO(target.getvalue().decode("utf-8-sig"), newline="")))


def _python_rows() -> list[list[str]]:
    target = io.BytesIO()
    exports.write_rows(exports.export_rows(exports.export_queryset({}), masked=True), "csv", target)
    return list(csv.reader(io.StringIO(target.getvalue().decode("utf-8-sig"), newline="")))


def test_both_ways_of_the_masked_export_scrub_a_table_of_formats_of_the_cases_own_data_identically():
    _complaints()
    assert _copy_rows() == _python_rows()
    rows = {row[0]: row for row in exports.export_rows(exports.export_queryset({}), masked=True)}
    for index, (text, expected) in enumerate(FORMATS):
        row = rows[f"TS-OWN-{index:03d}"]
        assert [row[column] for column in TEXT_COLUMNS] == [expected, f"（{expected}）", expected], text
        assert row[HEADINGS.index("姓名")] == "王**"


def test_a_rows_free_text_keeps_another_cases_policy_number_that_only_the_own_data_rule_would_remove():
    _complaints()
    fast, slow = _copy_rows(), _python_rows()
    assert fast == slow
    other = next(row for row in fast if row[0] == "TS-OWN-999")
    assert other[HEADINGS.index("投诉内容")] == "王小明的保单号 2024.0001.23"


def test_the_unmasked_export_keeps_the_free_text_as_written():
    _complaints()
    rows = list(exports.export_rows(exports.export_queryset({}), masked=False))
    assert [row[TEXT_COLUMNS[0]] for row in rows[1 : len(FORMATS) + 1]] == [text for text, _expected in FORMATS]


# Texts made of what the case's own numbers may be written with: digits, every separator, a digit as NFKC folds it.
NUMBER_TEXT = st.text(alphabet="0123456789-. ()x１", max_size=40)
OWN_NUMBER = st.text(alphabet="0123456789-+ ", min_size=0, max_size=20)


@hypothesis_settings(max_examples=300, deadline=None)
@given(NUMBER_TEXT, OWN_NUMBER)
def test_removing_a_cases_own_number_does_what_the_pattern_of_its_digits_does(text, number):
    digits = privacy._known_digits(number)
    if digits:
        pattern = privacy._KNOWN_GAP.join(digits)
        assert privacy._remove_known_number(text, digits) == re.sub(pattern, "****", text)


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(NUMBER_TEXT, OWN_NUMBER, OWN_NUMBER), min_size=1, max_size=20))
def test_the_python_and_sql_scrubbers_agree_on_any_text_of_digits_and_separators_with_own_numbers(cases):
    expression = privacy.sql_scrub_text("v.x", numbers=["v.a", "v.b"])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {expression} FROM unnest(%s::text[], %s::text[], %s::text[]) WITH ORDINALITY "  # noqa: S608
            "AS v (x, a, b, n) ORDER BY v.n",
            [[text for text, _a, _b in cases], [a for _t, a, _b in cases], [b for _t, _a, b in cases]],
        )
        sql = [value for (value,) in cursor.fetchall()]
    assert sql == [privacy.scrub_text(text, numbers=[a, b]) for text, a, b in cases]
