"""Reception's writes check their actor themselves: the permission, and that the branch is within the actor's
branch scope. Commands and demo loaders act as the system actor, which may work on every branch."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from portal.actors import is_system_actor, system_actor
from portal.models import Branch
from portal.roles import BRANCH_STAFF
from portal.tabular import ImportRefused
from reception import importer, services
from reception.models import BranchStaff, ReceptionDay

pytestmark = pytest.mark.django_db

TABLE = "分支机构,接待日期,接待人员,职务,接待电话,接待地点,接待时间,联络人员\n{branch},2027-01-13,王强,总经理,,长沙,上午9:00-11:30,刘芳\n"


@pytest.fixture
def beijing_member(make_user, demo):
    user = make_user("bj", groups=[BRANCH_STAFF])
    BranchStaff.objects.create(user=user, branch=Branch.objects.get(slug="beijing"))
    return user


def _rows(branch: str):
    parsed = importer.parse(TABLE.format(branch=branch).encode())
    assert parsed.ok, parsed.problems
    return parsed.rows


def test_a_branch_staff_member_saving_another_branchs_reception_day_through_the_service_is_refused(
    beijing_member, make_day
):
    day = make_day("hunan", receptionist="王强")
    day.receptionist = "李四"
    with pytest.raises(PermissionDenied):
        services.reception_day_save(day=day, changed=["receptionist"], actor=beijing_member)
    assert ReceptionDay.objects.get(pk=day.pk).receptionist == "王强"


def test_a_branch_staff_member_cannot_move_another_branchs_day_into_their_own(beijing_member, make_day):
    day = make_day("hunan")
    day.branch = Branch.objects.get(slug="beijing")
    with pytest.raises(PermissionDenied):
        services.reception_day_save(day=day, changed=["branch"], actor=beijing_member)
    assert ReceptionDay.objects.get(pk=day.pk).branch.slug == "hunan"


def test_a_branch_staff_member_saves_their_own_branchs_day_through_the_service(beijing_member, make_day):
    day = make_day("beijing")
    day.receptionist = "李四"
    services.reception_day_save(day=day, changed=["receptionist"], actor=beijing_member)
    assert ReceptionDay.objects.get(pk=day.pk).receptionist == "李四"


def test_someone_without_the_permission_cannot_save_a_day(make_user, make_day):
    day = make_day("beijing")
    with pytest.raises(PermissionDenied):
        services.reception_day_save(day=day, changed=[], actor=make_user("nobody"))


def test_an_import_naming_another_branch_by_a_branch_scoped_user_is_refused(beijing_member):
    with pytest.raises(ImportRefused) as refused:
        services.reception_import(rows=_rows("湖南分公司"), actor=beijing_member)
    assert "湖南分公司" in str(refused.value.problems[0])
    assert not ReceptionDay.objects.exists()


def test_an_import_of_their_own_branch_by_a_branch_scoped_user_is_written(beijing_member):
    outcome = services.reception_import(rows=_rows("北京分公司"), actor=beijing_member)
    assert len(outcome.created) == 1
    assert ReceptionDay.objects.get().branch.slug == "beijing"


def test_an_import_by_someone_without_the_permission_is_refused(make_user, demo):
    with pytest.raises(PermissionDenied):
        services.reception_import(rows=_rows("北京分公司"), actor=make_user("nobody"))
    assert not ReceptionDay.objects.exists()


def test_the_command_imports_every_branch_as_the_system_actor(demo, tmp_path):
    path = tmp_path / "table.csv"
    path.write_text(TABLE.format(branch="湖南分公司"), encoding="utf-8")
    call_command("import_reception", str(path), stdout=io.StringIO())
    day = ReceptionDay.objects.get()
    assert (day.branch.slug, day.date) == ("hunan", date(2027, 1, 13))


def test_the_system_actor_is_created_once_and_cannot_log_in(db):
    actor = system_actor()
    assert system_actor().pk == actor.pk
    assert is_system_actor(actor)
    assert not actor.is_active and not actor.has_usable_password()


def test_a_person_called_system_is_not_the_system_actor(make_user):
    assert not is_system_actor(make_user("system"))
