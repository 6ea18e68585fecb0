"""Pages cost a fixed number of queries whatever the number of complaints, events and attachments."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from complaints import services
from portal import roles

from . import files
from .factories import register

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    client.get(url)  # warm the caches that every page shares (site profile, permissions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def add_complaints(actor, handler, how_many):
    for _ in range(how_many):
        complaint = register(actor, attachments=[files.pdf()])
        services.complaint_assign(complaint=complaint, actor=actor, handler=handler)
        services.complaint_accept(complaint=complaint, actor=actor)
    return complaint


def test_the_admin_list_and_change_page_cost_the_same_with_few_or_many_complaints(make_user, demo):
    supervisor = make_user("supervisor", groups=[roles.SUPERVISOR])
    client = Client()
    client.force_login(supervisor)
    few = add_complaints(supervisor, supervisor, 2)
    small = (
        count_queries(client, "/admin/complaints/complaint/"),
        count_queries(client, f"/admin/complaints/complaint/{few.pk}/change/"),
    )
    many = add_complaints(supervisor, supervisor, 10)
    for _ in range(5):
        services.complaint_add_information(complaint=many, text="补充", attachments=[files.png()])
    large = (
        count_queries(client, "/admin/complaints/complaint/"),
        count_queries(client, f"/admin/complaints/complaint/{many.pk}/change/"),
    )
    assert small == large


def test_the_public_status_page_costs_the_same_with_a_short_or_long_history(make_user, demo):
    supervisor = make_user("supervisor", groups=[roles.SUPERVISOR])
    complaint = add_complaints(supervisor, supervisor, 1)
    client = Client()
    client.post("/complaints/track/", {"tracking_number": complaint.tracking_number, "phone": "13812345678"})
    short = count_queries(client, "/complaints/track/status/")
    for _ in range(8):
        services.complaint_add_information(complaint=complaint, text="补充", attachments=[files.pdf()])
    assert count_queries(client, "/complaints/track/status/") == short


# The status page's statements: the looked-up complaint, its reviews, the rules in force, its attachments, the day
# it was decided (for the documents), the materials asked for, its public events and the messages sent.
STATUS_PAGE_QUERIES = 8


def test_a_look_up_s_status_page_reads_each_thing_once_whatever_the_workflow_checks(make_user, demo):
    """A surge of look-ups lands on this page: it reads the rules in force once (not once for the review limit
    and again for the review date), asks only the two steps it offers (not every step's checks, twice), and does
    not join the merged-into or reviewed complaint that few complaints have."""
    supervisor = make_user("supervisor", groups=[roles.SUPERVISOR])
    complaint = add_complaints(supervisor, supervisor, 1)
    client = Client()
    client.post("/complaints/track/", {"tracking_number": complaint.tracking_number, "phone": "13812345678"})
    assert count_queries(client, "/complaints/track/status/") == STATUS_PAGE_QUERIES
