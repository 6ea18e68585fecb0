"""Branch staff keep their schedule in the admin: log in through the real form, import the published table
(upload, preview, confirm) and see only their own branch."""

from pathlib import Path

import pytest

from portal.models import Branch
from portal.roles import BRANCH_STAFF
from reception.models import BranchStaff, ReceptionDay
from tests.demo_snapshot import load_demo

PUBLISHED = Path(__file__).parents[1] / "reception" / "fixtures" / "reception_beijing_2023_as_published.csv"
SHOTS = Path("/tmp/shots-reception")


@pytest.fixture
def beijing_staff(transactional_db, make_user):
    load_demo()
    ReceptionDay.objects.filter(date__year=2023).delete()
    user = make_user("bj-staff", groups=[BRANCH_STAFF])
    BranchStaff.objects.create(user=user, branch=Branch.objects.get(slug="beijing"))
    return user


def test_branch_staff_import_the_published_table_and_see_only_their_branch(beijing_staff, live_server, page):
    page.goto(live_server.url + "/en/admin/login/")
    page.get_by_label("Username").fill("bj-staff")
    page.get_by_label("Password").fill("a-long-test-password-1")
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/en/admin/reception/receptionday/")
    assert page.locator("#result_list").get_by_text("Hunan Branch").count() == 0
    page.get_by_role("link", name="Import a schedule").click()
    page.get_by_label("Schedule file (CSV or XLSX)").set_input_files(str(PUBLISHED))
    page.get_by_label("Year").fill("2023")
    page.get_by_role("button", name="Preview").click()
    assert page.locator("#import-summary").inner_text() == "12 days: 12 new, 0 updated, 0 unchanged."
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin-import-preview-en-1280.png"), full_page=True)
    page.get_by_role("button", name="Confirm the import").click()
    assert "Imported 12 days" in page.locator(".messagelist").inner_text()
    assert ReceptionDay.objects.filter(branch__slug="beijing", date__year=2023).count() == 12
    rows = page.locator("#result_list tbody tr")
    assert rows.count() >= 12
    assert page.locator("#result_list").get_by_text("Hunan Branch").count() == 0
    day = ReceptionDay.objects.filter(branch__slug="beijing").order_by("-date").first()
    page.goto(live_server.url + f"/en/admin/reception/receptionday/{day.pk}/bookings/")
    page.screenshot(path=str(SHOTS / "admin-bookings-print-en-1280.png"), full_page=True)
    assert page.get_by_role("heading", level=2).first.inner_text().startswith("Beijing Branch")
