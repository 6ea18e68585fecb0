"""The admin's security rules: only declared list filters in changelist URLs, history pages scoped as the change
page, a booking's complaint chosen by tracking number within the branch, a scoped user autocomplete for
supervisors, and what `check --deploy` hardens (staff session limits, passwords, export files, proxies)."""

import io
import logging
import os
import stat
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.contrib import admin
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from simple_history.admin import SimpleHistoryAdmin

from complaints import services as complaint_services
from complaints.models import ComplaintEvent, EventAction
from portal import codes, roles
from portal.admin import DeclaredFiltersOnly, ScopedHistory
from portal.models import Branch
from portal.passwords import RepeatedOrSequentialCharactersValidator, longest_run
from reception.models import Booking, BranchStaff, ReceptionDay
from tests.complaints.factories import register
from tests.demo_snapshot import load_demo

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _day(slug: str, day: date = date(2026, 12, 9), **fields) -> ReceptionDay:
    values = {
        "start_time": time(9, 0),
        "end_time": time(11, 30),
        "receptionist": "张丹",
        "title_zh_hans": "总经理",
        "place_zh_hans": "北京市朝阳区东三环中路5号",
        "phone": "010-85921177",
        **fields,
    }
    return ReceptionDay.objects.create(branch=Branch.objects.get(slug=slug), date=day, **values)


def _booking(day: ReceptionDay, **fields) -> Booking:
    values = {"name": "李四", "phone": "+8613912345678", "topic": "理赔", "language": "zh-hans", **fields}
    return Booking.objects.create(day=day, number=codes.generate("BK", day.date), **values)


# --- only declared list filters ------------------------------------------------------------------------------


def test_every_registered_admin_answers_only_its_declared_filters_and_every_history_admin_is_scoped():
    unguarded = [m._meta.label for m, a in admin.site._registry.items() if not isinstance(a, DeclaredFiltersOnly)]
    assert not unguarded, unguarded
    unscoped = [
        m._meta.label
        for m, a in admin.site._registry.items()
        if isinstance(a, SimpleHistoryAdmin) and not isinstance(a, ScopedHistory)
    ]
    assert not unscoped, unscoped


# Lookups that recover masked data one character at a time, or list accounts, for each admin with personal data.
PROBES = {
    "complaints_complaint": [
        "phone__startswith=138",
        "name__contains=%E5%BC%A0",
        "id_number__startswith=1101",
        "handler__username__startswith=qzxh",
        "email__contains=example",
        "received_at__gte=2020-01-01",
    ],
    "complaints_complaintevent": ["complaint__phone__startswith=138", "actor__username__startswith=qzxs"],
    "complaints_extensionrequest": ["complaint__phone__startswith=138", "requested_by__username__startswith=qzxh"],
    "portal_personaldataseen": ["label__startswith=qzx1", "user__username__startswith=qzxs"],
    "complaints_exportlog": ["user__username__startswith=qzxc"],
    "complaints_remediationitem": ["complaint__phone__startswith=138"],
    "reception_booking": [
        "phone__startswith=%2B86138",
        "name__contains=%E6%9D%8E",
        "complaint__phone__startswith=qzx1",
    ],
    "reception_receptionday": ["phone__startswith=010", "bookings__phone__startswith=%2B86"],
    "portal_message": ["recipient__startswith=%2B86138", "text__contains=TS"],
    "portal_staffalert": ["user__username__startswith=qzxh"],
    "auth_user": ["email__startswith=qzxa", "password__startswith=md5"],
}


@pytest.fixture
def demo_world(make_user):
    load_demo()
    supervisor = make_user("supervisor", groups=[roles.SUPERVISOR])
    compliance = make_user("compliance", groups=[roles.COMPLIANCE_OFFICER])
    handler = make_user("handler", groups=[roles.COMPLAINT_HANDLER])
    complaint = register(id_type="resident", id_number="110101199001011234", email="zs@example.com")
    complaint_services.complaint_assign(complaint=complaint, actor=supervisor, handler=handler)
    return {"supervisor": supervisor, "compliance": compliance, "handler": handler, "complaint": complaint}


