"""The staff side at volume: the complaint changelist (and its search) with a signed-in superuser, in-process
through Django's test client on the database in DATABASE_URL (one filled by `generate_volume`).

    DATABASE_URL=postgres://… .venv/bin/python bench/admin.py [--requests 10] [--record]

Median and maximum ms of `--requests` requests after two warm-ups, beside the bare Django page measured the
same way in the same run: the changelist (unfiltered, by status, by tracking number, by a phone typed as it is
spoken, by name) and the work queue on the admin index, for a supervisor (the whole team's queue over every
complaint) and for a handler with a few thousand complaints of their own (assigned here, once).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

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
    from django.test import Client
    from render import _bare_application
    from render import _time as wsgi_time

    from complaints.models import Complaint
    from portal import roles

    supervisor = _member("bench-supervisor", roles.SUPERVISOR)
    handler = _member("bench-handler", roles.COMPLAINT_HANDLER)
    if not Complaint.objects.filter(handler=handler).exists():
        # Every 400th complaint is this handler's: about 2,500 at a million, of every status and age.
        Complaint.objects.extra(where=["id %% 400 = 0"]).update(handler=handler)
    clients = {}
    for who in (supervisor, handler):
        clients[who.username] = Client(HTTP_HOST="127.0.0.1")
        clients[who.username].force_login(who)
    sample = Complaint.objects.order_by("-id").values("tracking_number", "phone", "name").first()
    local = sample["phone"].removeprefix("+86")
    spoken = f"{local[:3]} {local[3:7]} {local[7:]}"
    total = Complaint.objects.count()
    bare = wsgi_time(_bare_application(), "/", 200) / 1000
    changelist = "/admin/complaints/complaint/"
    rows = [
        ("complaint changelist", "bench-supervisor", changelist, {}),
        ("changelist, filtered by status", "bench-supervisor", changelist, {"status__exact": "in_progress"}),
        ("changelist, search by tracking number", "bench-supervisor", changelist, {"q": sample["tracking_number"]}),
        ("changelist, search by phone as spoken", "bench-supervisor", changelist, {"q": spoken}),
        ("changelist, search by name", "bench-supervisor", changelist, {"q": sample["name"]}),
        ("work queue (admin index), supervisor", "bench-supervisor", "/admin/", {}),
        ("work queue (admin index), handler", "bench-handler", "/admin/", {}),
        ("handler's own changelist", "bench-handler", changelist, {}),
    ]
    lines = [
        f"{total:,} complaints ({Complaint.objects.filter(handler=handler).count():,} of them the handler's). "
        f"Load average before the run: {_load()}. Median and maximum of {options.requests} requests; the bare "
        f"Django page costs {bare:.2f} ms the same way.",
        "",
        "| page | who | path | median ms | max ms | target | met |",
        "| --- | --- | --- | ---: | ---: | --- | --- |",
    ]
    for name, who, path, query in rows:
        median, longest = _time(lambda p, c=clients[who], q=query: c.get(p, q), path, options.requests)
        met = "yes" if longest <= TARGET_MS else "**no**"
        shown = path + ("?" + urlencode(query) if query else "")
        lines.append(
            f"| {name} | {who.removeprefix('bench-')} | `{shown}` | {median:.0f} | {longest:.0f} | ≤ {TARGET_MS} ms "
            f"| {met} |"
        )
    print("\n".join(lines))
    if options.record:
        append_results("the complaint admin at volume", "python bench/admin.py", lines)


def _member(username: str, group_name: str):
    from django.contrib.auth.models import Group, User

    user, _created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
    user.groups.set([Group.objects.get(name=group_name)])
    return user


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
