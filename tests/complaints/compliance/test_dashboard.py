"""The compliance pages in the admin: dashboard, report downloads, exports with progress and private files,
import preview and confirm, and the draft disclosure button — in both languages, for the right staff only."""

import json
import re
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints.compliance.importer import complaint_import
from complaints.compliance.models import ExportJob, ExportLog
from complaints.models import Complaint
from notices.models import Notice
from portal import roles
from tests.complaints.factories import frozen_at

from .files import csv_bytes, row, seed_year_rows

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.get_fixed_timezone(480))
DASHBOARD = "/admin/complaints/compliancedashboard/"


_frozen = frozen_at(NOW)


@pytest.fixture
def officer(make_user, client):
    user = make_user("officer", groups=[roles.COMPLIANCE_OFFICER])
    client.force_login(user)
    return user


@pytest.fixture
def year_2023():
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")


def test_the_admin_index_links_the_dashboard_for_compliance_officers(officer, client):
    page = client.get("/admin/").content.decode()
    assert DASHBOARD in page


@pytest.mark.parametrize(("prefix", "words"), [("", ["合规看板", "按时办结", "月度趋势"]), ("/en", ["Compliance dashboard", "Closed on time", "Monthly trend"])])  # fmt: skip
def test_the_dashboard_shows_the_period_and_the_previous_one_in_both_languages(
    officer, client, year_2023, prefix, words
):
    response = client.get(f"{prefix}{DASHBOARD}?year=2023")
    assert response.status_code == 200
    page = response.content.decode()
    for word in words:
        assert word in page
    assert "<svg" in page and not re.search(r"<script(?![^>]*\bsrc=)", page) and " style=" not in page
    report = response.context["report"]
    assert report["total"] == 15 and report["on_time_rate"] == 1.0
    assert response.context["previous_period"].label == "2022"
    summary = {str(row["label"]): row for row in response.context["summary"]}
    first = response.context["summary"][0]
    assert (first["current"], first["previous"], first["change"]) == (15, 0, 15)
    assert summary


def test_the_dashboard_costs_the_same_queries_whatever_the_data(officer, client, django_assert_max_num_queries):
    complaint_import(data=csv_bytes(seed_year_rows(2023)[:2]), name="a.csv")
    # Two reports (the period and the one it is compared with) of about twenty grouped queries each.
    with django_assert_max_num_queries(48) as few:
        client.get(f"{DASHBOARD}?year=2023")
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="b.csv")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"{DASHBOARD}?year=2023&quarter=1")


def test_staff_without_the_permission_and_anonymous_visitors_are_kept_out(make_user, client):
    assert client.get(DASHBOARD).status_code == 302
    client.force_login(make_user("handler", groups=[roles.COMPLAINT_HANDLER]))
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(reverse("admin:complaints_compliance_report", args=["json"])).status_code == 403
    assert client.get(reverse("admin:complaints_compliance_import")).status_code == 403
    assert client.get(reverse("admin:complaints_compliance_export")).status_code == 403


