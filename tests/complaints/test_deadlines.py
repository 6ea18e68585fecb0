"""The time limits as a pure function of the receipt day and the clock events (Art. 20)."""

from datetime import date

import pytest

from complaints.deadlines import ClockEvent, ExtensionRefused, compute_deadline, review_deadline

RECEIVED = date(2026, 11, 2)


def test_a_complaint_is_due_15_calendar_days_after_the_day_of_receipt():
    deadline = compute_deadline(RECEIVED, [])
    assert deadline.due == date(2026, 11, 17)
    assert deadline.limit_days == 15 and not deadline.is_paused


def test_the_15_days_run_over_month_ends_and_holidays_alike():
    assert compute_deadline(date(2026, 9, 25), []).due == date(2026, 10, 10)


def test_a_first_extension_gives_30_days_and_a_second_60():
    first = compute_deadline(RECEIVED, [ClockEvent("extend", date(2026, 11, 10))])
    second = compute_deadline(
        RECEIVED, [ClockEvent("extend", date(2026, 11, 10)), ClockEvent("extend", date(2026, 11, 30))]
    )
    assert (first.due, first.extensions) == (date(2026, 12, 2), 1)
    assert (second.due, second.extensions) == (date(2027, 1, 1), 2)


def test_a_third_extension_is_refused():
    with pytest.raises(ExtensionRefused):
        compute_deadline(RECEIVED, [ClockEvent("extend", date(2026, 11, 10 + i)) for i in range(3)])


def test_days_paused_for_an_appraisal_move_the_due_date():
    deadline = compute_deadline(
        RECEIVED, [ClockEvent("pause", date(2026, 11, 5)), ClockEvent("resume", date(2026, 11, 12))]
    )
    assert deadline.paused_days == 7
    assert deadline.due == date(2026, 11, 24)


def test_a_pause_not_yet_resumed_stops_the_clock():
    deadline = compute_deadline(RECEIVED, [ClockEvent("pause", date(2026, 11, 5))])
    assert deadline.is_paused and deadline.paused_since == date(2026, 11, 5)
    assert deadline.due == date(2026, 11, 17)
    assert deadline.due_if_resumed_on(date(2026, 11, 9)) == date(2026, 11, 21)


def test_two_pauses_add_up_and_combine_with_an_extension():
    events = [
        ClockEvent("pause", date(2026, 11, 3)),
        ClockEvent("resume", date(2026, 11, 5)),
        ClockEvent("extend", date(2026, 11, 10)),
        ClockEvent("pause", date(2026, 11, 20)),
        ClockEvent("resume", date(2026, 11, 23)),
    ]
    deadline = compute_deadline(RECEIVED, events)
    assert deadline.paused_days == 5
    assert deadline.due == date(2026, 12, 7)


def test_new_facts_restart_a_fresh_15_day_period_and_forget_earlier_extensions():
    events = [ClockEvent("extend", date(2026, 11, 10)), ClockEvent("restart", date(2026, 11, 20))]
    deadline = compute_deadline(RECEIVED, events)
    assert deadline.due == date(2026, 12, 5)
    assert deadline.extensions == 0


def test_a_review_may_be_requested_up_to_30_days_after_the_decision():
    assert review_deadline(date(2026, 11, 20)) == date(2026, 12, 20)
