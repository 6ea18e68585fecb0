"""The staff side at volume: the complaint changelist (and its search) with a signed-in superuser, in-process
through Django's test client on the database in DATABASE_URL (one filled by `generate_volume`).

    DATABASE_URL=postgres://… .venv/bin/python bench/admin.py [--requests 10] [--record]

Median and maximum ms of `--requests` requests after two warm-ups, beside the bare Django page measured the
same way in the same run. The search by phone and the work queue are not measured here: they are built by the
admin-work issue; the changelist's search is by tracking number.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, append_results, in_process_site

TARGET_MS = 300


def _time(get, path: str, requests: int) -> tuple[float, float]:
    for _ in range(2):
        get(path)
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = get(path)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--record", action="store_true")
    options = parser.parse_args()
    in_process_site()
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client
    from render import _bare_application
    from render import _time as wsgi_time

    from complaints.models import Complaint

    user, _created = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True})
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    number = Complaint.objects.order_by("-id").values_list("tracking_number", flat=True).first()
    total = Complaint.objects.count()
    bare = wsgi_time(_bare_application(), "/", 200) / 1000
    rows = [
        ("complaint changelist", "/admin/complaints/complaint/"),
        ("changelist, search by tracking number", f"/admin/complaints/complaint/?q={number}"),
        ("changelist, filtered by status", "/admin/complaints/complaint/?status__exact=in_progress"),
    ]
    lines = [
        f"{total:,} complaints. Load average before the run: {_load()}. Median and maximum of {options.requests} "
        f"requests; the bare Django page costs {bare:.2f} ms the same way.",
        "",
        "| page | path | median ms | max ms | target | met |",
        "| --- | --- | ---: | ---: | --- | --- |",
    ]
    for name, path in rows:
        median, longest = _time(client.get, path, options.requests)
        met = "yes" if longest <= TARGET_MS else "**no**"
        lines.append(f"| {name} | `{path}` | {median:.0f} | {longest:.0f} | ≤ {TARGET_MS} ms | {met} |")
    lines += [
        "| search by phone | — | | | ≤ 300 ms | not built yet (admin-work issue) |",
        "| work queue | — | | | ≤ 300 ms | not built yet (admin-work issue) |",
    ]
    print("\n".join(lines))
    if options.record:
        append_results("the complaint admin at volume", "python bench/admin.py", lines)


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
