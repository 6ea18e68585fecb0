"""Filing a complaint on the web is one transaction of a fixed number of statements, with no savepoint, however
many supervisors are told; the same form sent again, from anywhere, still makes one complaint and stores no file."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from complaints import services
from complaints.models import Complaint, ComplaintAttachment
from portal import roles
from portal.messaging.alerts import staff_alert
from portal.messaging.models import Message, StaffAlert

from . import files

pytestmark = pytest.mark.django_db


def _post_a_complaint(number: int) -> list[str]:
    client = Client()
    form = client.get("/complaints/new/")
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
    data = {
        "name": "赵六",
        "phone": "13812345678",
        "capacity": "self",
        "category": "service",
        "description": f"柜台在营业时间内关门，第{number}次。",
        "consent": "on",
        "token": token,
        "website": "",
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/complaints/new/", data)
    assert response.status_code == 302
    return [query["sql"] for query in queries]


@pytest.mark.django_db(transaction=True)  # as in production: no test transaction around the request
def test_filing_a_complaint_costs_the_same_statements_for_one_supervisor_as_for_five_and_no_savepoint(demo, make_user):
    make_user("supervisor1", groups=[roles.SUPERVISOR])
    _post_a_complaint(0)  # the process's first complaint also reads the content types once
    one = _post_a_complaint(1)
    for number in range(2, 6):
        make_user(f"supervisor{number}", groups=[roles.SUPERVISOR])
    five = _post_a_complaint(2)
    # Only the emails grow with the supervisors (each is its message and its delivery task, as every email is).
    assert len(five) - 2 * 5 == len(one) - 2 * 1
    assert not [sql for sql in one + five if "SAVEPOINT" in sql.upper()]
    assert StaffAlert.objects.filter(template="unassigned").count() == 2 + 5
    # The complaint, its event, its receipt and the receipt's delivery, the supervisors' inbox lines: one each.
    inserts = [re.match(r'INSERT INTO "?(\w+)', sql).group(1) for sql in five if sql.startswith("INSERT")]
    assert inserts.count("complaints_complaint") == 1 and inserts.count("portal_staffalert") == 1


def test_the_same_form_sent_again_from_another_session_returns_the_first_complaint_and_keeps_no_second_file(
    demo, settings
):
    fields = {"name": "钱七", "phone": "13912345678", "description": "保单退保款未到账。", "idempotency_key": "k" * 48}
    first = services.complaint_submit(**fields, attachments=[files.pdf()])
    again = services.complaint_submit(**fields, attachments=[files.pdf()])
    assert again.pk == first.pk and Complaint.objects.count() == 1
    assert ComplaintAttachment.objects.count() == 1
    stored = [path for path in (settings.MEDIA_ROOT / "complaints").rglob("*") if path.is_file()]
    assert len(stored) == 1


def test_a_user_who_already_has_an_alert_is_skipped_and_only_the_others_are_written_and_emailed(demo, make_user):
    first = make_user("supervisor_a", groups=[roles.SUPERVISOR])
    second = make_user("supervisor_b", groups=[roles.SUPERVISOR])
    for user, address in ((first, "a@example.com"), (second, "b@example.com")):
        user.email = address
        user.save()
    params = {"number": "TS-1", "due": "—"}
    assert [alert.user for alert in staff_alert(users=[first], template="unassigned", params=params, key="k:9")] == [
        first
    ]
    written = staff_alert(users=[first, second], template="unassigned", params=params, key="k:9")
    assert [alert.user for alert in written] == [second] and written[0].pk is not None
    assert StaffAlert.objects.get(pk=written[0].pk).params == params
    assert Message.objects.filter(recipient="b@example.com").count() == 1
    assert Message.objects.filter(recipient="a@example.com").count() == 1
