"""The compliance pages of the rating, the rule versions and the review register: for compliance only, in both
languages, every refusal a translated message that keeps what was typed."""

import json
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints import services
from complaints.compliance.importer import complaint_import
from complaints.compliance.models import RatingWeights, ReviewItem
from complaints.models import Complaint, RuleVersion
from notices.models import Notice
from portal import roles
from tests.complaints.factories import frozen_at, register

from .files import csv_bytes, seed_year_rows

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.get_fixed_timezone(480))
BASE = "/en/admin/complaints/compliancedashboard/"

_frozen = frozen_at(NOW)


@pytest.fixture
def officer(make_user, client):
    user = make_user("officer", groups=[roles.COMPLIANCE_OFFICER])
    client.force_login(user)
    return user


@pytest.fixture
def second(make_user):
    return make_user("second", groups=[roles.COMPLIANCE_OFFICER])


@pytest.fixture
def year_2023():
    complaint_import(data=csv_bytes(seed_year_rows(2023)), name="2023.csv")


def test_the_rating_page_shows_each_element_with_its_weight_figures_and_evidence(officer, client, year_2023):
    page = client.get(f"{BASE}rating/?year=2023").content.decode()
    assert "Dispute resolution" in page and "weight 30%" in page
    assert 'data-figure="complaints"' in page and "?received_at__year=2023&amp;category__exact=sales" in page
    assert "No business volume (premium and policies) is entered for 2023." in page
    chinese = client.get(f"{BASE.replace('/en', '')}rating/?year=2023").content.decode()
    assert "纠纷化解" in chinese and "权重30%" in chinese and "Dispute resolution" not in chinese


def test_the_figures_download_as_json_and_xlsx(officer, client, year_2023):
    response = client.get(f"{BASE}rating/download/json/?year=2023")
    report = json.loads(response.content)
    assert report["year"] == 2023 and len(report["elements"]) == 7
    workbook = client.get(f"{BASE}rating/download/xlsx/?year=2023")
    assert workbook.content[:2] == b"PK"
    assert client.get(f"{BASE}rating/download/csv/?year=2023").status_code == 404


def test_staff_without_the_dashboard_permission_are_refused_every_page(make_user, client):
    client.force_login(make_user("handler", groups=[roles.COMPLAINT_HANDLER]))
    for path in ("rating/", "rules/", "reviews/", "rating/download/json/"):
        assert client.get(f"{BASE}{path}").status_code == 403, path
    assert client.post(f"{BASE}rating/assessment/", {"year": 2023}).status_code == 403


def test_weights_entered_on_the_page_wait_for_a_second_approver(officer, second, client):
    values = {"governance": 10, "suitability": 10, "sales_conduct": 20, "dispute_resolution": 40}
    values |= {"education": 10, "service": 5, "personal_information": 5, "year": 2026}
    refused = client.post(f"{BASE}rating/weights/", values, follow=True).content.decode()
    assert "At least 25: the rating&#x27;s floor for this element." in refused
    assert not RatingWeights.objects.exists()
    client.post(f"{BASE}rating/weights/", values | {"sales_conduct": 25, "dispute_resolution": 35})
    row = RatingWeights.objects.get()
    page = client.get(f"{BASE}rating/?year=2026").content.decode()
    assert f"rating/weights/{row.pk}/" not in page  # not for whoever entered them
    client.force_login(second)
    client.post(f"{BASE}rating/weights/{row.pk}/", {"decision": "approve", "year": 2026})
    assert "weight 35%" in client.get(f"{BASE}rating/?year=2026").content.decode()


def test_a_rule_version_is_entered_checked_and_approved_on_its_pages(officer, second, client):
    received = register(received_at=timezone.now() - timezone.timedelta(days=3))
    values = {
        "title": "新办法", "effective_from": "2026-11-15", "base_days": 10, "first_extension_limit": 30,
        "second_extension_limit": 60, "second_extension_max_days": 30, "review_days": "",
        "first_extension_approvals": 1, "second_extension_approvals": 1, "regulator_default_days": 10,
        "platform_default_days": 10, "reason": "",
    }  # fmt: skip
    refused = client.post(f"{BASE}rules/", values)
    assert refused.status_code == 200 and b"give the reason" in refused.content
    assert b'value="\xe6\x96\xb0\xe5\x8a\x9e\xe6\xb3\x95"' in refused.content  # what was typed is kept
    response = client.post(f"{BASE}rules/", values | {"reason": "11月15日起施行"})
    version = RuleVersion.objects.get(status="pending")
    assert response.url == f"/en/admin/complaints/compliancedashboard/rules/{version.pk}/"
    page = client.get(response.url).content.decode()
    assert received.tracking_number in page and "2026-12-03" in page and "2026-11-28" in page
    assert 'id="approve-version"' not in page
    client.force_login(second)
    client.post(response.url, {"decision": "approve"})
    received.refresh_from_db()
    assert received.due_date == date(2026, 11, 28)
    assert "changed the due date of 1 open complaint" in client.get(response.url).content.decode()


def test_reviews_are_recorded_and_imported_on_the_register_page(officer, client, year_2023):
    values = {
        "reference": "XB-1", "kind": "marketing", "title": "海报", "requester": "市场部", "reviewer": "王审",
        "reviewed_on": "2023-05-01", "adopted": "删除“稳赚”\n补充风险提示", "not_adopted": "改色", "complaints": "TS-NONE",
        "root_causes": "",
    }  # fmt: skip
    refused = client.post(f"{BASE}reviews/?year=2023", values)
    assert refused.status_code == 400 and "No complaint TS-NONE." in refused.content.decode()
    assert not ReviewItem.objects.exists()
    prompted = Complaint.objects.order_by("id").first()
    client.post(f"{BASE}reviews/", values | {"complaints": prompted.tracking_number})
    item = ReviewItem.objects.get()
    assert [(o.text, o.adopted) for o in item.opinions.all()] == [
        ("删除“稳赚”", True),
        ("补充风险提示", True),
        ("改色", False),
    ]
    bad = SimpleUploadedFile("r.csv", "编号,类型\nXB-2,产品\n".encode())
    page = client.post(f"{BASE}reviews/import/", {"file": bad})
    assert page.status_code == 400 and "Missing columns" in page.content.decode()
    listing = client.get(f"{BASE}reviews/?year=2023").content.decode()
    assert "1 reviews in the year; 3 opinions given, 2 adopted." in listing
    assert f'/admin/complaints/complaint/{prompted.pk}/change/">{prompted.tracking_number}</a>' in listing


def test_the_self_assessment_is_drafted_from_the_page_and_its_pdf_opens(officer, client, year_2023):
    client.post(f"{BASE}rating/assessment/", {"year": 2023})
    notice = Notice.objects.get(slug="rating-self-assessment-2023")
    page = client.get(f"{BASE}rating/?year=2023").content.decode()
    assert notice.title_zh_hans in page
    pdf = client.get(f"{BASE}rating/assessment/2023.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert client.get(f"{BASE}rating/assessment/2022.pdf").status_code == 404


def test_a_complaint_received_after_a_future_version_takes_effect_gets_its_limit(officer, second):
    version = services.rule_version_enter(
        actor=officer, title="新办法", effective_from=date(2026, 12, 1), base_days=10, first_extension_limit=30,
        second_extension_limit=60, second_extension_max_days=30, review_days=None, first_extension_approvals=1,
        second_extension_approvals=1, regulator_default_days=10, platform_default_days=10,
    )  # fmt: skip
    services.rule_version_approve(version=version, actor=second)
    assert services.next_rule_change() == timezone.make_aware(datetime(2026, 12, 1))