@pytest.mark.parametrize("role", ["compliance", "supervisor"])
def test_lookups_outside_the_declared_filters_are_refused_and_logged_without_their_value(demo_world, role, caplog):
    client = _client(demo_world[role])
    wrong = []
    for name, probes in PROBES.items():
        url = reverse(f"admin:{name}_changelist")
        may_view = client.get(url).status_code == 200
        for probe in probes:
            with caplog.at_level(logging.WARNING, logger="portal.admin"):
                caplog.clear()
                response = client.get(f"{url}?{probe}")
            expected = 400 if may_view else 403
            if response.status_code != expected:
                wrong.append((name, probe, response.status_code))
            elif may_view:
                field = probe.split("=")[0]
                value = probe.split("=")[1]
                lines = [record.getMessage() for record in caplog.records if record.name == "portal.admin"]
                if not any(field in line for line in lines) or any(value in line for line in lines):
                    wrong.append((name, probe, "log", lines))
    assert not wrong, "\n".join(map(str, wrong))


@pytest.mark.parametrize("role", ["compliance", "supervisor"])
def test_every_declared_filter_and_date_hierarchy_of_every_admin_still_filters(demo_world, role):
    client = _client(demo_world[role])
    checked, wrong = 0, []
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        if response.status_code != 200 or not response.context or "cl" not in response.context:
            continue
        changelist = response.context["cl"]
        for spec in changelist.filter_specs:
            # "All" and the first two choices of every filter (a related filter lists every branch or user).
            for choice in list(spec.choices(changelist))[:3]:
                query = choice["query_string"]
                answer = client.get(url + query)
                checked += 1
                if answer.status_code != 200:
                    wrong.append((url, query, answer.status_code))
        if model_admin.date_hierarchy:
            field = model_admin.date_hierarchy
            for query in (f"?{field}__year=2026", f"?{field}__year=2026&{field}__month=3&{field}__day=2"):
                answer = client.get(url + query)
                checked += 1
                if answer.status_code != 200:
                    wrong.append((url, query, answer.status_code))
    assert not wrong, "\n".join(map(str, wrong))
    assert checked > 40


def test_a_declared_filter_on_a_related_field_works_while_a_lookup_through_it_is_refused(demo_world):
    client = _client(demo_world["supervisor"])
    url = reverse("admin:complaints_complaint_changelist")
    handler = demo_world["handler"]
    assert client.get(f"{url}?handler__id__exact={handler.pk}").status_code == 200
    assert client.get(f"{url}?status__exact=new&received_at__year=2026").status_code == 200
    assert client.get(f"{url}?handler__username__startswith=han").status_code == 400
    assert client.get(f"{url}?handler__id__exact={handler.pk}&phone__startswith=1").status_code == 400


def test_the_early_warnings_links_into_the_complaint_list_still_open_it(demo_world):
    from types import SimpleNamespace

    from django.utils.http import urlencode

    from complaints.compliance import alerts

    client = _client(demo_world["compliance"])
    url = reverse("admin:complaints_complaint_changelist")
    complaint = demo_world["complaint"]
    period = {"start": date(2026, 11, 1), "end": date(2026, 11, 30), "complaint_ids": []}
    warnings = [SimpleNamespace(start=None, end=None, dimension="", value="", complaint_ids=[complaint.pk])]
    for dimension, value in (
        ("category", "claims"),
        ("province", "北京"),
        ("branch", str(Branch.objects.first().pk)),
        ("business_channel", "agency"),
        ("product_line", "health"),
    ):
        warnings.append(SimpleNamespace(**period, dimension=dimension, value=value))
    for warning in warnings:
        query = urlencode(alerts.changelist_query(warning))
        assert client.get(f"{url}?{query}").status_code == 200, query


# --- history pages -------------------------------------------------------------------------------------------


@pytest.fixture
def beijing_staff(make_user, demo):
    user = make_user("bj", groups=[roles.BRANCH_STAFF])
    BranchStaff.objects.create(user=user, branch=Branch.objects.get(slug="beijing"))
    return user


