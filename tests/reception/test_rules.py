from datetime import date

from portal.workdays import next_working_day
from reception.rules import nth_weekday, propose_year


def test_second_tuesday_of_each_month():
    proposal = propose_year(2027, weekday=1, nth=2, holidays=set())
    assert [day.date for day in proposal][:3] == [date(2027, 1, 12), date(2027, 2, 9), date(2027, 3, 9)]
    assert all(day.date.weekday() == 1 and 8 <= day.date.day <= 14 for day in proposal)
    assert len(proposal) == 12


def test_a_day_on_a_public_holiday_moves_to_the_next_working_day():
    # The first Tuesday of October 2026 (the 6th) falls in the National Day holiday, which runs to the 8th.
    holidays = {date(2026, 10, day) for day in range(1, 9)}
    october = propose_year(2026, weekday=1, nth=1, holidays=holidays)[9]
    assert (october.rule_date, october.date, october.moved) == (date(2026, 10, 6), date(2026, 10, 9), True)


def test_moving_skips_weekends_but_not_make_up_working_days():
    friday_holiday = {date(2027, 1, 1)}
    assert next_working_day(date(2027, 1, 1), friday_holiday, set()) == date(2027, 1, 4)
    assert next_working_day(date(2027, 1, 1), friday_holiday, {date(2027, 1, 2)}) == date(2027, 1, 2)


def test_last_weekday_of_the_month():
    assert nth_weekday(2027, 3, 2, -1) == date(2027, 3, 31)
    assert nth_weekday(2027, 3, 2, 1) == date(2027, 3, 3)


def test_proposal_marks_which_days_moved():
    holidays = {date(2027, 2, 9)}
    proposal = propose_year(2027, weekday=1, nth=2, holidays=holidays)
    february = proposal[1]
    assert february.moved and february.rule_date == date(2027, 2, 9) and february.date == date(2027, 2, 10)
    assert not proposal[0].moved
