"""Staff in the admin: every group against every complaint page and action, masking, the full-view log,
registration, the workflow buttons and the list's badges, filters and search."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from complaints import services
from complaints.models import Complaint
from complaints.services import TRANSITIONS
from complaints.staff.forms import ACTION_FORMS
from portal.models import PersonalDataSeen

from . import files
from .factories import register, shanghai

pytestmark = pytest.mark.django_db

MARKUP = '<script>alert("x")</script><b>粗体</b> 😀'
ADMIN = "/en/admin/complaints/complaint/"


@pytest.fixture
def complaints(people):
    supervisor = people["supervisor"]
    mine = register(
        supervisor,
        description=MARKUP,
        email="zhang@example.com",
        id_type="resident",
        id_number="110101199001011234",
        attachments=[files.pdf()],
    )
    services.complaint_assign(complaint=mine, actor=supervisor, handler=people["handler"])
    theirs = register(supervisor, phone="13700001111")
    services.complaint_assign(complaint=theirs, actor=supervisor, handler=people["other_handler"])
    return {"mine": mine, "theirs": theirs}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_every_group_against_every_complaint_admin_page(people, complaints):
    mine, theirs = complaints["mine"], complaints["theirs"]
    attachment = mine.attachments.get()
    pages = {
        "list": ADMIN,
        "change mine": f"{ADMIN}{mine.pk}/change/",
        "change theirs": f"{ADMIN}{theirs.pk}/change/",
        "register": f"{ADMIN}register/",
        "attachment": f"{ADMIN}attachment/{attachment.pk}/",
        "events": "/en/admin/complaints/complaintevent/",
        "audit log": "/en/admin/portal/personaldataseen/",
        "add redirects to register": f"{ADMIN}add/",
        "remediation queue": "/en/admin/complaints/remediationitem/",
        "early warnings": "/en/admin/complaints/oversightwarning/",
        "root cause codes": "/en/admin/complaints/rootcause/",
    }
    expected = {
        #                          handler supervisor compliance
        "list": (200, 200, 200),
        "change mine": (200, 200, 200),
        # A colleague's complaint: the admin's page saying whose it is (403), not "does not exist" (issue 14).
        "change theirs": (403, 200, 200),
        "register": (200, 200, 403),
        # An attachment (an ID scan) is personal data in full: compliance officers have no such right.
        "attachment": (200, 200, 403),
        "events": (200, 200, 200),
        "audit log": (403, 200, 200),
        "add redirects to register": (302, 302, 403),
        "remediation queue": (200, 200, 200),
        "early warnings": (403, 200, 200),
        "root cause codes": (403, 200, 200),
    }
    for index, who in enumerate(("handler", "supervisor", "compliance")):
        client = client_for(people[who])
        for name, url in pages.items():
            status = client.get(url).status_code
            assert status == expected[name][index], (who, name, status)
    anonymous = Client()
    for url in pages.values():
        response = anonymous.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_every_group_against_every_workflow_action(people, complaints):
    mine = complaints["mine"]
    for action in TRANSITIONS:
        if action not in ACTION_FORMS:
            continue  # the complainant's own step, or an approver's (extension requests have their own page)
        legal = action in services.allowed_actions(mine)
        url = f"{ADMIN}{mine.pk}/do/{action}/"
        # A step this person may never take: 403 (in the admin's look); one they may take but not now: the page
        # with the reason (409).
        not_now = 200 if legal else 409
        for who, expected in (
            ("handler", 403 if action == "assign" else not_now),
            ("supervisor", not_now),
            ("compliance", 403),
            ("other_handler", 403),
        ):
            response = client_for(people[who]).get(url)
            assert response.status_code == expected, (who, action, response.status_code)
            if who == "other_handler":
                # Told whose the complaint is (the first-responder rule), not a bare "does not exist".
                assert "admin/complaints/complaint/unavailable.html" in [t.name for t in response.templates]
            elif expected == 403:
                assert 'id="refusal"' in response.text and "admin" in response.templates[0].name


def test_the_change_page_shows_only_the_buttons_legal_now_for_that_user(people, complaints):
    mine = complaints["mine"]
    text = client_for(people["handler"]).get(f"{ADMIN}{mine.pk}/change/").text
    buttons = set(__import__("re").findall(r'data-action="([a-z_]+)"', text))
    # The workflow's steps legal now, and the steps that correct and enrich the record at any step.
    assert buttons == {
        *("accept", "restart", "withdraw", "reject", "merge", "reclassify", "note", "call", "attach"),
        *("care", "further_request"),  # care: the circumstances at any step, a further material while undecided
        "members",
    }
    text = client_for(people["supervisor"]).get(f"{ADMIN}{mine.pk}/change/").text
    assert "assign" in set(__import__("re").findall(r'data-action="([a-z_]+)"', text))
    text = client_for(people["compliance"]).get(f"{ADMIN}{mine.pk}/change/").text
    assert "data-action=" not in text
    assert 'name="_save"' not in text  # the record itself is never edited


def test_a_handler_accepts_asks_for_an_extension_a_supervisor_grants_it_and_the_handler_decides(people, complaints):
    mine = complaints["mine"]
    client = client_for(people["handler"])
    assert client.post(f"{ADMIN}{mine.pk}/do/accept/", {"note": ""}).status_code == 302
    assert (
        client.post(f"{ADMIN}{mine.pk}/do/request_extension/", {"reason": "需要调取录音", "days": 15}).status_code
        == 302
    )
    request = mine.extension_requests.get()
    mine.refresh_from_db()
    assert (request.status, mine.extensions) == ("pending", 0)  # nothing moves before the grant
    decide_url = f"/en/admin/complaints/extensionrequest/{request.pk}/decide/"
    assert client.get(decide_url).status_code == 403  # the handler cannot grant their own request
    supervisor = client_for(people["supervisor"])
    waiting = supervisor.get("/en/admin/complaints/extensionrequest/").text
    assert mine.tracking_number in waiting and f'data-request="{request.pk}"' in waiting
    assert supervisor.post(decide_url, {"decision": "grant", "note": ""}).status_code == 302
    client.post(
        f"{ADMIN}{mine.pk}/do/decide/",
        {
            "decision": "同意退还保费。",
            "outcome": "upheld",
            "remedies": ["review", "litigation"],
            "reliefs": ["refund"],
        },
    )
    mine.refresh_from_db()
    assert (mine.status, mine.extensions, mine.remedies) == ("decided", 1, ["review", "litigation"])
    illegal = client.get(f"{ADMIN}{mine.pk}/do/accept/")
    assert illegal.status_code == 409 and 'id="not-now"' in illegal.text


def test_the_complainants_text_is_read_only_and_shown_as_text_and_personal_data_masked(people, complaints):
    mine = complaints["mine"]
    text = client_for(people["compliance"]).get(f"{ADMIN}{mine.pk}/change/").text
    assert "<script>alert" not in text and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert "😀" in text
    assert "138****5678" in text and "13812345678" not in text and "138 1234 5678" not in text
    assert "z***@example.com" in text and "zhang@example.com" not in text
    assert "1101**********1234" in text and "110101199001011234" not in text
    assert 'name="description"' not in text
    assert not PersonalDataSeen.objects.exists()
    for who in ("compliance", "supervisor", "handler"):
        listing = client_for(people[who]).get(ADMIN).text
        # The list shows the masked name; the phone is on the record (the list is narrowed to 1280 px).
        assert "13812345678" not in listing and "138 1234 5678" not in listing
        assert "张*" in listing


def test_with_the_permission_personal_data_is_shown_in_full_and_every_view_is_logged(people, complaints):
    mine = complaints["mine"]
    client = client_for(people["handler"])
    for _ in range(2):
        text = client.get(f"{ADMIN}{mine.pk}/change/").text
        assert "138 1234 5678" in text and "110101199001011234" in text and "zhang@example.com" in text
        assert "this view has been logged" in text
    views = PersonalDataSeen.objects.about(mine).filter(user=people["handler"])
    assert views.count() == 2
    audit = client_for(people["compliance"]).get("/en/admin/portal/personaldataseen/").text
    assert mine.tracking_number in audit


def test_staff_register_a_phone_complaint_received_earlier_and_the_clock_runs_from_receipt(people, time_machine):
    time_machine.move_to(shanghai(2026, 11, 21, 9), tick=False)
    client = client_for(people["handler"])
    response = client.post(
        f"{ADMIN}register/",
        {
            "channel": "phone",
            "received_at": "2026-11-18T15:30",
            "source": "self",
            "name": "赵六",
            "phone": "010-85921177",
            "capacity": "self",
            "language": "zh-hans",
            "category": "sales",
            "description": "电话投诉:销售人员夸大收益。",
            "attachments": [SimpleUploadedFile("a.txt", b"plain text")],
        },
    )
    assert response.status_code == 200 and "judged by its content" in response.text
    assert not Complaint.objects.exists()
    response = client.post(
        f"{ADMIN}register/",
        {
            "channel": "phone",
            "received_at": "2026-11-18T15:30",
            "source": "regulator",
            "regulator_ref": "京监转〔2026〕88号",
            "name": "赵六",
            "phone": "010-85921177",
            "capacity": "self",
            "language": "zh-hans",
            "category": "sales",
            "description": "电话投诉:销售人员夸大收益。",
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{complaint.pk}/change/")
    assert (complaint.channel, complaint.source, complaint.phone) == ("phone", "regulator", "+861085921177")
    assert complaint.due_date == date(2026, 12, 3)
    assert complaint.events.get().actor == people["handler"]


def test_the_list_marks_overdue_and_due_soon_and_filters_and_searches_by_tracking_number(people, time_machine):
    time_machine.move_to(shanghai(2026, 11, 1), tick=False)
    late = register(people["supervisor"])
    time_machine.move_to(shanghai(2026, 11, 5), tick=False)
    soon = register(people["supervisor"], phone="13700002222")
    time_machine.move_to(shanghai(2026, 11, 18), tick=False)
    client = client_for(people["supervisor"])
    listing = client.get(ADMIN).text
    assert "Overdue" in listing and "Due in 3 days" in listing
    overdue = client.get(ADMIN + "?deadline=overdue").text
    assert late.tracking_number in overdue and soon.tracking_number not in overdue
    due_soon = client.get(ADMIN + "?deadline=due_soon").text
    assert soon.tracking_number in due_soon and late.tracking_number not in due_soon
    typed = soon.tracking_number.lower()
    found = client.get(ADMIN, {"q": typed}).text
    assert soon.tracking_number in found and late.tracking_number not in found
    for query in ("status=received", "source=self", "channel=phone", "category=claims", "handler__id__exact=1"):
        assert client.get(f"{ADMIN}?{query}").status_code == 200


def test_handlers_see_only_their_complaints_in_the_list(people, complaints):
    text = client_for(people["handler"]).get(ADMIN).text
    assert complaints["mine"].tracking_number in text and complaints["theirs"].tracking_number not in text


def test_the_changelist_offers_the_logged_export_to_compliance_but_not_to_handlers(people, complaints):
    for who in ("compliance", "supervisor"):
        assert 'id="export-filtered"' in client_for(people[who]).get(ADMIN).text
    assert 'id="export-filtered"' not in client_for(people["handler"]).get(ADMIN).text


def test_events_cannot_be_added_changed_or_deleted_in_the_admin(people, complaints):
    event = complaints["mine"].events.first()
    client = client_for(people["supervisor"])
    assert client.get("/en/admin/complaints/complaintevent/add/").status_code == 403
    assert client.get(f"/en/admin/complaints/complaintevent/{event.pk}/delete/").status_code == 403
    page = client.get(f"/en/admin/complaints/complaintevent/{event.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.text