def test_branch_staff_cannot_open_or_revert_another_branchs_reception_day_through_its_history(beijing_staff):
    other = _day("hunan", place_zh_hans="长沙市芙蓉区五一大道")
    other.place_zh_hans = "长沙市天心区"
    other.save()
    version = other.history.order_by("history_id").first()
    client = _client(beijing_staff)
    assert client.get(reverse("admin:reception_receptionday_history", args=[other.pk])).status_code == 404
    revert = reverse("admin:reception_receptionday_simple_history", args=[other.pk, version.history_id])
    assert client.get(revert).status_code == 404
    assert client.post(revert, {"place_zh_hans": "别处"}).status_code == 404
    other.refresh_from_db()
    assert other.place_zh_hans == "长沙市天心区"


def test_a_reception_days_history_shows_versions_of_the_own_branch_but_reverts_none(beijing_staff):
    mine = _day("beijing")
    mine.place_zh_hans = "北京市西城区"
    mine.save()
    version = mine.history.order_by("history_id").first()
    client = _client(beijing_staff)
    with translation.override("en"):
        assert client.get(reverse("admin:reception_receptionday_history", args=[mine.pk])).status_code == 200
        url = reverse("admin:reception_receptionday_simple_history", args=[mine.pk, version.history_id])
        page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.text
    assert client.post(url, {"place_zh_hans": "北京市朝阳区东三环中路5号"}).status_code == 405
    mine.refresh_from_db()
    assert mine.place_zh_hans == "北京市西城区"


