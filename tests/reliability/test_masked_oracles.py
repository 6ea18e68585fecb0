"""Masked roles learn nothing masked: the list's search, its parameters and the autocomplete answer a true and a
false guess alike; free text reaches them scrubbed; pages about a complaint a user may not open name neither its
number nor its handler; searches by personal data are limited, logged by a keyed hash and alerted."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from complaints import services
from complaints.models import Complaint
from complaints.staff import search
from portal import roles
from portal.messaging.models import StaffAlert
from portal.models import PersonalDataSeen
from portal.privacy import scrub_text, sql_scrub_text
from tests.complaints.factories import register, shanghai

pytestmark = pytest.mark.django_db

ROLES = {
    "handler": roles.COMPLAINT_HANDLER,
    "supervisor": roles.SUPERVISOR,
    "senior": roles.SENIOR_MANAGER,
    "compliance": roles.COMPLIANCE_OFFICER,
}
MASKED = ("senior", "compliance")
ADMIN = "/en/admin/complaints/complaint/"
LIST = ADMIN


@pytest.fixture
def people(make_user):
    return {name: make_user(name, groups=[group]) for name, group in ROLES.items()}


@pytest.fixture
def case(people):
    complaint = register(
        name="王小明",
        phone="13612344444",
        id_number="110105198801012345",
        policy_number="P2024000123",
        description="我是王小明，电话136-1234-4444，身份证110105-1988-0101-2345，保单P-2024-0001-23。",
        desired_outcome="请打１３６１２３４４４４联系我。",
    )
    services.complaint_assign(complaint=complaint, actor=people["supervisor"], handler=people["handler"])
    services.complaint_add_note(complaint=complaint, actor=people["handler"], text="王小明来电，手机136.1234.4444。")
    return Complaint.objects.get(pk=complaint.pk)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rows(response) -> list[str]:
    """The tracking numbers the list shows (what a guess would be judged by)."""
    return re.findall(r'field-tracking_number"><a[^>]*>([^<]+)<', response.text)


GUESSES = [
    # (true guess, false guess) of what a masked role sees as 136****4444, 王**, 1101**********2345, the policy.
    ("+8613612344444", "+8613612345555"),
    ("13612344444", "13612349999"),
    ("王小明", "王小红"),
    ("110105198801012345", "110105198801019999"),
    ("P2024000123", "P2024000999"),
]


@pytest.mark.parametrize("role", MASKED)
def test_a_masked_roles_true_and_false_guesses_get_identical_answers_from_the_list_and_the_autocomplete(
    people, case, role
):
    client = _client(people[role])
    for true, false in GUESSES:
        for extra in ({}, {"id__in": str(case.pk)}, {"status": case.status}):
            answers = [client.get(LIST, {"q": guess, **extra}) for guess in (true, false)]
            assert [answer.status_code for answer in answers] == [200, 200], (true, extra)
            assert _rows(answers[0]) == _rows(answers[1]) == [], (role, true, extra)
            assert case.tracking_number not in answers[0].text.replace(f"q={true}", "")
        autocomplete = [
            client.get(
                "/en/admin/autocomplete/",
                {"app_label": "complaints", "model_name": "remediationitem", "field_name": "complaint", "term": guess},
            )
            for guess in (true, false)
        ]
        assert autocomplete[0].status_code == autocomplete[1].status_code
        if autocomplete[0].status_code == 200:
            assert json.loads(autocomplete[0].content)["results"] == json.loads(autocomplete[1].content)["results"]
    # What they may search by still finds the complaint.
    assert _rows(client.get(LIST, {"q": case.tracking_number})) == [case.tracking_number]
    # No personal-data search was made, so none is logged.
    assert not PersonalDataSeen.objects.filter(user=people[role], where=search.SEARCH_WHERE).exists()


@pytest.mark.parametrize("role", MASKED)
def test_the_search_box_tells_a_masked_role_it_searches_by_references_only(people, case, role):
    page = _client(people[role]).get(LIST)
    assert "the regulator&#x27;s reference" in page.text and "staff who see it in full" in page.text
    assert "phone (in any form)" not in page.text


@pytest.mark.parametrize("role", ("handler", "supervisor"))
def test_a_full_data_search_finds_by_phone_and_is_logged_with_a_keyed_hash_never_the_term(people, case, role):
    client = _client(people[role])
    assert _rows(client.get(LIST, {"q": "136 1234 4444"})) == [case.tracking_number]
    row = PersonalDataSeen.objects.get(user=people[role], where=search.SEARCH_WHERE)
    assert row.label == search.term_hash("+8613612344444") and row.label.startswith("hmac-sha256:")
    assert "4444" not in row.label and "1361234" not in row.label
    # The same number in another form hashes alike; another number does not.
    assert search.term_hash("13612344444") == row.label != search.term_hash("13612345555")


def test_searches_by_personal_data_stop_at_the_hourly_limit_and_the_fortieth_alerts_compliance(people, case, settings):
    settings.PORTAL_RATE_LIMITS = True
    settings.PORTAL_RATE_LIMIT_STORE = "database"
    client = _client(people["handler"])
    for number in range(search.SEARCH_LIMIT):
        assert client.get(LIST, {"q": f"1361234{number:04d}"}).status_code == 200
    alerts = StaffAlert.objects.filter(template="search_volume")
    assert list(alerts.values_list("user__username", flat=True)) == ["compliance"]
    refused = client.get(LIST, {"q": "13612344444"})
    assert refused.status_code == 200 and _rows(refused) == []
    assert "searches by personal data this hour" in refused.text
    logged = PersonalDataSeen.objects.filter(user=people["handler"], where=search.SEARCH_WHERE)
    assert logged.count() == search.SEARCH_LIMIT
    # The tracking number is never limited.
    assert _rows(client.get(LIST, {"q": case.tracking_number})) == [case.tracking_number]


@pytest.mark.parametrize("role", MASKED)
def test_a_masked_role_reads_the_description_outcome_and_notes_scrubbed_of_the_cases_own_data(people, case, role):
    page = _client(people[role]).get(f"{ADMIN}{case.pk}/change/").text
    for secret in ("王小明", "136-1234-4444", "136.1234.4444", "１３６１２３４４４４", "110105-1988-0101-2345",
                   "P-2024-0001-23"):  # fmt: skip
        assert secret not in page, (role, secret)
    assert "来电" in page and "身份证" in page  # the rest of the text stays


@pytest.mark.parametrize("role", MASKED)
def test_a_masked_role_reads_the_decision_and_its_timeline_entry_scrubbed(people, case, role):
    services.complaint_accept(complaint=case, actor=people["handler"])
    services.complaint_decide(
        complaint=Complaint.objects.get(pk=case.pk),
        actor=people["handler"],
        decision="王小明先生：经核查，维持原结论。如有疑问请致电１３６ １２３４ ４４４４。",
        outcome="not_upheld",
        reliefs=["explanation"],
        remedies=["review"],
    )
    page = _client(people[role]).get(f"{ADMIN}{case.pk}/change/").text
    assert "经核查，维持原结论" in page
    assert "王小明" not in page and "４４４４" not in page and "1234 4444" not in page


@pytest.mark.parametrize("role", ("branch", "editor"))
def test_roles_without_the_complaints_get_the_same_refusal_for_a_true_and_a_false_guess(make_user, case, role):
    group = roles.BRANCH_STAFF if role == "branch" else roles.CONTENT_EDITOR
    client = _client(make_user(role, groups=[group]))
    for true, false in GUESSES:
        answers = [client.get(LIST, {"q": guess, "id__in": str(case.pk)}) for guess in (true, false)]
        assert answers[0].status_code == answers[1].status_code == 403
        assert case.tracking_number not in answers[0].text


def test_an_outsider_gets_the_same_sign_in_redirect_for_a_true_and_a_false_guess_and_no_number(case):
    client = Client()
    for true, false in GUESSES:
        answers = [client.get(LIST, {"q": guess, "id__in": str(case.pk)}) for guess in (true, false)]
        assert answers[0].status_code == answers[1].status_code == 302
        assert all("/admin/login/" in answer["Location"] for answer in answers)
        assert answers[0].text == answers[1].text and case.tracking_number not in answers[0].text
    for url in (f"{ADMIN}{case.pk}/change/", f"{ADMIN}{case.pk}/history/", "/en/admin/autocomplete/"):
        answer = client.get(url)
        assert answer.status_code == 302 and case.tracking_number not in answer.text, url


@pytest.mark.parametrize("role", MASKED)
def test_a_masked_role_reads_an_events_note_scrubbed_on_the_events_own_page(people, case, role):
    event = case.events.exclude(note="").order_by("-pk").first()
    page = _client(people[role]).get(f"/en/admin/complaints/complaintevent/{event.pk}/change/")
    assert page.status_code == 200 and "来电" in page.text
    assert "王小明" not in page.text and "136.1234.4444" not in page.text
    full = _client(people["supervisor"]).get(f"/en/admin/complaints/complaintevent/{event.pk}/change/")
    assert "136.1234.4444" in full.text


def test_the_full_data_roles_read_the_text_as_written(people, case):
    page = _client(people["handler"]).get(f"{ADMIN}{case.pk}/change/").text
    assert "136-1234-4444" in page and "136.1234.4444" in page


def test_the_history_of_a_complaint_a_handler_may_not_open_is_a_404_with_nothing_of_it(people, case, make_user):
    handler = people["handler"]
    handler.first_name, handler.last_name = "明华", "赵"
    handler.save()
    client = _client(make_user("other", groups=[roles.COMPLAINT_HANDLER]))
    for url in (
        f"{ADMIN}{case.pk}/history/",
        f"{ADMIN}999999/history/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert case.tracking_number not in response.text and "明华" not in response.text
    # The change page says whom to ask, never whose it is nor its number.
    change = client.get(f"{ADMIN}{case.pk}/change/")
    assert change.status_code == 403 and "ask a supervisor" in change.text
    assert case.tracking_number not in change.text and "明华" not in change.text


def test_the_merge_refusal_does_not_name_the_other_cases_handler(people, make_user):
    colleague = make_user("colleague", groups=[roles.COMPLAINT_HANDLER])
    colleague.first_name, colleague.last_name = "娜", "李"
    colleague.save()
    theirs = register(colleague, phone="13812345678")
    mine = register(people["handler"], phone="13812345678")
    with pytest.raises(ValidationError) as refused:
        services.complaint_merge(complaint=mine, into=theirs, actor=people["handler"])
    message = refused.value.messages[0]
    assert message == f"Complaint {theirs.tracking_number} is not assigned to you: ask a supervisor to merge into it."
    page = _client(people["handler"]).post(f"{ADMIN}{mine.pk}/do/merge/", {"into": theirs.tracking_number})
    assert message in page.text and "its handler" not in page.text


FORMATS = [
    "139-123-45678", "139.1234.5678", "139 1234 5678", "１３９１２３４５６７８", "+86 139 1234 5678",
    "110105-1988-0101-2345", "110105 19880101 234X", "１１０１０５１９８８０１０１２３４Ｘ", "010 8592 1177",
    "010-85921177", "电话：139－1234－5678。", "王小明先生", "保单P-2024-0001-23", "2026-11-30 和 1,000 元",
    "\u3000全角空格", "𝟏𝟑𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "①③⑨", None, "",
]  # fmt: skip
OWN = {"names": ("王小明", "李四"), "numbers": ("+8613612344444", "110105198801012345", "P2024000123")}


def test_the_python_and_sql_scrubbers_agree_on_a_table_of_formats_with_and_without_the_cases_own_data():
    names, numbers = ["v.n1", "v.n2"], ["v.p1", "v.p2", "v.p3"]
    with connection.cursor() as cursor:
        for own in ({}, OWN):
            expression = sql_scrub_text("v.x", **({"names": names, "numbers": numbers} if own else {}))
            for value in FORMATS:
                cursor.execute(
                    f"SELECT {expression} FROM (SELECT %s::text AS x, %s::text AS n1, %s::text AS n2, "  # noqa: S608
                    "%s::text AS p1, %s::text AS p2, %s::text AS p3) AS v",
                    [value, *OWN["names"], *OWN["numbers"]],
                )
                assert cursor.fetchone()[0] == scrub_text(value, **own), (value, own)


def test_every_format_is_scrubbed():
    for value in FORMATS[:11]:
        assert not re.search(r"[0-9]{3}", scrub_text(value)), value
    assert scrub_text("王小明先生", names=OWN["names"]) == "****先生"
    assert scrub_text("保单P-2024-0001-23", numbers=OWN["numbers"]) == "保单P-****"
    assert scrub_text("2026-11-30 和 1,000 元") == "2026-11-30 和 1,000 元"


def test_registering_a_repeat_of_colleagues_complaints_shows_only_how_many_the_user_cannot_open(
    people, make_user, time_machine
):
    time_machine.move_to(shanghai(2026, 11, 20, 9), tick=False)
    colleague = make_user("colleague", groups=[roles.COMPLAINT_HANDLER])
    colleague.first_name, colleague.last_name = "娜", "李"
    colleague.save()
    theirs = [register(colleague, name="赵六", phone="13812345678") for _ in range(2)]
    time_machine.move_to(shanghai(2026, 11, 21, 10), tick=False)
    data = {
        "channel": "phone",
        "received_at": "2026-11-21T09:30",
        "source": "self",
        "name": "钱七",
        "phone": "138 1234 5678",
        "capacity": "self",
        "language": "zh-hans",
        "category": "claims",
        "description": "理赔一个月没有结果。",
    }
    page = _client(people["handler"]).post(f"{ADMIN}register/", data)
    assert 'id="repeat-warning"' in page.text and "2 earlier complaints you cannot open" in page.text
    assert not any(complaint.tracking_number in page.text for complaint in theirs)
    warning = repeat_warning(page.text)
    assert "李娜" not in warning and "赵" not in page.text and "138****5678" not in page.text
    assert not PersonalDataSeen.objects.filter(where="admin:register:repeats").exists()
    assert Complaint.objects.count() == 2
    # The supervisor may open both: listed, no count.
    page = _client(people["supervisor"]).post(f"{ADMIN}register/", data)
    assert all(complaint.tracking_number in page.text for complaint in theirs)
    assert "cannot open" not in page.text


def repeat_warning(html: str) -> str:
    """The registration page's repeat warning alone (the form below it lists the handlers one may assign)."""
    start = html.index('id="repeat-warning"')
    return html[start : html.index('class="cp-register-anyway"', start)]
