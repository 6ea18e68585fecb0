"""Beijing time: the zone every date of the regulation is counted in (days of receipt, periods, deadlines)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def day_start(day: date) -> datetime:
    """The first moment of `day` in Beijing time (a period from day A to day B is [day_start(A), day_start(B)))."""
    return datetime.combine(day, time.min, tzinfo=BEIJING)
