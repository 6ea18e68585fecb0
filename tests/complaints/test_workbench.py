"""The admin as a team's daily tool: the work queue on the index per role, the lists it links to, the record's
timeline in words and Beijing time, bulk assignment, the handler filter, and refused steps shown where they
happen with what was typed kept."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints import queue, services
from complaints.models import Complaint, ExtensionRequest
from portal import roles

from .factories import register, shanghai

pytestmark = pytest.mark.django_db

ADMIN = "/en/admin/complaints/complaint/"
INDEX = "/en/admin/"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(make_user, demo):
    handler = make_user("handler", groups=[roles.COMPLAINT_HANDLER])
    handler.first_name, handler.last_name = "Wei", "Li"
    handler.save()
    return {
        "handler": handler,
        "other": make_user("other", groups=[roles.COMPLAINT_HANDLER]),
        "supervisor": make_user("supervisor", groups=[roles.SUPERVISOR]),
        "senior": make_user("senior", groups=[roles.SENIOR_MANAGER]),
        "compliance": make_user("compliance", groups=[roles.COMPLIANCE_OFFICER]),
        "editor": make_user("editor", groups=[roles.CONTENT_EDITOR]),
    }


def handled(supervisor, handler, *, received_at, accept=True, **fields):
    complaint = register(supervisor, received_at=received_at, **fields)
    services.complaint_assign(complaint=complaint, actor=supervisor, handler=handler)
    if accept:
        services.complaint_accept(complaint=complaint, actor=handler)
    return complaint


@pytest.fixture
def desk(people, time_machine):
    """A handler's desk on 18 November 2026 (Beijing), one complaint in each queue."""
    supervisor, handler = people["supervisor"], people["handler"]
    time_machine.move_to(shanghai(2026, 11, 1), tick=False)
    overdue = handled(supervisor, handler, received_at=shanghai(2026, 11, 1))
    theirs_overdue = handled(supervisor, people["other"], received_at=shanghai(2026, 11, 1), phone="13700000001")
    time_machine.move_to(shanghai(2026, 11, 5), tick=False)
    due_soon = handled(supervisor, handler, received_at=shanghai(2026, 11, 5), phone="13700000002")
    time_machine.move_to(shanghai(2026, 11, 10), tick=False)
    paused = handled(supervisor, handler, received_at=shanghai(2026, 11, 10), phone="13700000003")
    services.complaint_start(complaint=paused, actor=handler)
    services.complaint_pause(complaint=paused, actor=handler, reason="等待伤残鉴定")
    time_machine.move_to(shanghai(2026, 11, 12), tick=False)
    waiting = handled(supervisor, handler, received_at=shanghai(2026, 11, 12), phone="13700000004")
    services.complaint_request_extension(complaint=waiting, actor=handler, reason="需要调取录音", days=10)
    informed = handled(supervisor, handler, received_at=shanghai(2026, 11, 12), phone="13700000005")
    answered = handled(supervisor, handler, received_at=shanghai(2026, 11, 12), phone="13700000006")
    time_machine.move_to(shanghai(2026, 11, 14), tick=False)
    services.complaint_add_information(complaint=informed, text="补充了医院发票")
    services.complaint_add_information(complaint=answered, text="补充了保单")
    time_machine.move_to(shanghai(2026, 11, 15), tick=False)
    services.complaint_start(complaint=answered, actor=handler)  # the handler's step after the new information
    unassigned = register(None, received_at=shanghai(2026, 11, 15), phone="13700000007")
    forwarded = register(
        None,
        received_at=shanghai(2026, 11, 15),
        phone="13700000008",
        source="regulator",
        regulator_ref="JGJ-2026-118",
        regulator_deadline=date(2026, 11, 20),
    )
    time_machine.move_to(shanghai(2026, 11, 18), tick=False)
    return {
        "overdue": overdue,
        "theirs_overdue": theirs_overdue,
        "due_soon": due_soon,
        "paused": paused,
        "waiting": waiting,
        "informed": informed,
        "answered": answered,
        "unassigned": unassigned,
        "forwarded": forwarded,
    }


def listed(client, url, desk) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    results = response.text.split('id="result_list"', 1)[-1] if 'id="result_list"' in response.text else ""
    return {name for name, complaint in desk.items() if complaint.tracking_number in results}


