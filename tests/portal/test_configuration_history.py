"""A change to the configuration through the admin (branches, the site profile, branch staff, business volumes,
root-cause codes, letter templates) leaves a history record with who made it and when."""

from datetime import timedelta

from django.utils import timezone

from complaints.compliance.models import ReportingVolume
from complaints.models import LetterTemplate, RootCause
from portal.models import Branch, SiteProfile
from portal.roles import BRANCH_STAFF, COMPLIANCE_OFFICER, SUPERVISOR
from reception.models import BranchStaff


def _signed_in(client, user):
    client.force_login(user)
    return client


def _form_data(client, url: str, **changes) -> dict:
    """What the admin's change form at `url` would send back unchanged, with `changes` applied."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value is not None and value is not False:
            data[name] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def _recorded(model, user, history_type: str, **lookup):
    """The newest history record of `model` of `history_type` ("+", "~", "-") matching `lookup`: by `user`, just
    now."""
    record = model.history.filter(history_type=history_type, **lookup).order_by("-history_date").first()
    assert record is not None
    assert record.history_user == user
    assert timezone.now() - record.history_date < timedelta(minutes=1)
    return record


def test_a_superuser_changing_a_branch_leaves_a_record(client, make_user, demo):
    boss = make_user("boss", superuser=True)
    branch = Branch.objects.get(slug="beijing")
    url = f"/admin/portal/branch/{branch.pk}/change/"
    response = _signed_in(client, boss).post(url, _form_data(client, url, phone="010-85921178"))
    assert response.status_code == 302
    assert _recorded(Branch, boss, "~", id=branch.pk).phone == "010-85921178"


def test_a_superuser_changing_the_site_profile_leaves_a_record_with_every_language(client, make_user, demo):
    boss = make_user("boss", superuser=True)
    url = f"/admin/portal/siteprofile/{SiteProfile.objects.get().pk}/change/"
    client = _signed_in(client, boss)
    response = client.post(url, _form_data(client, url, office_hours_en="Weekdays 9:00-17:00"))
    assert response.status_code == 302
    record = _recorded(SiteProfile, boss, "~")
    assert record.office_hours_en == "Weekdays 9:00-17:00" and record.office_hours_zh_hans


def test_a_supervisor_linking_and_unlinking_branch_staff_leaves_records(client, make_user, demo):
    supervisor = make_user("sup", groups=[SUPERVISOR])
    member = make_user("bj", groups=[BRANCH_STAFF])
    branch = Branch.objects.get(slug="beijing")
    client = _signed_in(client, supervisor)
    response = client.post("/admin/reception/branchstaff/add/", {"user": member.pk, "branch": branch.pk})
    assert response.status_code == 302
    link = BranchStaff.objects.get()
    _recorded(BranchStaff, supervisor, "+", id=link.pk)
    response = client.post(f"/admin/reception/branchstaff/{link.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not BranchStaff.objects.exists()
    _recorded(BranchStaff, supervisor, "-", id=link.pk)


def test_a_compliance_officer_entering_a_business_volume_leaves_a_record(client, make_user, db):
    officer = make_user("officer", groups=[COMPLIANCE_OFFICER])
    data = {"year": 2025, "quarter": 0, "premium": "1000000.00", "policies": 5000, "insured": 8000, "note": "年报"}
    response = _signed_in(client, officer).post("/admin/complaints/reportingvolume/add/", data)
    assert response.status_code == 302
    volume = ReportingVolume.objects.get()
    url = f"/admin/complaints/reportingvolume/{volume.pk}/change/"
    response = client.post(url, _form_data(client, url, premium="1200000.00"))
    assert response.status_code == 302
    assert str(_recorded(ReportingVolume, officer, "~", id=volume.pk).premium) == "1200000.00"
    _recorded(ReportingVolume, officer, "+", id=volume.pk)


def test_a_compliance_officer_renaming_a_root_cause_leaves_a_record_in_both_languages(client, make_user, db):
    officer = make_user("officer", groups=[COMPLIANCE_OFFICER])
    cause = RootCause.objects.create(code="sales-misleading", name_zh_hans="销售误导", name_en="Misleading sales")
    url = f"/admin/complaints/rootcause/{cause.pk}/change/"
    response = _signed_in(client, officer).post(url, _form_data(client, url, name_en="Mis-selling"))
    assert response.status_code == 302
    record = _recorded(RootCause, officer, "~", id=cause.pk)
    assert (record.name_zh_hans, record.name_en) == ("销售误导", "Mis-selling")


def test_a_supervisor_changing_a_letter_template_leaves_a_record(client, make_user, db):
    supervisor = make_user("sup", groups=[SUPERVISOR])
    form = {"name": "理赔", "language": "zh-hans", "outcome": "", "is_active": "on", "body": "{name}，您好"}
    response = _signed_in(client, supervisor).post("/admin/complaints/lettertemplate/add/", form)
    assert response.status_code == 302
    template = LetterTemplate.objects.get()
    response = client.post(
        f"/admin/complaints/lettertemplate/{template.pk}/change/", {**form, "body": "{name}，您好。"}
    )
    assert response.status_code == 302
    assert _recorded(LetterTemplate, supervisor, "~", id=template.pk).body == "{name}，您好。"