def test_branch_staff_cannot_open_the_history_of_another_branchs_booking(beijing_staff):
    theirs = _booking(_day("hunan"))
    mine = _booking(_day("beijing"))
    client = _client(beijing_staff)
    assert client.get(reverse("admin:reception_booking_history", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:reception_booking_history", args=[mine.pk])).status_code == 200


def test_a_notices_history_is_closed_to_staff_who_do_not_edit_notices(demo_world):
    from notices.models import Notice

    notice = Notice.objects.order_by("pk").first()
    url = reverse("admin:notices_notice_history", args=[notice.pk])
    assert _client(demo_world["handler"]).get(url).status_code in (403, 404)
    version = notice.history.order_by("history_id").first()
    if version is not None:
        revert = reverse("admin:notices_notice_simple_history", args=[notice.pk, version.history_id])
        assert _client(demo_world["handler"]).get(revert).status_code in (403, 404)


def test_a_complaints_history_is_closed_to_a_handler_it_is_not_assigned_to(demo_world, make_user):
    other = make_user("other-handler", groups=[roles.COMPLAINT_HANDLER])
    complaint = demo_world["complaint"]
    url = reverse("admin:complaints_complaint_history", args=[complaint.pk])
    response = _client(other).get(url)
    # No page at all: neither its history, nor the complainant's data, nor its number or handler.
    assert response.status_code == 404 and 'id="complaint-history"' not in response.text
    assert complaint.tracking_number not in response.text
    assert complaint.name not in response.text and complaint.phone[-8:] not in response.text
    assert _client(demo_world["handler"]).get(url).status_code == 200


# --- a booking's complaint, by tracking number within the branch -------------------------------------------


def test_branch_staff_link_a_booking_by_typing_a_tracking_number_of_their_branchs_complaints(beijing_staff):
    beijing, hunan = Branch.objects.get(slug="beijing"), Branch.objects.get(slug="hunan")
    booking = _booking(_day("beijing"))
    ours = register(branch=beijing)
    theirs = register(branch=hunan, phone="13900001111")
    client = _client(beijing_staff)
    with translation.override("en"):
        url = reverse("admin:reception_booking_change", args=[booking.pk])
        page = client.get(url)
        assert page.status_code == 200 and 'name="link_complaint"' in page.text
        assert "<select" not in page.text.split('id="booking_form"')[-1].split("</form>")[0]
        refused = client.post(url, {"link_complaint": theirs.tracking_number, "_save": "1"})
    assert refused.status_code == 200
    assert (
        f"No complaint of the branch {beijing.name_en or beijing.name} has the tracking number {theirs.tracking_number}."
        in (refused.text)
    )
    booking.refresh_from_db()
    assert booking.complaint_id is None
    typed = ours.tracking_number.replace("-", " ").lower()
    assert client.post(url, {"link_complaint": typed, "_save": "1"}).status_code == 302
    booking.refresh_from_db()
    assert booking.complaint_id == ours.pk
    event = ComplaintEvent.objects.filter(complaint=ours, action=EventAction.CORRECT).get()
    assert event.actor == beijing_staff and event.data["booking"] == booking.number


def test_branch_staff_cannot_re_link_a_booking_to_a_complaint_outside_their_branch(beijing_staff):
    booking = _booking(_day("beijing"))
    ours = register(branch=Branch.objects.get(slug="beijing"))
    booking.complaint = ours
    booking.save()
    theirs = register(branch=Branch.objects.get(slug="hunan"), phone="13900001111")
    unbranched = register(phone="13900002222")
    client = _client(beijing_staff)
    with translation.override("zh-hans"):
        url = reverse("admin:reception_booking_change", args=[booking.pk])
        for number in (theirs.tracking_number, unbranched.tracking_number, "TS-20261121-7KQ2M9XD"):
            response = client.post(url, {"link_complaint": number, "_save": "1"})
            assert response.status_code == 200 and "的投诉中没有编号" in response.text, number
    booking.refresh_from_db()
    assert booking.complaint_id == ours.pk


def test_a_complaint_already_linked_to_another_booking_is_refused_with_that_bookings_number(beijing_staff):
    day = _day("beijing")
    first, second = _booking(day), _booking(day, phone="+8613900003333")
    complaint = register(branch=Branch.objects.get(slug="beijing"))
    first.complaint = complaint
    first.save()
    with translation.override("en"):
        response = _client(beijing_staff).post(
            reverse("admin:reception_booking_change", args=[second.pk]),
            {"link_complaint": complaint.tracking_number, "_save": "1"},
        )
    assert f"Complaint {complaint.tracking_number} is already linked to booking {first.number}." in response.text


# --- branch staff linked by supervisors, through a scoped user autocomplete ---------------------------------


def test_a_supervisor_links_branch_staff_through_the_scoped_user_autocomplete(demo_world, make_user):
    staff = make_user("wang.bj", groups=[roles.BRANCH_STAFF])
    staff.first_name, staff.last_name = "伟", "王"
    staff.save()
    make_user("wang.handler", groups=[roles.COMPLAINT_HANDLER])
    gone = make_user("wang.gone", groups=[roles.BRANCH_STAFF])
    gone.is_active = False
    gone.save()
    client = _client(demo_world["supervisor"])
    add = client.get(reverse("admin:reception_branchstaff_add"))
    url = reverse("admin:reception_branchstaff_user_autocomplete")
    assert add.status_code == 200 and f'data-ajax--url="{url}"' in add.text
    assert "wang.handler" not in add.text and "wang.bj" not in add.text  # no list of accounts in the page
    answer = client.get(url, {"term": "wang"})
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    assert answer.json() == {
        "results": [{"id": str(staff.pk), "text": "wang.bj (王伟)"}],
        "pagination": {"more": False},
    }
    assert client.get(url, {"term": "王"}).json()["results"][0]["id"] == str(staff.pk)
    branch = Branch.objects.get(slug="beijing")
    saved = client.post(reverse("admin:reception_branchstaff_add"), {"user": staff.pk, "branch": branch.pk})
    assert saved.status_code == 302
    assert BranchStaff.objects.filter(user=staff, branch=branch).exists()
    # A user outside the Branch staff group is refused even when the id is typed in by hand.
    handler = demo_world["handler"]
    refused = client.post(reverse("admin:reception_branchstaff_add"), {"user": handler.pk, "branch": branch.pk})
    assert refused.status_code == 200 and not BranchStaff.objects.filter(user=handler).exists()
    # Django's own user autocomplete stays closed to supervisors.
    django_autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "reception", "model_name": "branchstaff", "field_name": "user", "term": "wang"},
    )
    assert django_autocomplete.status_code == 403


