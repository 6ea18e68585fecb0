"""An attacker of the public statistics: from what is published only (each version's JSON, as the page and the
CSV show it), every withheld count's interval by subtraction, across a breakdown's total, a year against its
quarters, the on-time rates, and every version of a period on its own. A count whose interval is one value is
determined: the suppression failed."""

from complaints.compliance import statistics
from complaints.compliance.models import PublishedStatistics

INF = 10**9
KEYS = statistics.BREAKDOWNS


class Var:
    def __init__(self, lo=0, hi=INF, name=None):
        self.lo, self.hi, self.name = lo, hi, name


def _propagate(equations, rounds=100) -> None:
    """Each equation is (whole, parts): whole = sum(parts). Bounds shrink until nothing changes."""
    for _round in range(rounds):
        changed = False
        for whole, parts in equations:
            low, high = sum(p.lo for p in parts), sum(min(p.hi, INF) for p in parts)
            if low > whole.lo or high < whole.hi:
                whole.lo, whole.hi = max(whole.lo, low), min(whole.hi, high)
                changed = True
            for part in parts:
                others_lo = low - part.lo
                others_hi = high - min(part.hi, INF)
                lo, hi = max(part.lo, whole.lo - others_hi), min(part.hi, whole.hi - others_lo)
                if (lo, hi) != (part.lo, part.hi):
                    part.lo, part.hi = lo, hi
                    changed = True
                    low, high = sum(p.lo for p in parts), sum(min(p.hi, INF) for p in parts)
        if not changed:
            return


def _cell(entry) -> Var:
    if entry["count"] is not None:
        return Var(entry["count"], entry["count"])
    if entry["shown"] == statistics.SUPPRESSED:
        return Var(0, statistics.SMALL_CELL - 1, name=entry["code"])
    return Var(statistics.SMALL_CELL, INF, name=entry["code"])


def _on_time(published) -> Var:
    closed = published["closed"]
    if published["on_time_rate"] is None:
        return Var(0, closed, name="on_time")
    count = round(float(published["on_time_rate"].rstrip("%")) * closed / 100)
    return Var(count, count)


def determined(published_by_period: dict) -> list[tuple]:
    """published_by_period: {0 (the year) or quarter: as_json dict} of one year. The withheld cells pinned."""
    periods = (0, 1, 2, 3, 4)
    totals = {
        p: Var(published_by_period[p]["total"], published_by_period[p]["total"]) if p in published_by_period else Var()
        for p in periods
    }
    closed = {
        p: Var(published_by_period[p]["closed"], published_by_period[p]["closed"])
        if p in published_by_period
        else Var()
        for p in periods
    }
    on_time = {p: _on_time(published_by_period[p]) if p in published_by_period else Var() for p in periods}
    equations = [
        (totals[0], [totals[q] for q in periods[1:]]),
        (closed[0], [closed[q] for q in periods[1:]]),
        (on_time[0], [on_time[q] for q in periods[1:]]),
    ]
    watched = [(p, "on_time", on_time[p]) for p in published_by_period if on_time[p].name]
    for key in KEYS:
        codes = {}
        for published in published_by_period.values():
            codes.update(dict.fromkeys(entry["code"] for entry in published[key]))
        cells = {}
        for p in periods:
            if p in published_by_period:
                listed = {entry["code"]: _cell(entry) for entry in published_by_period[p][key]}
                cells[p] = {code: listed.get(code) or Var(0, 0) for code in codes}
                watched += [(p, f"{key}:{code}", var) for code, var in listed.items() if var.name]
            else:
                cells[p] = {code: Var() for code in codes}
            equations.append((totals[p], list(cells[p].values())))
        for code in codes:
            equations.append((cells[0][code], [cells[q][code] for q in periods[1:]]))
    _propagate(equations)
    return [
        (p, what, var.lo) for p, what, var in watched if var.lo == var.hi and not _everyone(published_by_period, what)
    ]


def _everyone(published_by_period: dict, what: str) -> bool:
    """A year whose rate is 100 % (or 0 %) says every complaint of every quarter was on time (or late): that is
    no small group singled out."""
    year = published_by_period.get(0)
    return what == "on_time" and year is not None and year["on_time_rate"] in ("100.0%", "0.0%")


def every_determined_cell() -> list[tuple]:
    """Every pinned cell: each year with its quarters as the page shows them now (latest versions), and every
    version of every period on its own (what anyone may have kept)."""
    found = []
    rows = list(PublishedStatistics.objects.order_by("year", "quarter", "version"))
    latest = {}
    for row in rows:
        latest.setdefault(row.year, {})[row.quarter] = statistics.as_json(row)
        found += [(row.year, row.quarter, row.version, *cell) for cell in determined({0: statistics.as_json(row)})]
    for year, published in latest.items():
        found += [(year, "latest", *cell) for cell in determined(published)]
    return found
