"""People by name: one display name for every member of staff (portal.display.person_name), the user model's
str(), and names resolved from the usernames events keep."""

import pytest
from django.contrib.auth.models import User

from portal.display import full_name, name_from, names_of, person_name, recorded_name


def test_a_chinese_name_reads_family_name_first_without_a_space():
    assert person_name(User(username="lina", first_name="娜", last_name="李")) == "李娜"
    assert person_name(User(username="wang", first_name="主管", last_name="王")) == "王主管"


def test_an_english_style_name_reads_given_name_then_family_name():
    assert person_name(User(username="anna", first_name="Anna", last_name="Li")) == "Anna Li"


def test_a_name_with_one_part_is_that_part():
    assert person_name(User(username="anna", first_name="Anna")) == "Anna"
    assert person_name(User(username="li", last_name="李")) == "李"
    assert full_name(" 娜 ", " 李 ") == "李娜"


def test_the_username_stands_only_when_no_part_of_the_name_is_recorded():
    assert person_name(User(username="handler1")) == "handler1"
    assert person_name(User(username="handler1", first_name=" ", last_name="")) == "handler1"
    assert name_from("handler1", "", "") == "handler1"
    assert name_from(None) == ""
    assert person_name(None) == ""


def test_a_user_is_shown_as_their_display_name_everywhere_str_is_used():
    assert str(User(username="lina", first_name="娜", last_name="李")) == "李娜"
    assert str(User(username="handler1")) == "handler1"


@pytest.mark.django_db
def test_a_recorded_username_is_shown_as_the_name_and_a_deleted_account_as_the_username(make_user):
    user = make_user("lina")
    user.first_name, user.last_name = "娜", "李"
    user.save()
    names = names_of(["lina", "gone.user", ""])
    assert names == {"lina": "李娜"}
    assert recorded_name("lina", names) == "李娜"
    assert recorded_name("gone.user", names) == "gone.user"


@pytest.mark.django_db
def test_the_systems_account_is_named_system_in_the_readers_language():
    from django.utils import translation

    from portal.actors import system_actor

    with translation.override("zh-hans"):
        assert person_name(system_actor()) == "系统"
    with translation.override("en"):
        assert str(system_actor()) == "System"


def test_the_admin_greets_staff_by_their_display_name():
    assert User(username="lina", first_name="娜", last_name="李").get_short_name() == "李娜"


@pytest.mark.django_db
def test_the_accounts_list_shows_each_accounts_display_name_beside_its_username(make_user, client):
    lina = make_user("lina")
    lina.first_name, lina.last_name = "娜", "李"
    lina.save()
    client.force_login(make_user("root", superuser=True))
    page = client.get("/admin/auth/user/")
    assert page.status_code == 200
    assert '<td class="field-display_name">李娜</td>' in page.text and "lina" in page.text
