import re
from datetime import date

from portal import codes


def test_generated_number_has_prefix_date_and_random_part_with_check_character():
    number = codes.generate("TS", date(2026, 11, 21))
    assert re.fullmatch(r"TS-20261121-[0-9A-HJKMNP-TV-Z]{8}", number)
    assert codes.is_well_formed(number, "TS")


def test_numbers_are_random_not_sequential():
    numbers = {codes.generate("TS", date(2026, 11, 21)) for _ in range(200)}
    assert len(numbers) == 200


def test_every_single_character_substitution_is_detected():
    number = codes.generate("TS", date(2026, 11, 21))
    head, random_part = number[:12], number[12:]
    for position, original in enumerate(random_part):
        for replacement in codes.ALPHABET:
            if replacement == original:
                continue
            mistyped = head + random_part[:position] + replacement + random_part[position + 1 :]
            assert not codes.is_well_formed(mistyped), mistyped


def test_typed_number_is_normalised_from_lower_case_spaces_and_look_alikes():
    number = "TS-20261121-7KQ2M9X0"
    typed = " ts-20261121-7kq2m9xo "
    assert codes.normalize(typed) == number


def test_wrong_prefix_or_shape_is_not_well_formed():
    number = codes.generate("TS", date(2026, 1, 2))
    assert not codes.is_well_formed(number, "BK")
    assert not codes.is_well_formed("TS-2026-ABC")
    assert not codes.is_well_formed("")
