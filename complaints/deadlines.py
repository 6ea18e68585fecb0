"""The time limits of 《银行业保险业消费投诉处理管理办法》 (CBIRC Order 2020 No. 3) as one pure function.

Art. 20: decide and tell the complainant within 15 days of receipt; a complex case may be extended to 30 days,
an especially complex one by a further 30 days (60 in all) with a senior manager's approval. Time spent on
outside appraisal, testing or evaluation does not count. New facts restart the clock. Days are calendar days
counted from the day after receipt (the day of receipt itself is not counted), in China Standard Time.

`compute_deadline` knows nothing of the database: it takes the receipt day and the clock events, and the
services store its answer on the complaint after every event.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

BASE_DAYS = 15
EXTENDED_LIMITS = (30, 60)  # after the first and after the second extension
MAX_EXTENSIONS = len(EXTENDED_LIMITS)
REVIEW_WINDOW_DAYS = 30

EXTEND, PAUSE, RESUME, RESTART = "extend", "pause", "resume", "restart"
CLOCK_ACTIONS = (EXTEND, PAUSE, RESUME, RESTART)


@dataclass(frozen=True)
class ClockEvent:
    action: str
    day: date


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


def compute_deadline(received_on: date, events: Iterable[ClockEvent]) -> Deadline:
    """The due date after the receipt on `received_on` and the clock events, in their order.

    - extend: the limit goes from 15 to 30, then to 60 days; a third extension is refused.
    - pause … resume: the days in between are added (a pause not yet resumed stops the clock; `due` then is the
      due date as it stood when the clock stopped).
    - restart: a fresh 15-day period from that day; earlier extensions and pauses no longer matter.
    """
    start = received_on
    extensions = 0
    paused_days = 0
    paused_since: date | None = None
    for event in events:
        if event.action == EXTEND:
            if extensions >= MAX_EXTENSIONS:
                raise ExtensionRefused("At most two extensions (60 days in all) are allowed.")
            extensions += 1
        elif event.action == PAUSE:
            if paused_since is None:
                paused_since = event.day
        elif event.action == RESUME:
            if paused_since is not None:
                paused_days += max((event.day - paused_since).days, 0)
                paused_since = None
        elif event.action == RESTART:
            start, extensions, paused_days, paused_since = event.day, 0, 0, None
    limit = EXTENDED_LIMITS[extensions - 1] if extensions else BASE_DAYS
    return Deadline(
        due=start + timedelta(days=limit + paused_days),
        limit_days=limit,
        extensions=extensions,
        paused_days=paused_days,
        paused_since=paused_since,
    )


def review_deadline(decided_on: date) -> date:
    """The last day on which the complainant may ask the superior unit for a review (Art. 26: 30 days)."""
    return decided_on + timedelta(days=REVIEW_WINDOW_DAYS)
