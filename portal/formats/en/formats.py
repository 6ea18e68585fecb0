"""English dates as the site writes them everywhere: "9 December 2026" (with the weekday "Wednesday, 9 December
2026" where a day is announced), the style the reception days and letters already use, never Django's default
"Dec. 9, 2026" beside it. Chinese keeps Django's own zh_Hans formats ("2026年12月9日")."""

from django.conf.locale.en.formats import *  # noqa: F403 - every other format as Django's English

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
