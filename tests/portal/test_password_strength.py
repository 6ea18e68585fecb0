import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.models import SiteProfile
from portal.passwords import GuessablePasswordValidator, company_words

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model()(username="handler1", first_name="芳", last_name="王", email="wang.fang@example.com")


def refusal(password, user=None) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    return refused.value


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("abcabcabcabc", "password_too_guessable"),
        ("xiaokang2026", "password_contains_company_name"),
        ("P@ssw0rd2026", "password_contains_date"),
        ("19900101abcd", "password_contains_date"),
    ],
)
def test_each_weak_password_of_the_review_is_refused_with_its_reason(password, code, user):
    assert code in [error.code for error in refusal(password, user).error_list]


def test_the_user_name_typed_twice_is_refused_as_the_users_name(user):
    assert "password_contains_user_name" in [error.code for error in refusal("handler1handler1", user).error_list]


def test_a_name_of_the_user_typed_twice_is_refused_as_the_users_name(user):
    assert "password_contains_user_name" in [error.code for error in refusal("wangfangwangfang", user).error_list]


def test_the_company_name_comes_from_the_site_profile_in_both_languages():
    SiteProfile(
        name_en="Kangning Life Insurance Co., Ltd.", name_zh_hans="康宁人寿", short_name_en="Kangning Life"
    ).save()
    assert "kangning" in company_words()
    assert "password_contains_company_name" in [error.code for error in refusal("Kangning2027!").error_list]


@pytest.mark.parametrize("password", ["correct horse battery staple", "Tz8#qLm2!vRw9x", "tide-pool-4729-ok-harbour"])
def test_hard_to_guess_passwords_pass_every_validator(password, user):
    validate_password(password, user)


def test_the_strength_messages_and_help_text_are_translated(user):
    with translation.override("zh-hans"):
        for password, words in (
            ("xiaokang2026", "公司名称"),
            ("19900101abcd", "日期"),
            ("handler1handler1", "用户名"),
            ("abcabcabcabc", "重复"),
        ):
            message = " ".join(refusal(password, user).messages)
            assert words in message and "。" in message
        assert "日期" in GuessablePasswordValidator().get_help_text()


def test_the_strength_validator_wants_a_score_of_at_least_three():
    from django.conf import settings

    options = [
        v.get("OPTIONS", {})
        for v in settings.AUTH_PASSWORD_VALIDATORS
        if v["NAME"].endswith("GuessablePasswordValidator")
    ]
    assert options == [{"min_score": 3}]
