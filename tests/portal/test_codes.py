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


def test_a_number_typed_without_dashes_in_lower_case_or_full_width_is_found_in_its_canonical_shape():
    number = codes.generate("TS", date(2026, 11, 21))
    assert codes.normalize(number.replace("-", "").lower()) == number
    assert codes.normalize(number.replace("-", " ")) == number
    assert codes.normalize(number.replace("-", "—")) == number
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else "－" for c in number)
    assert codes.normalize(full_width) == number


def test_o_for_zero_and_i_or_l_for_one_are_read_as_digits_in_the_date_and_the_random_part():
    assert codes.normalize("TS-2O26II2I-7KQ2M9XO") == "TS-20261121-7KQ2M9X0"
    assert codes.normalize("tsZ0261121 7kq2m9xd".replace("Z", "2")) == "TS-20261121-7KQ2M9XD"


def test_a_look_alike_swap_is_corrected_only_when_the_check_character_allows_exactly_one_reading():
    for _ in range(50):
        number = codes.generate("TS", date(2026, 11, 21))
        random_part = number[12:]
        position = next((i for i, c in enumerate(random_part) if c in "5S8B2Z6G"), None)
        if position is None:
            continue
        swapped = {"5": "S", "S": "5", "8": "B", "B": "8", "2": "Z", "Z": "2", "6": "G", "G": "6"}
        char = random_part[position]
        typed = number[:12] + random_part[:position] + swapped[char] + random_part[position + 1 :]
        result = codes.normalize(typed)
        assert result == number or not codes.is_well_formed(result)


def test_a_number_of_the_right_shape_whose_check_fails_looks_mistyped():
    number = next(
        number
        for number in (codes.generate("TS", date(2026, 11, 21)) for _ in range(1000))
        if not set(number[12:]) & set("5S8B2Z6G")
    )
    wrong = number[:-1] + ("M" if number[-1] != "M" else "N")
    assert codes.looks_mistyped(wrong)
    assert not codes.looks_mistyped(number)
    assert not codes.looks_mistyped("hello")
