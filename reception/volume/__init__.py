"""Synthetic reception days for benchmarks (`manage.py generate_volume --reception-days N`), written by COPY.

Each active branch gets a day every week going back from two months ahead of the last day, in turn, skipping
dates a branch already has; a few days are moved or cancelled (with their reason, as the rules require).
Texts in both languages. The same seed gives the same rows.

Benchmark tooling, not part of the running site: nothing imports this package but `manage.py generate_volume`
(through the generators each app registers without importing them) and the benchmarks' tests.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from portal.models import Branch
from portal.volume import copy_rows, next_id, reset_sequence

from ..models import DayStatus, ReceptionDay

COLUMNS = (
    "id", "branch_id", "date", "start_time", "end_time", "receptionist", "title", "title_zh_hans", "title_en",
    "phone", "place", "place_zh_hans", "place_en", "liaison", "notes", "notes_zh_hans", "notes_en", "status",
    "status_reason", "status_reason_zh_hans", "status_reason_en", "moved_from", "capacity", "updated_at",
)  # fmt: skip
RECEPTIONISTS = ["张丹", "李明", "王强", "赵敏", "陈静", "刘洋", "周杰", "吴芳"]
TITLES = [("总经理", "General Manager"), ("副总经理", "Deputy General Manager")]
CANCEL_REASONS = ("因公务安排调整，本次接待日取消。", "Cancelled: the general manager is called away on business.")


def generate(options: dict, stdout) -> None:
    total = options["reception_days"]
    if not total:
        return
    branches = list(Branch.objects.filter(is_active=True).order_by("sort_order", "slug"))
    if not branches:
        stdout.write("  reception days: none (no active branch; run load_demo first)")
        return
    rng = random.Random(f"reception-{options['seed']}")
    taken = set(ReceptionDay.objects.values_list("branch_id", "date"))
    first_id = next_id(ReceptionDay)
    start = options["until"] + timedelta(days=60)
    stamp = datetime.combine(options["until"], time(9), tzinfo=timezone.get_current_timezone())

    def rows():
        made = 0
        week = 0
        while made < total:
            for branch in branches:
                if made >= total:
                    return
                day = start - timedelta(days=7 * week + branch.pk % 5)
                if (branch.pk, day) in taken:
                    continue
                taken.add((branch.pk, day))
                title_zh, title_en = rng.choice(TITLES)
                roll = rng.random()
                status, reason_zh, reason_en, moved_from = DayStatus.SCHEDULED, "", "", None
                if roll < 0.03:
                    status, (reason_zh, reason_en) = DayStatus.CANCELLED, CANCEL_REASONS
                elif roll < 0.06:
                    status, moved_from = DayStatus.MOVED, day - timedelta(days=rng.choice((1, 2, 7)))
                    reason_zh, reason_en = "与法定节假日冲突，顺延。", "Moved: the first date fell on a public holiday."
                place_zh = f"{branch.name_zh_hans or branch.name}客户服务中心三楼接待室"
                place_en = f"Reception room, 3rd floor, {branch.name_en or branch.slug} customer service centre"
                yield (
                    first_id + made,
                    branch.pk,
                    day,
                    time(9),
                    time(11, 30) if rng.random() < 0.5 else time(16),
                    rng.choice(RECEPTIONISTS),
                    title_zh,
                    title_zh,
                    title_en,
                    branch.phone,
                    place_zh,
                    place_zh,
                    place_en,
                    rng.choice(RECEPTIONISTS),
                    "请携带身份证件和保单。",
                    "请携带身份证件和保单。",
                    "Please bring your ID and your policy.",
                    status,
                    reason_zh,
                    reason_zh,
                    reason_en,
                    moved_from,
                    rng.choice((5, 10, 20)),
                    stamp,
                )
                made += 1
            week += 1

    written = copy_rows(ReceptionDay._meta.db_table, COLUMNS, rows())
    reset_sequence(ReceptionDay)
    stdout.write(f"  reception days: {written}")
