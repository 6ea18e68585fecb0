"""The workflow through the services: every transition legal and illegal, the deadlines as stored, events."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintAttachment, ComplaintEvent, Status
from complaints.services import TRANSITIONS, WorkflowError

from . import files
from .factories import extend, register, shanghai

pytestmark = pytest.mark.django_db


def _call(action, complaint, actor, other, colleague):
    """Each action with valid arguments (`colleague` asks for the extension that `actor` grants)."""
    calls = {
        "accept": lambda: services.complaint_accept(complaint=complaint, actor=actor),
        "start": lambda: services.complaint_start(complaint=complaint, actor=actor),
        "decide": lambda: services.complaint_decide(
            complaint=complaint,
            actor=actor,
            decision="同意退保。",
            outcome="upheld",
            reliefs=["claim_paid"],
            remedies=["review"],
        ),
        "deliver": lambda: services.complaint_record_delivery(
            complaint=complaint, actor=actor, delivered_on=timezone.localdate()
        ),
        "close": lambda: services.complaint_close(
            complaint=complaint,
            actor=actor,
            cause="sales_practice",
            root_cause="销售误导",
            responsible_unit="北京分公司个险部",
        ),
        "request_extension": lambda: services.complaint_request_extension(
            complaint=complaint, actor=actor, reason="需要调取录音"
        ),
        "extend": lambda: extend(complaint, requester=colleague, approver=actor),
        "pause": lambda: services.complaint_pause(complaint=complaint, actor=actor, reason="伤残鉴定"),
        "resume": lambda: services.complaint_resume(complaint=complaint, actor=actor),
        "merge": lambda: services.complaint_merge(complaint=complaint, into=other, actor=actor),
        "restart": lambda: services.complaint_restart(complaint=complaint, actor=actor, note="补充了新的病历"),
        "withdraw": lambda: services.complaint_withdraw(complaint=complaint),
        "reject": lambda: services.complaint_reject(complaint=complaint, actor=actor, reason="咨询,不属于投诉"),
        "request_review": lambda: services.complaint_request_review(complaint=complaint, reason="不同意"),
        "reopen": lambda: services.complaint_reopen(complaint=complaint, actor=actor, reason="决定有误"),
        "assign": lambda: services.complaint_assign(complaint=complaint, actor=actor, handler=actor),
        "add_information": lambda: services.complaint_add_information(complaint=complaint, text="补充说明"),
        "report_back": lambda: services.complaint_report_back(
            complaint=complaint, actor=actor, reference="京小康〔2026〕1号"
        ),
        "reclassify": lambda: services.complaint_reclassify(
            complaint=complaint, actor=actor, changes={"category": "sales"}
        ),
        "note": lambda: services.complaint_add_note(complaint=complaint, actor=actor, text="已联系分公司"),
        "call": lambda: services.complaint_log_call(
            complaint=complaint, actor=actor, direction="out", outcome="no_answer"
        ),
        "attach": lambda: services.complaint_add_staff_attachments(
            complaint=complaint, actor=actor, files=[files.pdf()]
        ),
        "feedback": lambda: services.complaint_record_feedback(complaint=complaint, actor=actor, score=4),
        "payment": lambda: (
            Complaint.objects.filter(pk=complaint.pk).update(reliefs=["refund"]),
            services.complaint_record_payment(complaint=complaint, actor=actor, amount="10"),
        )[1],
        "send_documents": lambda: services.complaint_send_documents(
            complaint=complaint,
            actor=actor,
            documents=[
                ComplaintAttachment.objects.create(
                    complaint=complaint,
                    file="x.pdf",
                    original_name="x.pdf",
                    content_type="application/pdf",
                    size=1,
                    by_complainant=False,
                    uploaded_by=actor,
                )
            ],
        ),
        "members": lambda: services.complaint_set_members(
            complaint=complaint,
            actor=actor,
            members=[{"name": "王五", "phone": "13700001111", "representative": True}],
        ),
        "letter": lambda: (
            Complaint.objects.filter(pk=complaint.pk).update(decision="同意退保。"),
            services.complaint_issue_letter(complaint=complaint, actor=actor),
        )[-1],
        "care": lambda: services.complaint_set_care(
            complaint=complaint, actor=actor, vulnerabilities=["elderly"], needs=[]
        ),
        "further_request": lambda: services.complaint_request_further(
            complaint=complaint, actor=actor, what="住院病历", reason="清单未列"
        ),
    }
    return calls[action]()


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_each_action_is_allowed_exactly_from_the_statuses_the_table_names(action, supervisor, make_user):
    colleague = make_user("colleague", groups=["Supervisor"])
    other = register(supervisor, phone="13900001111")
    forwarded = {"source": "regulator", "regulator_ref": "京金监投〔2026〕1号"} if action == "report_back" else {}
    for status in Status.values:
        complaint = register(supervisor, **forwarded)
        Complaint.objects.filter(pk=complaint.pk).update(status=status, decided_at=complaint.received_at)
        complaint.refresh_from_db()
        sources, target = TRANSITIONS[action]
        if status in sources:
            result = _call(action, complaint, supervisor, other, colleague)
            complaint.refresh_from_db()
            assert complaint.status == (target or status), (action, status)
            event = complaint.events.filter(action=action).get()
            assert (event.from_status, event.to_status) == (status, complaint.status)
            assert result is not None
        else:
            with pytest.raises(WorkflowError) as refused:
                _call(action, complaint, supervisor, other, colleague)
            assert refused.value.code == "illegal_transition"
            complaint.refresh_from_db()
            assert complaint.status == status


def test_the_illegal_transition_message_is_translated(supervisor):
    from django.utils import translation

    complaint = register(supervisor)
    with translation.override("zh-hans"), pytest.raises(WorkflowError) as refused:
        services.complaint_close(
            complaint=complaint, actor=supervisor, cause="other", root_cause="x", responsible_unit="y"
        )
    with translation.override("zh-hans"):
        assert refused.value.messages[0] == "当前状态为“已收到”，不能执行“办结”。"


def test_registration_records_who_when_and_the_public_receipt_event(handler):
    complaint = register(handler, channel="letter", received_at=shanghai(2026, 11, 2, 9))
    event = complaint.events.get(action="register")
    assert (event.action, event.actor, event.to_status, event.public) == ("register", handler, "received", True)
    assert complaint.tracking_number.startswith("TS-20261102-")
    assert complaint.phone == "+8613812345678"


def test_a_complaint_is_due_15_days_after_receipt_whenever_it_is_registered(handler, time_machine):
    time_machine.move_to(shanghai(2026, 11, 6), tick=False)
    complaint = register(handler, channel="letter", received_at=shanghai(2026, 11, 2, 23, 30))
    assert complaint.due_date == date(2026, 11, 17)


def test_extension_to_30_then_60_days_and_a_third_is_refused(handler, supervisor, senior, time_machine):
    time_machine.move_to(shanghai(2026, 11, 2), tick=False)
    complaint = register(supervisor)
    services.complaint_assign(complaint=complaint, actor=supervisor, handler=handler)
    services.complaint_accept(complaint=complaint, actor=handler)
    time_machine.move_to(shanghai(2026, 11, 12), tick=False)
    complaint = extend(complaint, requester=handler, approver=supervisor)
    assert complaint.due_date == date(2026, 12, 2)
    time_machine.move_to(shanghai(2026, 11, 28), tick=False)
    complaint = extend(complaint, requester=handler, approver=senior, reason="仍需鉴定")
    assert complaint.due_date == date(2027, 1, 1) and complaint.extensions == 2
    with pytest.raises(WorkflowError) as third:
        services.complaint_request_extension(complaint=complaint, actor=handler, reason="再延")
    assert third.value.code == "extension_limit"
    assert complaint.events.filter(action="extend").count() == 2


def test_extension_beyond_60_days_is_refused_by_the_database_too(supervisor):
    complaint = register(supervisor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(extensions=3)


def test_a_pause_for_appraisal_moves_the_due_date_by_the_days_paused(supervisor, time_machine):
    time_machine.move_to(shanghai(2026, 11, 2), tick=False)
    complaint = register(supervisor)
    services.complaint_accept(complaint=complaint, actor=supervisor)
    time_machine.move_to(shanghai(2026, 11, 5), tick=False)
    complaint = services.complaint_pause(complaint=complaint, actor=supervisor, reason="伤残鉴定")
    assert complaint.status == "paused"
    assert not Complaint.objects.overdue(date(2026, 12, 1)).filter(pk=complaint.pk).exists()
    time_machine.move_to(shanghai(2026, 11, 15), tick=False)
    complaint = services.complaint_resume(complaint=complaint, actor=supervisor)
    assert complaint.status == "in_progress"
    assert complaint.due_date == date(2026, 11, 27)


def test_new_facts_restart_the_clock_from_that_day(supervisor, time_machine):
    time_machine.move_to(shanghai(2026, 11, 2), tick=False)
    complaint = register(supervisor)
    time_machine.move_to(shanghai(2026, 11, 10), tick=False)
    complaint = services.complaint_restart(complaint=complaint, actor=supervisor, note="提交了新的证据")
    assert complaint.due_date == date(2026, 11, 25)


def test_a_merged_repeat_ends_and_the_original_keeps_its_own_due_date(supervisor, time_machine):
    time_machine.move_to(shanghai(2026, 11, 2), tick=False)
    original = register(supervisor)
    time_machine.move_to(shanghai(2026, 11, 9), tick=False)
    repeat = register(supervisor, channel="email")
    repeat = services.complaint_merge(complaint=repeat, into=original, actor=supervisor, note="同一事项")
    original.refresh_from_db()
    assert repeat.status == "merged" and repeat.merged_into == original and repeat.ended_on == date(2026, 11, 9)
    assert original.due_date == date(2026, 11, 17)
    assert original.events.filter(action="merged_in").exists()
    today = date(2026, 11, 30)
    assert list(Complaint.objects.overdue(today)) == [original]


def test_a_complaint_cannot_be_merged_into_itself_or_into_a_closed_one(supervisor):
    one = register(supervisor)
    with pytest.raises(WorkflowError):
        services.complaint_merge(complaint=one, into=one, actor=supervisor)
    closed = register(supervisor)
    services.complaint_withdraw(complaint=closed)
    with pytest.raises(WorkflowError):
        services.complaint_merge(complaint=one, into=closed, actor=supervisor)


def test_overdue_and_due_soon_pick_open_complaints_by_due_date(supervisor, time_machine):
    time_machine.move_to(shanghai(2026, 11, 1), tick=False)
    late = register(supervisor)  # due 11-16
    time_machine.move_to(shanghai(2026, 11, 4), tick=False)
    soon = register(supervisor)  # due 11-19
    time_machine.move_to(shanghai(2026, 11, 10), tick=False)
    later = register(supervisor)  # due 11-25
    done = register(supervisor, received_at=shanghai(2026, 11, 1))
    services.complaint_withdraw(complaint=done)
    today = date(2026, 11, 17)
    assert list(Complaint.objects.overdue(today)) == [late]
    assert list(Complaint.objects.due_soon(today)) == [soon]
    assert later not in Complaint.objects.due_soon(today)
    assert list(Complaint.objects.due_soon(date(2026, 11, 22))) == [later]


def test_withdrawal_ends_the_procedure_that_day(supervisor, time_machine):
    time_machine.move_to(shanghai(2026, 11, 3), tick=False)
    complaint = services.complaint_withdraw(complaint=register(supervisor), note="已和解")
    assert complaint.status == "withdrawn" and complaint.ended_on == date(2026, 11, 3)


def test_closing_needs_the_root_cause_and_the_responsible_unit(supervisor):
    complaint = register(supervisor)
    services.complaint_accept(complaint=complaint, actor=supervisor)
    services.complaint_decide(
        complaint=complaint,
        actor=supervisor,
        decision="不予退保",
        outcome="not_upheld",
        reliefs=["explanation"],
        remedies=["mediation"],
    )
    for code, cause, unit in [
        ("claims_process", "", "理赔部"),
        ("claims_process", "条款理解分歧", " "),
        (None, "条款理解分歧", "理赔部"),
        ("no-such-code", "条款理解分歧", "理赔部"),
    ]:
        with pytest.raises(WorkflowError):
            services.complaint_close(
                complaint=complaint, actor=supervisor, cause=code, root_cause=cause, responsible_unit=unit
            )
    complaint = services.complaint_close(
        complaint=complaint,
        actor=supervisor,
        cause="claims_process",
        root_cause="条款理解分歧",
        responsible_unit="理赔部",
    )
    assert complaint.cause.code == "claims_process"
    assert complaint.status == "closed"


def test_a_decision_names_the_remedies_and_needs_at_least_one(supervisor):
    complaint = register(supervisor)
    services.complaint_accept(complaint=complaint, actor=supervisor)
    with pytest.raises(WorkflowError):
        services.complaint_decide(
            complaint=complaint, actor=supervisor, decision="x", outcome="upheld", reliefs=["claim_paid"], remedies=[]
        )
    complaint = services.complaint_decide(
        complaint=complaint,
        actor=supervisor,
        decision="同意",
        outcome="upheld",
        reliefs=["claim_paid"],
        remedies=["litigation", "review", "bogus"],
    )
    assert complaint.remedies == ["review", "litigation"]


def test_a_review_within_30_days_opens_a_linked_complaint_and_later_is_refused(supervisor, time_machine):
    time_machine.move_to(shanghai(2026, 11, 2), tick=False)
    complaint = register(supervisor, email="a@example.com")
    services.complaint_accept(complaint=complaint, actor=supervisor)
    services.complaint_decide(
        complaint=complaint,
        actor=supervisor,
        decision="不予支持",
        outcome="not_upheld",
        reliefs=["explanation"],
        remedies=["review"],
    )
    time_machine.move_to(shanghai(2026, 12, 2, 20), tick=False)
    review = services.complaint_request_review(complaint=complaint, reason="我不同意")
    assert review.review_of == complaint and review.status == "received"
    assert (review.phone, review.email, review.description) == (complaint.phone, complaint.email, "我不同意")
    assert review.due_date == date(2027, 1, 1)  # the review's own limit: 30 days (PORTAL_REVIEW_LIMIT_DAYS)
    with pytest.raises(WorkflowError) as again:
        services.complaint_request_review(complaint=complaint, reason="再次")
    assert again.value.code == "review_exists"

    late = register(supervisor, received_at=shanghai(2026, 11, 2))
    time_machine.move_to(shanghai(2026, 11, 2), tick=False)
    services.complaint_accept(complaint=late, actor=supervisor)
    services.complaint_decide(
        complaint=late, actor=supervisor, decision="x", outcome="upheld", reliefs=["claim_paid"], remedies=["review"]
    )
    time_machine.move_to(shanghai(2026, 12, 3), tick=False)
    with pytest.raises(WorkflowError) as too_late:
        services.complaint_request_review(complaint=late, reason="晚了")
    assert too_late.value.code == "review_too_late"


def test_nobody_handles_a_complaint_about_themselves(supervisor, handler):
    complaint = register(supervisor, named_employee=handler)
    with pytest.raises(WorkflowError) as refused:
        services.complaint_assign(complaint=complaint, actor=supervisor, handler=handler)
    assert refused.value.code == "conflict"


def test_only_supervisors_assign_and_handlers_act_only_on_their_own_complaints(supervisor, handler, compliance):
    complaint = register(supervisor)
    with pytest.raises(PermissionDenied):
        services.complaint_assign(complaint=complaint, actor=handler, handler=handler)
    with pytest.raises(PermissionDenied):
        services.complaint_accept(complaint=complaint, actor=handler)
    with pytest.raises(PermissionDenied):
        services.complaint_accept(complaint=complaint, actor=compliance)
    services.complaint_assign(complaint=complaint, actor=supervisor, handler=handler)
    assert services.complaint_accept(complaint=complaint, actor=handler).status == "accepted"
    with pytest.raises(WorkflowError):
        services.complaint_assign(complaint=complaint, actor=supervisor, handler=compliance)


def test_a_regulator_forwarded_complaint_needs_the_regulators_reference(handler, time_machine):
    time_machine.move_to(shanghai(2026, 11, 20), tick=False)
    with pytest.raises(WorkflowError):
        register(handler, source="regulator")
    complaint = register(
        handler, source="regulator", regulator_ref="京银保监投〔2026〕118号", regulator_deadline=date(2026, 12, 1)
    )
    assert complaint.source == "regulator" and complaint.regulator_ref.startswith("京")


def test_registration_with_a_bad_phone_or_category_is_refused_with_nothing_saved(handler):
    with pytest.raises(ValidationError):
        register(handler, phone="12345")
    with pytest.raises(ValidationError):
        register(handler, category="nonsense")
    assert not Complaint.objects.exists()


def test_events_cannot_be_changed_or_deleted_in_python_or_in_the_database(handler):
    complaint = register(handler)
    event = complaint.events.get()
    with pytest.raises(PermissionError):
        event.note = "changed"
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    for statement in ("UPDATE complaints_complaintevent SET note = 'x'", "DELETE FROM complaints_complaintevent"):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert ComplaintEvent.objects.get().note == ""


def test_the_status_column_accepts_only_known_values(handler):
    complaint = register(handler)
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(status="lost")


def test_a_refused_file_among_several_leaves_no_stored_file_and_no_complaint(supervisor, settings):
    from pathlib import Path

    from . import files

    with pytest.raises(ValidationError):
        register(supervisor, attachments=[files.pdf(), files.executable_named_pdf()])
    assert not Complaint.objects.exists()
    stored = Path(settings.MEDIA_ROOT, "complaints")
    assert not stored.exists() or not any(path.is_file() for path in stored.rglob("*"))
