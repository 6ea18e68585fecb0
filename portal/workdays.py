"""The working-day calendar's rules: Monday to Friday, except the public holidays (法定节假日), plus the weekend
days made working days in exchange (调休). Pure functions: the days off and the make-up working days are passed
in (the `Holiday` table in portal/models.py keeps them)."""

from datetime import date, timedelta


def is_working_day(day: date, holidays: set[date], workdays: set[date]) -> bool:
    """Monday to Friday unless a public holiday; a weekend day made a working day in exchange (调休) works."""
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def previous_working_day(day: date, holidays: set[date], workdays: set[date]) -> date:
    """The last working day before `day` (the eve of a limit)."""
    day -= timedelta(days=1)
    while not is_working_day(day, holidays, workdays):
        day -= timedelta(days=1)
    return day


def next_working_day(day: date, holidays: set[date], workdays: set[date]) -> date:
    """`day` itself when it is a working day, else the first working day after it: the rule that moves a day off
    a holiday or a weekend."""
    while not is_working_day(day, holidays, workdays):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int, holidays: set[date], workdays: set[date]) -> date:
    """The `count`-th working day after `day` (a limit stated in working days, counted from the day after)."""
    for _ in range(count):
        day = next_working_day(day + timedelta(days=1), holidays, workdays)
    return day