def queue_rows(text) -> dict[str, tuple[int, str]]:
    rows = {}
    for key, count, days in re.findall(
        r'data-queue="([a-z_]+)">.*?class="cp-queue-count">(\d+)</a>.*?<td class="cp-queue-days">(.*?)</td>',
        text,
        re.S,
    ):
        rows[key] = (int(count), re.sub(r"<[^>]+>", "", days).strip())
    return rows


def test_the_handlers_queue_counts_their_complaints_with_the_soonest_days_left(people, desk):
    text = client_for(people["handler"]).get(INDEX).text
    rows = queue_rows(text)
    assert {key: count for key, (count, _days) in rows.items()} == {
        "mine_overdue": 1,
        "mine_due_soon": 1,
        "mine_paused": 1,
        "mine_waiting_approval": 1,
        "mine_new_information": 1,
        # The complainants' own requests (complaints/account/): call backs and personal data requests.
        "callbacks_waiting": 0,
        "data_requests_open": 0,
    }
    late_by = (date(2026, 11, 18) - desk["overdue"].due_date).days
    assert rows["mine_overdue"][1] == f"{late_by} days late"
    assert rows["mine_due_soon"][1] == f"{(desk['due_soon'].due_date - date(2026, 11, 18)).days} days left"
    assert rows["mine_paused"][1] == "—"
    assert text.index('id="work-queue"') < text.index("app-complaints")


def test_the_supervisors_queue_adds_unassigned_approvals_and_the_regulators_cases(people, desk):
    rows = queue_rows(client_for(people["supervisor"]).get(INDEX).text)
    assert rows["unassigned"][0] == 2  # the forwarded complaint has no handler yet either
    assert rows["approvals"][0] == 1
    assert rows["regulator_due_soon"] == (1, "2 days left")
    assert rows["mine_overdue"][0] == 0  # nothing is the supervisor's own


def test_supervisor_sections_are_absent_for_handlers_and_editors_see_the_usual_index(people, desk):
    handler_page = client_for(people["handler"]).get(INDEX).text
    assert 'id="queue-mine"' in handler_page and 'id="queue-team"' not in handler_page
    assert 'data-queue="unassigned"' not in handler_page
    editor_page = client_for(people["editor"]).get(INDEX)
    assert editor_page.status_code == 200 and 'id="work-queue"' not in editor_page.text
    senior_page = client_for(people["senior"]).get(INDEX).text
    assert 'id="queue-team"' not in senior_page  # senior managers approve, but do not assign


def test_each_queue_link_leads_to_a_list_of_exactly_those_complaints(people, desk):
    expected = {
        "handler": {
            "mine_overdue": {"overdue"},
            "mine_due_soon": {"due_soon"},
            "mine_paused": {"paused"},
            "mine_waiting_approval": {"waiting"},
            "mine_new_information": {"informed"},
        },
        "supervisor": {
            "unassigned": {"unassigned", "forwarded"},
            "approvals": {"waiting"},
            "regulator_due_soon": {"forwarded"},
        },
    }
    for who, queues in expected.items():
        client = client_for(people[who])
        text = client.get(INDEX).text
        for key, names in queues.items():
            link = re.search(rf'data-queue="{key}">\s*<th scope="row"><a href="([^"]+)"', text).group(1)
            assert link == f"/en/admin/complaints/complaint/?queue={key}"
            assert listed(client, link, desk) == names, (who, key)


def test_the_approvals_queue_follows_the_approvers_rule(people, desk):
    waiting = ExtensionRequest.objects.get(complaint=desk["waiting"])
    for who in ("supervisor", "senior", "handler", "compliance"):
        user = people[who]
        in_queue = services.decidable_extensions(user).filter(pk=waiting.pk).exists()
        assert in_queue == services.can_decide_extension(user, waiting), who


