"""Proposing a year of reception days from a rule, e.g. "the second Tuesday of each month, moved to the next
working day when it is a public holiday". Pure functions: the holidays are passed in; the working-day rules
are portal.workdays'."""

import calendar
from dataclasses import dataclass
from datetime import date

from portal.workdays import next_working_day


@dataclass(frozen=True)
class ProposedDay:
    date: date
    rule_date: date  # the date the rule gives, before any move

    @property
    def moved(self) -> bool:
        return self.date != self.rule_date


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth (1–4) `weekday` (0 = Monday) of the month; nth = -1 is the last one."""
    days = [
        day
        for day in calendar.Calendar().itermonthdates(year, month)
        if day.month == month and day.weekday() == weekday
    ]
    return days[nth - 1] if nth > 0 else days[-1]


def propose_year(
    year: int, *, weekday: int, nth: int, holidays: set[date], workdays: set[date] = frozenset()
) -> list[ProposedDay]:
    """One day a month: the rule's date, or the next working day when that is not a working day."""
    proposal = []
    for month in range(1, 13):
        rule_date = nth_weekday(year, month, weekday, nth)
        proposal.append(ProposedDay(next_working_day(rule_date, holidays, workdays), rule_date))
    return proposal
