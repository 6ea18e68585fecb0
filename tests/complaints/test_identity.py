"""One rule of "the same person": the keys every matcher compares (repeats, escalation links, ring signals)."""

from datetime import datetime

import pytest
from django.utils import timezone

from complaints.identity import id_number_key, phone_key, policy_key, same_person
from complaints.models import Complaint
from complaints.services import possible_repeats

from .factories import register


def test_a_phone_key_is_the_e164_form_whatever_way_it_was_typed():
    assert phone_key("138 1234 5678") == "+8613812345678"
    assert phone_key("+86-138-1234-5678") == "+8613812345678"
    assert phone_key("１３８１２３４５６７８") == "+8613812345678"


def test_a_phone_that_does_not_parse_has_no_key_and_matches_nothing():
    assert phone_key("not a phone") == ""
    assert phone_key("") == ""
    assert same_person(phone="not a phone") == same_person()


def test_an_id_number_key_folds_full_width_characters_and_upper_cases_the_check_character():
    assert id_number_key(" 110101195001010011x ") == "110101195001010011X"
    assert id_number_key("110101195001010011x") == "110101195001010011X"
    assert id_number_key("１１０１０１１９５００１０１００１１Ｘ") == "110101195001010011X"


def test_a_policy_key_is_upper_cased_and_keeps_its_separators():
    assert policy_key(" p-2023-0001 ") == "P-2023-0001"
    assert policy_key("Ｐ２０２４０００１２３") == "P2024000123"


@pytest.mark.django_db
def test_same_person_finds_a_complaint_by_any_one_of_phone_id_number_or_policy():
    when = timezone.make_aware(datetime(2026, 3, 2, 10, 0))
    first = register(
        received_at=when,
        phone="13912345678",
        id_type="resident",
        id_number="110101195001010011x",
        policy_number="P-2023-0001",
    )
    assert first.id_number == "110101195001010011X"
    for keys in (
        {"phone": "139 1234 5678"},
        {"id_number": "１１０１０１１９５００１０１００１１Ｘ"},
        {"policy_number": "p-2023-0001"},
    ):
        assert list(Complaint.objects.filter(same_person(**keys))) == [first], keys
    assert not Complaint.objects.filter(same_person(phone="13800000000", policy_number="P-1999-0001")).exists()


@pytest.mark.django_db
def test_the_repeat_warning_matches_a_policy_number_typed_in_full_width_digits():
    when = timezone.make_aware(datetime(2026, 3, 2, 10, 0))
    first = register(
        received_at=when,
        phone="13912345678",
        policy_number="P2024000123",
    )
    found = possible_repeats(phone="+8613700000000", policy_number="Ｐ２０２４０００１２３", received_at=when)
    assert list(found) == [first]