def test_the_index_costs_the_same_number_of_queries_with_few_or_many_complaints(people, desk, time_machine):
    for who in ("handler", "supervisor"):
        client = client_for(people[who])
        client.get(INDEX)
        with CaptureQueriesContext(connection) as few:
            client.get(INDEX)
        for index in range(4):
            handled(
                people["supervisor"], people["handler"], received_at=shanghai(2026, 11, 17), phone=f"1360000000{index}"
            )
            register(None, received_at=shanghai(2026, 11, 17), phone=f"1350000000{index}")
        with CaptureQueriesContext(connection) as many:
            client.get(INDEX)
        assert len(many) == len(few), who
        queue_queries = [q for q in many.captured_queries if "complaints_" in q["sql"] and "COUNT(" in q["sql"]]
        # One aggregate per section, one each for call backs and data requests, and one over the waiting extension
        # requests for a supervisor.
        assert len(queue_queries) == (3 if who == "handler" else 5), who


def test_the_timeline_is_newest_first_in_words_beijing_time_and_names(people, desk):
    supervisor = people["supervisor"]
    waiting = ExtensionRequest.objects.get(complaint=desk["waiting"])
    services.extension_grant(request=waiting, actor=supervisor)
    text = client_for(supervisor).get(f"{ADMIN}{desk['waiting'].pk}/change/").text
    timeline = text.split('id="complaint-history"', 1)[1].split("</ol>", 1)[0]
    for raw in ("handler:", "approved_by", "requested_by", "days:", "'request'", "request:"):
        assert raw not in timeline, raw
    assert "<dt>Handler</dt><dd>Wei Li</dd>" in timeline
    assert "<dt>Approved by</dt><dd>supervisor</dd>" in timeline
    # Registered 12 November 10:00 in Beijing (02:00 UTC); the grant, made now, comes first.
    assert "2026-11-12 10:00" in timeline and "02:00" not in timeline
    assert timeline.index("Time limit extended") < timeline.index("Registered")
    assert 'id="record-actions"' in text and text.index('id="record-actions"') < text.index('id="complaint-history"')
    assert text.index('id="complaint-history"') < text.index('class="module aligned')


def test_bulk_assignment_assigns_and_says_which_were_refused_and_why(people, desk):
    supervisor, other = people["supervisor"], people["other"]
    about_other = register(None, received_at=shanghai(2026, 11, 16), phone="13700000009", named_employee=other)
    client = client_for(supervisor)
    chosen = [desk["unassigned"].pk, about_other.pk]
    page = client.post(ADMIN, {"action": "assign_to_handler", "_selected_action": chosen, "index": 0})
    assert page.status_code == 200 and 'id="assign-form"' in page.text
    options = re.findall(r'<option value="(\d+)"', page.text.split('name="handler"', 1)[1].split("</select>", 1)[0])
    assert set(map(int, options)) == {people["handler"].pk, other.pk, supervisor.pk}
    done = client.post(
        ADMIN,
        {"action": "assign_to_handler", "_selected_action": chosen, "index": 0, "apply": "1", "handler": other.pk},
        follow=True,
    )
    text = done.text
    assert "1 complaint(s) assigned to other." in text
    assert f"{about_other.tracking_number} not assigned: This complaint is about other" in text
    assert Complaint.objects.get(pk=desk["unassigned"].pk).handler == other
    assert Complaint.objects.get(pk=about_other.pk).handler is None
    handler_page = client_for(people["handler"]).get(ADMIN).text
    assert 'value="assign_to_handler"' not in handler_page


def test_the_handler_filter_lists_only_staff_who_handle_complaints(people, desk):
    text = client_for(people["supervisor"]).get(ADMIN).text
    filters = text.split('id="changelist-filter"', 1)[1]
    offered = set(map(int, re.findall(r"handler__id__exact=(\d+)", filters)))
    assert offered == {people["handler"].pk, people["other"].pk, people["supervisor"].pk}


def test_closing_before_the_decision_shows_the_form_with_the_reason_and_the_typed_text(people, desk):
    client = client_for(people["handler"])
    url = f"{ADMIN}{desk['due_soon'].pk}/do/close/"
    shown = client.get(url)
    assert shown.status_code == 409
    assert "“Close” is not possible while the complaint is “Accepted”." in shown.text
    assert f'href="{ADMIN}{desk["due_soon"].pk}/change/"' in shown.text and 'name="root_cause"' not in shown.text
    typed = client.post(url, {"root_cause": "理赔时效没有跟踪", "responsible_unit": "理赔部"})
    assert typed.status_code == 409
    assert "“Close” is not possible while the complaint is “Accepted”." in typed.text
    assert "理赔时效没有跟踪" in typed.text and 'value="理赔部"' in typed.text
    assert "403" not in typed.templates[0].name