def test_the_report_downloads_as_json_and_xlsx(officer, client, year_2023):
    response = client.get(reverse("admin:complaints_compliance_report", args=["json"]) + "?year=2023")
    assert json.loads(response.content)["by_source"] == {"self": 12, "regulator": 3, "platform": 0}
    response = client.get(reverse("admin:complaints_compliance_report", args=["xlsx"]) + "?year=2023&quarter=1")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_an_admin_export_is_masked_logged_and_downloadable_only_by_who_asked(officer, client, year_2023, make_user):
    url = reverse("admin:complaints_compliance_export")
    assert client.get(url + "?start=2023-01-01&end=2023-12-31").status_code == 200
    response = client.post(url, {"start": "2023-01-01", "end": "2023-12-31", "file_format": "csv"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/export/{job.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert "download-export" in page and 'http-equiv="refresh"' not in page
    download = client.get(reverse("admin:complaints_compliance_export_download", args=[job.pk]))
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert text.count("\n") == 16 and "13800000001" not in text
    assert ExportLog.objects.get().user == officer

    other = make_user("other", groups=[roles.COMPLIANCE_OFFICER])
    client.force_login(other)
    assert client.get(reverse("admin:complaints_compliance_export_download", args=[job.pk])).status_code == 404
    assert client.get(reverse("admin:complaints_compliance_export_job", args=[job.pk])).status_code == 404


def test_an_officer_cannot_tick_unmasked_without_the_permission(officer, client, year_2023):
    page = client.get(reverse("admin:complaints_compliance_export")).content.decode()
    assert 'name="unmasked"' not in page
    response = client.post(
        reverse("admin:complaints_compliance_export"), {"file_format": "csv", "unmasked": "on", "start": "2023-01-01"}
    )
    assert response.status_code == 200 and ExportJob.objects.count() == 0 and ExportLog.objects.count() == 0


def test_a_running_export_shows_a_progress_bar_and_refreshes_itself(officer, client, year_2023, settings):
    settings.COMPLAINT_EXPORT_INLINE_ROWS = 1
    client.post(reverse("admin:complaints_compliance_export"), {"file_format": "xlsx"})
    job = ExportJob.objects.get()
    page = client.get(reverse("admin:complaints_compliance_export_job", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page and "<progress" in page


def test_the_changelist_filters_are_carried_into_the_export(officer, client, year_2023):
    response = client.get(
        reverse("admin:complaints_compliance_export") + "?from_list=category__exact%3Dsales%26received_at__year%3D2023"
    )
    assert response.context["list_filters"] == {"start": "2023-01-01", "end": "2023-12-31", "category": "sales"}
    client.post(
        reverse("admin:complaints_compliance_export"),
        {"from_list": "category__exact=sales&received_at__year=2023", "file_format": "csv"},
    )
    assert ExportJob.objects.get().rows_done == 7


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_import_in_the_admin_previews_then_imports_on_confirmation(officer, client, prefix):
    url = f"{prefix}{DASHBOARD}import/"
    upload = SimpleUploadedFile("2023.csv", csv_bytes(seed_year_rows(2023)), content_type="text/csv")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200 and response.context["plan"].created == 15
    assert "138****0001" in response.content.decode() and "13800000001" not in response.content.decode()
    assert Complaint.objects.count() == 0
    response = client.post(reverse("admin:complaints_compliance_import_confirm"), {"token": response.context["token"]})
    assert response.status_code == 302 and Complaint.objects.count() == 15


def test_a_refused_file_in_the_admin_names_the_rows_and_imports_nothing(officer, client):
    upload = SimpleUploadedFile("bad.csv", csv_bytes([row(), row(received="2023-02-30"), row(province="火星")]))
    response = client.post(f"/en{DASHBOARD}import/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200, page[:3000]
    assert "Row 3" in page and "Row 4" in page and "nothing was imported" in page
    assert Complaint.objects.count() == 0


def test_a_forged_or_foreign_import_token_is_refused(officer, client, make_user):
    response = client.post(reverse("admin:complaints_compliance_import_confirm"), {"token": "forged"})
    assert response.status_code == 302 and Complaint.objects.count() == 0


def test_the_draft_button_creates_a_draft_and_opens_it_in_the_notices_admin(officer, client, year_2023):
    response = client.post(reverse("admin:complaints_compliance_disclosure"), {"year": "2023"})
    notice = Notice.objects.get(disclosure_year=2023, status="draft")
    assert response["Location"] == reverse("admin:notices_notice_change", args=[notice.pk])
    assert client.get(response["Location"]).status_code == 200


def test_the_complaint_list_offers_an_export_of_its_current_filters(officer, client, year_2023):
    page = client.get("/admin/complaints/complaint/?category__exact=sales").content.decode()
    assert 'id="export-filtered"' in page
    assert "from_list=category__exact%3Dsales" in page
