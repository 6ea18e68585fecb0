"""The time limits of 《银行业保险业消费投诉处理管理办法》 (CBIRC Order 2020 No. 3) as pure functions.

Art. 20: decide and tell the complainant within 15 days of receipt; a complex case may be extended to 30 days,
an especially complex one by a further 30 days (60 in all) with the approval of the superior unit or a senior
manager of the head office, and the complainant is told of each extension. Time spent on outside appraisal,
testing or evaluation does not count. A repeat of the same complaint within the limit may be merged; new facts
restart the clock. Days are calendar days counted from the day after receipt (the day of receipt itself is not
counted), in China Standard Time.

A complaint forwarded by the regulator (or transferred by the national complaint platform) often carries that
body's own date: the earlier of that date and the
regulation's limit is the one to meet (`effective_due`). A complaint whose limit passes while its clock runs is
late, and stays late (`late_since`): what is recorded afterwards — an extension, a pause, new facts, the
decision — does not make it on time again.

Nothing here knows the database: the services pass in the receipt day and the clock events, and store the
answers on the complaint after every event.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

BASE_DAYS = 15
# A case the national complaint platform transfers without a reply date of its own is answered to the platform
# within this many days (before the first rule version; each version keeps its own, platform_default_days).
PLATFORM_DEFAULT_DAYS = 15
# The limit in days after the first and after the second extension, at most. The first goes up to 30 days; the
# second adds up to 30 more, and never beyond 60 in all.
EXTENDED_LIMITS = (30, 60)
SECOND_EXTENSION_MAX_DAYS = 30
MAX_EXTENSIONS = len(EXTENDED_LIMITS)
# A complainant who disagrees may ask the superior unit for a review within 30 days of receiving the decision.
REVIEW_WINDOW_DAYS = 30
# Staff may date a step up to this many days back themselves; further back needs a supervisor.
BACKDATE_FREE_DAYS = 3


@dataclass(frozen=True)
class Rules:
    """The numbers of one version of the complaint rules (complaints.models.RuleVersion holds them as dated data;
    these defaults are the 2020 measures): the base limit, the limit after each extension at most, the most the
    second extension may add."""

    base_days: int = BASE_DAYS
    extended_limits: tuple[int, ...] = EXTENDED_LIMITS
    second_extension_max_days: int = SECOND_EXTENSION_MAX_DAYS

    @property
    def max_extensions(self) -> int:
        return len(self.extended_limits)


DEFAULT_RULES = Rules()

EXTEND, PAUSE, RESUME, RESTART = "extend", "pause", "resume", "restart"
CLOCK_ACTIONS = (EXTEND, PAUSE, RESUME, RESTART)


@dataclass(frozen=True)
class ClockEvent:
    action: str
    day: date
    # For an extension: the days it adds (None: as many as the rule allows).
    days: int | None = None


@dataclass(frozen=True)
class Deadline:
    due: date
    limit_days: int
    extensions: int
    paused_days: int
    paused_since: date | None

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None

    def due_if_resumed_on(self, day: date) -> date:
        """While paused: the due date the complaint would have if the appraisal ended on `day`."""
        if self.paused_since is None:
            return self.due
        return self.due + timedelta(days=max((day - self.paused_since).days, 0))


class ExtensionRefused(ValueError):
    pass


def extension_room(limit_days: int, extensions: int, rules: Rules = DEFAULT_RULES) -> int:
    """How many days the next extension may add to a limit of `limit_days` after `extensions` extensions
    (0 when no further extension is allowed)."""
    if extensions >= rules.max_extensions:
        return 0
    if extensions == 0:
        return max(rules.extended_limits[0] - limit_days, 0)
    return max(min(rules.second_extension_max_days, rules.extended_limits[extensions] - limit_days), 0)


def compute_deadline(
    received_on: date, events: Iterable[ClockEvent], *, base_days: int | None = None, rules: Rules = DEFAULT_RULES
) -> Deadline:
    """The due date after the receipt on `received_on` and the clock events, in their order.

    - extend: the limit grows by the extension's days, to 30 days at most after the first and by a further 30
      (60 in all) after the second; a third extension, or one longer than the rule allows, is refused.
    - pause … resume: the days in between are added (a pause not yet resumed stops the clock; `due` then is the
      due date as it stood when the clock stopped).
    - restart: a fresh period from that day; earlier extensions and pauses no longer matter.

    `rules` are the version in force when the complaint was received; `base_days` (when given) replaces its base
    limit: a review has the company's own limit.
    """
    if base_days is None:
        base_days = rules.base_days
    start = received_on
    limit = base_days
    extensions = 0
    paused_days = 0
    paused_since: date | None = None
    for event in events:
        if event.action == EXTEND:
            room = extension_room(limit, extensions, rules)
            if extensions >= rules.max_extensions:
                raise ExtensionRefused(f"At most {rules.max_extensions} extensions are allowed.")
            days = room if event.days is None else event.days
            if days < 1 or days > room:
                raise ExtensionRefused(f"An extension of {days} days is not allowed here (at most {room}).")
            limit += days
            extensions += 1
        elif event.action == PAUSE:
            if paused_since is None:
                paused_since = event.day
        elif event.action == RESUME:
            if paused_since is not None:
                paused_days += max((event.day - paused_since).days, 0)
                paused_since = None
        elif event.action == RESTART:
            start, limit, extensions, paused_days, paused_since = event.day, base_days, 0, 0, None
    return Deadline(
        due=start + timedelta(days=limit + paused_days),
        limit_days=limit,
        extensions=extensions,
        paused_days=paused_days,
        paused_since=paused_since,
    )


def effective_due(statutory_due: date, regulator_deadline: date | None) -> date:
    """The date to meet: the regulation's, or the regulator's when that is earlier."""
    if regulator_deadline is not None and regulator_deadline < statutory_due:
        return regulator_deadline
    return statutory_due


def late_since(
    *, due: date, regulator_deadline: date | None, paused: bool, today: date, active_since: date | None = None
) -> date | None:
    """The day a complaint still being handled became late, or None while it is not.

    A running clock is late from the day after its due date. A paused clock does not run out, but the regulator's
    date is a fixed day that no appraisal moves. `active_since` is the day the complaint was last reopened: a
    complaint decided in time and reopened after its limit is late from the day it was reopened.
    """
    passed = None
    if not paused and due < today:
        passed = due + timedelta(days=1)
    elif regulator_deadline is not None and regulator_deadline < today:
        passed = regulator_deadline + timedelta(days=1)
    if passed is not None and active_since is not None and active_since > passed:
        return active_since
    return passed


def limit_has_passed(due: date, today: date) -> bool:
    """Whether the current limit ended before `today` (an extension or a pause must come before it ends)."""
    return due < today


class DateRefused(ValueError):
    """A date given for a step that the rules do not accept; `code` says which rule."""

    def __init__(self, code: str, limit: date | None = None):
        self.code = code
        self.limit = limit
        super().__init__(code)


def check_step_day(
    day: date, *, today: date, received_on: date, previous_clock_day: date | None, may_backdate: bool
) -> date:
    """The day a step happened (an appraisal began or ended, a withdrawal or the decision reached its party):
    not in the future, not before receipt, not before the clock's previous step, and not more than
    BACKDATE_FREE_DAYS back unless a supervisor records it."""
    if day > today:
        raise DateRefused("future")
    if day < received_on:
        raise DateRefused("before_receipt", received_on)
    if previous_clock_day is not None and day < previous_clock_day:
        raise DateRefused("before_previous", previous_clock_day)
    if (today - day).days > BACKDATE_FREE_DAYS and not may_backdate:
        raise DateRefused("needs_supervisor")
    return day


def review_deadline(delivered_on: date) -> date:
    """The last day on which the complainant may ask the superior unit for a review: 30 days after the day they
    received the decision."""
    return delivered_on + timedelta(days=REVIEW_WINDOW_DAYS)