@pytest.mark.parametrize("role", ["handler", "compliance"])
def test_the_scoped_user_autocomplete_refuses_staff_who_may_not_link_branch_staff(demo_world, role, beijing_staff):
    response = _client(demo_world[role]).get(reverse("admin:reception_branchstaff_user_autocomplete"), {"term": "b"})
    assert response.status_code == 403
    assert _client(beijing_staff).get(reverse("admin:reception_branchstaff_user_autocomplete")).status_code == 403


# --- staff sessions --------------------------------------------------------------------------------------------


def _signed_in(make_user, **kwargs):
    make_user("editor", groups=[roles.CONTENT_EDITOR], **kwargs)
    client = Client()
    assert client.post("/en/admin/login/", {"username": "editor", "password": "a-long-test-password-1"}).status_code
    return client


def test_a_staff_session_ends_after_thirty_idle_minutes(make_user):
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False) as clock:
        client = _signed_in(make_user)
        assert client.get("/en/admin/").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get("/en/admin/").status_code == 200
        clock.shift(timedelta(minutes=29))  # 29 minutes after the last request: still in
        assert client.get("/en/admin/").status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get("/en/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        login = client.get(response["Location"])
        assert "You were signed out after 30 minutes without activity." in login.text


def test_a_staff_session_ends_eight_hours_after_sign_in_however_active(make_user):
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False) as clock:
        client = _signed_in(make_user)
        for _step in range(16):  # a request every 29 minutes for 7 h 44 min
            clock.shift(timedelta(minutes=29))
            assert client.get("/en/admin/").status_code == 200
        clock.shift(timedelta(minutes=17))
        response = client.get("/en/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_visitors_public_session_is_not_timed_like_a_staff_session(client):
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False) as clock:
        session = client.session
        session["public"] = "kept"
        session.save()
        clock.shift(timedelta(hours=2))
        client.get("/en/")
        assert client.session.get("public") == "kept"


# --- passwords -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaaaa", "123456789012", "abcdefghijkl", "zyxwvutsrqpo", "Sunny-77777-day", "my-7890123-x"]
)
def test_passwords_with_long_runs_of_repeated_or_consecutive_characters_are_refused(password):
    from django.contrib.auth.password_validation import validate_password

    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert "password_repeated_or_sequential" in [error.code for error in refused.value.error_list]


@pytest.mark.parametrize("password", ["tide-pool-4729-ok", "Gr8-harbour-lamp", "1357-north-gate"])
def test_ordinary_long_passwords_pass_the_run_validator(password):
    RepeatedOrSequentialCharactersValidator().validate(password)
    assert longest_run(password) <= 4


def test_the_run_validators_message_is_translated():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        RepeatedOrSequentialCharactersValidator().validate("aaaaaaaaaaaa")
    message = refused.value.messages[0]
    assert "连续" in message and "。" in message
    with translation.override("zh-hans"):
        assert "4" in RepeatedOrSequentialCharactersValidator().get_help_text()


# --- export files --------------------------------------------------------------------------------------------


def test_an_export_file_is_written_readable_by_the_app_only(settings, tmp_path, make_user):
    from complaints.compliance import jobs

    settings.MEDIA_ROOT = tmp_path
    register()
    compliance = make_user("compliance", groups=[roles.COMPLIANCE_OFFICER])
    old = os.umask(0o022)
    try:
        job = jobs.export_job_start(user=compliance, filters={}, file_format="csv")
    finally:
        os.umask(old)
    path = jobs.export_file_path(job)
    assert path is not None and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_run_periodic_purges_export_files_a_week_old_without_waiting_for_the_next_export(settings, tmp_path, make_user):
    from complaints.compliance import jobs
    from complaints.compliance.models import ExportJob

    settings.MEDIA_ROOT = tmp_path
    register()
    compliance = make_user("compliance", groups=[roles.COMPLIANCE_OFFICER])
    with time_machine.travel(datetime(2026, 11, 1, 9, 0, tzinfo=UTC), tick=False):
        old = jobs.export_job_start(user=compliance, filters={}, file_format="csv")
    with time_machine.travel(datetime(2026, 11, 6, 9, 0, tzinfo=UTC), tick=False):
        recent = jobs.export_job_start(user=compliance, filters={}, file_format="xlsx")
    old_path, recent_path = jobs.export_file_path(old), jobs.export_file_path(recent)
    assert old_path.is_file() and recent_path.is_file()
    out = io.StringIO()
    with time_machine.travel(datetime(2026, 11, 9, 9, 0, tzinfo=UTC), tick=False):
        call_command("run_periodic", "--only", "exports", stdout=out)
    assert out.getvalue().strip() == "exports: 1"
    assert not old_path.exists() and recent_path.is_file()
    assert ExportJob.objects.get(pk=old.pk).file == "" and ExportJob.objects.get(pk=recent.pk).file


