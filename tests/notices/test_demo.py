import pytest

from notices.models import Category, Notice
from tests.demo_snapshot import load_demo

pytestmark = pytest.mark.django_db


def test_demo_content_has_two_notices_per_category_in_both_languages():
    # Loading it twice changes nothing: tests/complaints/test_demo.py loads the whole demo twice for every app.
    load_demo()
    for category in Category.values:
        complete = [notice for notice in Notice.objects.published().in_category(category) if notice.is_complete("en")]
        assert len(complete) >= 2, category


def test_the_demo_disclosure_carries_the_2023_figures_in_both_languages():
    load_demo()
    disclosure = Notice.objects.get(category=Category.DISCLOSURES, slug="consumer-protection-disclosure-2023")
    assert disclosure.disclosure_year == 2023
    for body in (disclosure.body_zh_hans, disclosure.body_en):
        assert all(figure in body for figure in ("235", "41", "194", "12"))
    assert "北京" in disclosure.body_zh_hans and "Anhui" in disclosure.body_en
