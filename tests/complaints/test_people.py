"""Who may be chosen for what (complaints/people.py): each choice list offers only eligible people, by name,
and the services refuse an ineligible choice made around the form."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints import people, services
from complaints.compliance.remediation import remediation_add
from complaints.services import WorkflowError
from complaints.staff.forms import AssignForm, ReclassifyForm, RegisterForm
from portal import roles
from portal.models import Branch
from reception.models import BranchStaff
from tests.complaints.factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user):
    def named(username, given, family, groups):
        user = make_user(username, groups=groups)
        user.first_name, user.last_name = given, family
        user.save()
        return user

    beijing = Branch.objects.create(name="北京分公司", slug="bj-test", province="北京")
    shanghai = Branch.objects.create(name="上海分公司", slug="sh-test", province="上海")
    people_ = {
        "handler": named("handler1", "娜", "李", [roles.COMPLAINT_HANDLER]),
        "other": named("handler2", "Anna", "Li", [roles.COMPLAINT_HANDLER]),
        "supervisor": named("lead", "主管", "王", [roles.SUPERVISOR]),
        "senior": named("senior", "静", "陈", [roles.SENIOR_MANAGER]),
        "officer": named("officer", "敏", "赵", [roles.COMPLIANCE_OFFICER]),
        "editor": named("editor", "晓", "孙", [roles.CONTENT_EDITOR]),
        "bj_staff": named("bj.staff", "强", "周", [roles.BRANCH_STAFF]),
        "sh_staff": named("sh.staff", "丽", "吴", [roles.BRANCH_STAFF]),
        "beijing": beijing,
        "shanghai": shanghai,
    }
    BranchStaff.objects.create(user=people_["bj_staff"], branch=beijing)
    BranchStaff.objects.create(user=people_["sh_staff"], branch=shanghai)
    gone = named("gone", "旧", "钱", [roles.COMPLAINT_HANDLER])
    gone.is_active = False
    gone.save()
    return people_


def _labels(field) -> list[str]:
    return [label for _value, label in field.choices if _value != ""]


def test_assignment_offers_active_handlers_and_supervisors_by_name_but_not_the_employee_complained_about(staff):
    complaint = register(staff["supervisor"], named_employee=staff["other"])
    form = AssignForm(complaint=complaint)
    assert set(_labels(form.fields["handler"])) == {"李娜", "王主管"}
    assert "handler1" not in _labels(form.fields["handler"])


def test_the_assignment_service_refuses_someone_who_may_not_handle_complaints(staff):
    complaint = register(staff["supervisor"])
    for person in ("officer", "editor", "bj_staff"):
        with pytest.raises(WorkflowError) as refused:
            services.complaint_assign(complaint=complaint, actor=staff["supervisor"], handler=staff[person])
        assert refused.value.code == "handler"
    complaint.refresh_from_db()
    assert complaint.handler == staff["supervisor"]


def test_the_assignment_refusal_names_the_employee_complained_about_by_name(staff):
    complaint = register(staff["supervisor"], named_employee=staff["other"])
    with pytest.raises(WorkflowError) as refused:
        services.complaint_assign(complaint=complaint, actor=staff["supervisor"], handler=staff["other"])
    assert "Anna Li" in refused.value.messages[0] and "handler2" not in refused.value.messages[0]


def test_the_named_employee_list_offers_head_office_and_the_complaints_branch_staff_only(staff):
    complaint = register(staff["supervisor"], branch=staff["beijing"])
    labels = _labels(ReclassifyForm(complaint=complaint).fields["named_employee"])
    assert set(labels) == {"李娜", "Anna Li", "王主管", "陈静", "赵敏", "周强"}
    assert "孙晓" not in labels and "吴丽" not in labels  # an editor; another branch's staff


def test_registration_offers_every_branchs_staff_and_the_service_checks_the_branch_chosen(staff):
    labels = _labels(RegisterForm().fields["named_employee"])
    assert {"周强", "吴丽"} <= set(labels) and "孙晓" not in labels
    with pytest.raises(WorkflowError) as refused:
        register(staff["handler"], branch=staff["beijing"], named_employee=staff["sh_staff"])
    assert refused.value.code == "named_employee" and "吴丽" in refused.value.messages[0]
    complaint = register(staff["handler"], branch=staff["beijing"], named_employee=staff["bj_staff"])
    assert complaint.named_employee == staff["bj_staff"]


def test_the_reclassification_service_refuses_an_editor_or_another_branchs_staff_as_the_named_employee(staff):
    complaint = register(staff["supervisor"], branch=staff["beijing"])
    for person in ("editor", "sh_staff"):
        with pytest.raises(WorkflowError) as refused:
            services.complaint_reclassify(
                complaint=complaint, actor=staff["supervisor"], changes={"named_employee": staff[person]}
            )
        assert refused.value.code == "named_employee"
    complaint.refresh_from_db()
    assert complaint.named_employee is None
    moved = services.complaint_reclassify(
        complaint=complaint,
        actor=staff["supervisor"],
        changes={"branch": staff["shanghai"], "named_employee": staff["sh_staff"]},
    )
    assert moved.named_employee == staff["sh_staff"]


def test_remediation_owners_are_compliance_officers_and_managers_only(staff):
    assert set(people.remediation_owners()) == {staff["supervisor"], staff["senior"], staff["officer"]}
    from complaints.compliance.admin_oversight import RemediationItemForm

    assert set(_labels(RemediationItemForm().fields["owner"])) == {"王主管", "陈静", "赵敏"}


def test_the_remediation_service_refuses_a_handler_as_owner_with_a_translated_reason(staff):
    from datetime import timedelta

    from django.utils import timezone, translation

    complaint = register(staff["supervisor"])
    due = timezone.localdate() + timedelta(days=10)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        remediation_add(
            complaint=complaint, actor=staff["supervisor"], action="复训", owner=staff["handler"], due_date=due
        )
    assert refused.value.message_dict["owner"] == ["责任人须为在职的合规人员、主管或高级管理人员。"]
    assert not complaint.remediation_items.exists()
    item = remediation_add(
        complaint=complaint, actor=staff["supervisor"], action="复训", owner=staff["officer"], due_date=due
    )
    assert item.owner == staff["officer"]


def test_the_complaints_admin_names_the_handler_by_name_not_username(staff, client):
    complaint = register(staff["handler"])
    client.force_login(staff["supervisor"])
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert page.status_code == 200
    assert "李娜" in page.text
    assert "handler1" not in page.text


def test_a_reclassification_names_the_employee_by_name_in_its_details(staff):
    complaint = register(staff["supervisor"], branch=staff["beijing"])
    services.complaint_reclassify(
        complaint=complaint, actor=staff["supervisor"], changes={"named_employee": staff["bj_staff"]}
    )
    event = complaint.events.get(action="reclassify")
    assert any(line.endswith("— → 周强") for line in event.detail_lines)
    from complaints import history

    assert [value for _label, value in history.describe(event)] == ["— → 周强"]
