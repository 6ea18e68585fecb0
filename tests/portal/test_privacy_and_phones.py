import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.phones import display_phone, normalize_phone
from portal.privacy import mask_email, mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("13812345678", "138****5678"), ("+8613812345678", "138****5678"), ("010-85921177", "010****1177"), ("", "")],
)
def test_phone_numbers_are_masked_keeping_first_three_and_last_four_digits(raw, masked):
    assert mask_phone(raw) == masked


def test_id_numbers_keep_only_first_and_last_four_characters():
    assert mask_id_number("110101199003071234") == "1101**********1234"
    assert mask_id_number("E1234") == "*****"


def test_email_and_name_masking():
    assert mask_email("zhang.san@example.com") == "z***@example.com"
    assert mask_name("张三丰") == "张**"
    assert mask_name("John Smith") == "J*** S****"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("010-85921177", "+861085921177"),
        ("400-815-6688", "+864008156688"),
    ],
)
def test_chinese_mobiles_landlines_and_service_numbers_are_accepted(raw, stored):
    assert normalize_phone(raw) == stored


@pytest.mark.parametrize("raw", ["", "12345", "1381234567", "abc", "2" * 40, "13812345678\x00", "+86 138 1234"])
def test_invalid_phone_numbers_are_refused_with_a_clear_message(raw):
    with pytest.raises(ValidationError) as info:
        normalize_phone(raw)
    with translation.override("en"):
        assert "valid Chinese phone number" in info.value.messages[0]
    with translation.override("zh-hans"):
        assert "请输入有效的中国大陆电话号码" in info.value.messages[0]


@pytest.mark.parametrize("raw", ["+1 202 555", "+44 7700 9001", "0044 20 7946", "+999 1234 5678"])
def test_a_mistyped_number_abroad_is_told_how_to_write_an_international_number(raw):
    with pytest.raises(ValidationError) as info:
        normalize_phone(raw)
    with translation.override("en"):
        message = info.value.messages[0]
        assert message.startswith("Enter a valid international phone number: + and the country code")
        assert "Chinese" not in message
    with translation.override("zh-hans"):
        assert info.value.messages[0].startswith("请输入有效的境外电话号码")


@pytest.mark.parametrize(
    ("raw", "stored"), [("+852 6123 4567", "+85261234567"), ("0044 20 7946 0958", "+442079460958")]
)
def test_numbers_abroad_with_their_country_code_are_accepted(raw, stored):
    assert normalize_phone(raw) == stored


@pytest.mark.django_db
def test_the_chinese_message_and_the_forms_help_name_numbers_abroad(client):
    with pytest.raises(ValidationError) as info:
        normalize_phone("12345")
    with translation.override("en"):
        assert "A number outside mainland China starts with + and its country code" in info.value.messages[0]
    assert "write + and the country code first, e.g. +852 6123 4567" in client.get("/en/complaints/new/").text
    for path in ("/en/reception/cancel/", "/reception/cancel/"):
        assert "+852 6123 4567" in client.get(path).text, path


def test_stored_numbers_are_displayed_in_national_format():
    assert display_phone("+8613812345678") == "138 1234 5678"
    assert display_phone("+861085921177") == "010 8592 1177"


def test_phones_match_takes_every_typed_form_of_the_stored_number():
    from portal.phones import phones_match

    for typed in ("13812345678", "138 1234 5678", "+86 138-1234-5678", " 13812345678 "):
        assert phones_match("+8613812345678", typed)
    assert not phones_match("+8613812345678", "13812345679")


def test_phones_match_never_matches_an_unknown_record_or_an_unparsable_number():
    from portal.phones import phones_match

    assert not phones_match(None, "13812345678")
    # An anonymised complaint keeps "-" as its phone: no typed text, "-" included, may match it.
    for typed in ("-", "", "not a phone", "+860000000000"):
        assert not phones_match("-", typed)


def test_a_download_is_named_after_the_type_its_content_was_found_to_be():
    from portal.uploads import download_name

    assert download_name("photo.html", "image/jpeg") == "photo.jpg"
    assert download_name("scan.jpeg", "image/jpeg") == "scan.jpeg"
    assert download_name("合同", "application/pdf") == "合同.pdf"
    assert download_name("letter.PDF", "application/pdf") == "letter.pdf"