def test_a_stale_decide_form_keeps_the_typed_decision_and_says_why(people, desk):
    handler, complaint = people["handler"], desk["due_soon"]
    url = f"{ADMIN}{complaint.pk}/do/decide/"
    client = client_for(handler)
    assert client.get(url).status_code == 200  # opened in one tab …
    services.complaint_decide(  # … decided in another
        complaint=complaint,
        actor=handler,
        decision="同意退还保费。",
        outcome="upheld",
        reliefs=["claim_paid"],
        remedies=["review"],
    )
    stale = client.post(
        url,
        {
            "decision": "第二个标签页写的决定",
            "outcome": "not_upheld",
            "remedies": ["mediation"],
            "reliefs": ["explanation"],
        },
    )
    assert stale.status_code == 409
    assert "“Decide” is not possible while the complaint is “Decided”." in stale.text
    assert "第二个标签页写的决定" in stale.text
    complaint.refresh_from_db()
    assert complaint.decision == "同意退还保费。"


def test_unticking_every_remedy_says_which_remedies_there_are(people, desk):
    response = client_for(people["handler"]).post(
        f"{ADMIN}{desk['due_soon'].pk}/do/decide/", {"decision": "不予支持。", "outcome": "not_upheld"}
    )
    assert response.status_code == 200
    assert (
        "Tick at least one further remedy open to the complainant: Review by the superior unit, Mediation, "
        "Arbitration, Litigation." in response.text
    )
    assert "不予支持。" in response.text


def test_a_step_never_allowed_is_refused_in_the_admins_look(people, desk):
    response = client_for(people["compliance"]).get(f"{ADMIN}{desk['due_soon'].pk}/do/decide/")
    assert response.status_code == 403
    assert 'id="refusal"' in response.text and "You do not have permission to do this." in response.text
    assert response.templates[0].name == "admin/complaints/refused.html"


def test_a_decided_extension_request_answers_with_the_reason_not_the_403_page(people, desk):
    waiting = ExtensionRequest.objects.get(complaint=desk["waiting"])
    url = f"/en/admin/complaints/extensionrequest/{waiting.pk}/decide/"
    client = client_for(people["supervisor"])
    assert client.get(url).status_code == 200
    services.extension_grant(request=waiting, actor=people["senior"])  # another approver, meanwhile
    again = client.post(url, {"decision": "refuse", "note": "不需要延期"})
    assert again.status_code == 409
    assert "This request has already been decided: Granted." in again.text and "不需要延期" in again.text
    own = client_for(people["handler"]).get(url)
    assert own.status_code == 403 and 'id="refusal"' in own.text


def test_the_queue_rows_and_the_list_filter_use_one_condition(people, desk):
    today = date(2026, 11, 18)
    for who in ("handler", "supervisor", "senior"):
        user = people[who]
        for section in queue.rows_for(user, today).values():
            for row in section:
                assert row.count == Complaint.objects.filter(queue.condition(row.key, user, today)).count()


def test_a_reclassification_and_a_call_read_as_words_in_the_timeline(people, desk):
    handler = people["handler"]
    case = desk["due_soon"]
    services.complaint_reclassify(complaint=case, actor=handler, changes={"category": "sales"}, note="")
    services.complaint_log_call(
        complaint=case,
        actor=handler,
        direction="out",
        outcome="no_answer",
        happened_at=timezone.now(),
        text="无人接听",
    )
    for prefix, words in (
        (
            "/en",
            ("→ Sales", "<dt>Call</dt><dd>Outgoing call</dd>", "<dd>No answer</dd>", "<dt>Time of the call</dt>"),
        ),
        ("", ("→ 销售", "无人接听")),
    ):
        text = client_for(handler).get(f"{prefix}/admin/complaints/complaint/{case.pk}/change/").text
        timeline = text.split('id="complaint-history"', 1)[1].split("</ol>", 1)[0]
        for raw in ("changes", "direction", "outcome", "'sales'", "no_answer"):
            assert raw not in timeline, (prefix, raw)
        for word in words:
            assert word in timeline, (prefix, word)