# --- trusted proxies -----------------------------------------------------------------------------------------


def _deploy_warnings():
    return {message.id for message in run_checks(include_deployment_checks=True)}


def test_the_deploy_check_warns_behind_a_proxy_when_the_trusted_proxy_count_is_not_set(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.PORTAL_PROXY_COUNT = None
    assert "portal.W003" in _deploy_warnings()
    settings.PORTAL_PROXY_COUNT = 1
    assert "portal.W003" not in _deploy_warnings()
    settings.PORTAL_PROXY_COUNT = 0  # set explicitly: visitors reach gunicorn directly
    assert "portal.W003" not in _deploy_warnings()
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.USE_X_FORWARDED_HOST = True
    settings.PORTAL_PROXY_COUNT = None
    assert "portal.W003" in _deploy_warnings()
    settings.USE_X_FORWARDED_HOST = False
    assert "portal.W003" not in _deploy_warnings()


def test_rate_limits_read_the_client_address_through_the_trusted_proxy_count(settings, rf):
    from portal import ratelimit

    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", REMOTE_ADDR="10.0.0.2")
    settings.PORTAL_PROXY_COUNT = None
    assert ratelimit.client_ip(request) == "10.0.0.2"
    settings.PORTAL_PROXY_COUNT = 1
    assert ratelimit.client_ip(request) == "198.51.100.7"
    settings.PORTAL_PROXY_COUNT = 2
    assert ratelimit.client_ip(request) == "203.0.113.9"


# --- no select of every user or every complaint ---------------------------------------------------------------


def test_no_admin_form_offers_a_select_of_every_user_or_every_complaint(demo_world, rf):
    from django import forms
    from django.contrib.admin.widgets import AutocompleteMixin, ForeignKeyRawIdWidget, ManyToManyRawIdWidget
    from django.contrib.auth.models import User

    from complaints.models import Complaint

    root = demo_world["supervisor"].__class__.objects.create_superuser("root-forms", "r@example.com", "x-long-pass-9")
    wrong, checked = [], set()
    for model, model_admin in admin.site._registry.items():
        if model._meta.label in ("auth.User", "auth.Group"):
            continue  # the accounts' own pages, for superusers only
        request = rf.get("/")
        request.user = root
        obj = model_admin.get_queryset(request).order_by("pk").first() if model._meta.managed else None
        variants = [(obj, True)] if obj is not None else []
        if model_admin.has_add_permission(request):
            variants.append((None, False))
        for instance, change in variants:
            form = model_admin.get_form(request, instance, change=change)
            for name, field in form.base_fields.items():
                if not isinstance(field, forms.ModelChoiceField) or field.queryset.model not in (User, Complaint):
                    continue
                widget = getattr(field.widget, "widget", field.widget)
                scoped = isinstance(widget, AutocompleteMixin | ForeignKeyRawIdWidget | ManyToManyRawIdWidget)
                narrowed = bool(field.queryset.query.where)
                checked.add(f"{model._meta.label}.{name}")
                if not (scoped or narrowed):
                    wrong.append((model._meta.label, name))
    assert not wrong, wrong
    assert {"reception.BranchStaff.user", "complaints.RemediationItem.complaint"} <= checked, checked
