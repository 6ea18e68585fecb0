"""Which cells of a published period are withheld, so that no withheld count can be worked out from what is
published: the totals, the other cells of its breakdown, the year against its quarters, earlier versions.

The method (docs/compliance.md, "Public statistics"):

1. Primary suppression: a count from 1 to 4 is withheld (shown "< 5"); so is a zero category, channel or business
   channel (a province without complaints is simply not listed). The on-time rate is withheld when fewer than 5
   complaints were closed.
2. Consistency across a year: a value withheld in any published version of a year or of one of its quarters is
   withheld in every later publication of that year and its quarters, so a correction never reveals what its
   first version withheld, and a quarter never shows what its year withheld (or the other way round).
3. Complementary suppression: the publication is then audited. Every withheld count (and every count under 5 of a
   period of the same year not yet published, when it is the only one of its column still unknown) must have a
   second value the published figures allow: a move of one complaint from it to another withheld cell of its row,
   balanced in another period of the year (the year and a quarter move together, two quarters against each
   other), within what each marker says (0–4 under "< 5", 5 or more when withheld as complementary). While any
   withheld count has no such second value, the smallest shown count of the period being published is withheld
   too (shown "withheld"); the on-time rate likewise.

The totals (received, closed) are always shown: they describe the whole company, not a small group.
A move of one complaint is a proof that a cell is not determined; failing to find one withholds more than may be
needed, never less.
"""

from portal.models import PROVINCES

SMALL_CELL = 5
ON_TIME = "on_time"
YEAR = 0
QUARTERS = (1, 2, 3, 4)
PERIODS = (YEAR, *QUARTERS)
_UNBOUNDED = 10**12


def primary(key: str, count: int) -> bool:
    """Withheld for its own sake: under 5 (a zero province is left out instead)."""
    return count < SMALL_CELL and not (key == "by_province" and count == 0)


def _linked(period: int):
    """The periods whose cells balance a move in `period`, with the sign of the balancing move."""
    if period == YEAR:
        return [(quarter, 1) for quarter in QUARTERS]
    return [(YEAR, 1), *((quarter, -1) for quarter in QUARTERS if quarter != period)]


class Family:
    """A year and its quarters: each period's current figures, which of them are published (visible), and the
    codes withheld in each visible period."""

    def __init__(self, figures: dict, visible: set, withheld: dict):
        self.figures = figures  # period -> public figures (as reports.complaint_report gives them)
        self.visible = visible
        self.withheld = withheld  # period -> {key: set of codes, ON_TIME: bool}

    def codes(self, key: str) -> list[str]:
        codes = {}
        for period in PERIODS:
            codes.update(dict.fromkeys(self.figures[period][key]))
        return list(codes)

    def value(self, period: int, key: str, code: str) -> int:
        return self.figures[period][key].get(code, 0)

    def unknown(self, period: int, key: str, code: str) -> bool:
        return period not in self.visible or code in self.withheld[period].get(key, ())

    def _fits(self, period: int, key: str, code: str, delta: int) -> bool:
        value = self.value(period, key, code)
        moved = value + delta
        if period not in self.visible:
            return moved >= 0
        if primary(key, value) or (key == "by_province" and value == 0):
            return 0 <= moved < SMALL_CELL
        return moved >= SMALL_CELL

    def has_second_value(self, period: int, key: str, code: str) -> bool:
        """True when moving one complaint keeps every published figure and marker true."""
        for delta in (1, -1):
            if not self._fits(period, key, code, delta):
                continue
            for other in self.codes(key):
                if other == code or not self.unknown(period, key, other) or not self._fits(period, key, other, -delta):
                    continue
                for linked, sign in _linked(period):
                    move = delta * sign
                    if (
                        self.unknown(linked, key, code)
                        and self.unknown(linked, key, other)
                        and self._fits(linked, key, code, move)
                        and self._fits(linked, key, other, -move)
                    ):
                        return True
        return False

    def _sensitive(self, key: str):
        for period in PERIODS:
            for code in self.codes(key):
                if period in self.visible:
                    if code in self.withheld[period].get(key, ()):
                        yield period, code
                elif primary(key, self.value(period, key, code)) and self._pinned_column(key, code):
                    yield period, code

    def _pinned_column(self, key: str, code: str) -> bool:
        """An unpublished period's cell is at risk only when it is the one unknown cell of its column."""
        return sum(self.unknown(period, key, code) for period in PERIODS) == 1

    def exposed(self, key: str) -> list[tuple[int, str]]:
        return [(period, code) for period, code in self._sensitive(key) if not self.has_second_value(period, key, code)]

    # The on-time counts: a column only (the year's is the sum of its quarters'), bounded by the closed count.
    def on_time_unknown(self, period: int) -> bool:
        return period not in self.visible or self.withheld[period].get(ON_TIME, False)

    def _on_time_fits(self, period: int, delta: int) -> bool:
        figures = self.figures[period]
        return 0 <= figures["closed_on_time"] + delta <= figures["closed"]

    def on_time_exposed(self) -> list[int]:
        exposed = []
        for period in PERIODS:
            if period in self.visible:
                if not self.on_time_unknown(period):
                    continue
            elif self.figures[period]["closed"] >= SMALL_CELL or sum(map(self.on_time_unknown, PERIODS)) != 1:
                continue
            if not any(
                self._on_time_fits(period, delta)
                and any(
                    self.on_time_unknown(linked) and self._on_time_fits(linked, delta * sign)
                    for linked, sign in _linked(period)
                )
                for delta in (1, -1)
            ):
                exposed.append(period)
        return exposed


def withhold(*, figures: dict, target: int, visible: set, published: dict, keys: tuple) -> dict:
    """The cells to withhold in period `target` (YEAR or a quarter) of a family whose current figures are
    `figures` (period -> figures), whose `visible` periods are published (with `target`), and whose published
    versions withheld `published` (period -> list of stored withheld dicts, every version)."""
    union: dict = {key: set() for key in keys}
    on_time = False
    for versions in published.values():
        for stored in versions:
            for key in keys:
                union[key].update(stored.get(key, ()))
            on_time = on_time or bool(stored.get(ON_TIME))
    own = figures[target]
    mine = {key: set(union[key]) for key in keys}
    for key in keys:
        mine[key].update(code for code, count in own[key].items() if primary(key, count))
    mine[ON_TIME] = on_time or own["closed"] < SMALL_CELL
    withheld = {period: _latest(published.get(period)) for period in PERIODS}
    withheld[target] = mine
    family = Family(figures, visible | {target}, withheld)
    for key in keys:
        while exposed := family.exposed(key):
            # A province without complaints is not listed, so its zero is known: it may be listed as withheld.
            candidates = [*own[key], *family.codes(key), *(PROVINCES if key == "by_province" else ())]
            shown = [(own[key].get(code, 0), code) for code in dict.fromkeys(candidates) if code not in mine[key]]
            if not shown:
                break
            # Another period's cell is best covered by withholding the same value here; a cell of this period
            # by withholding the smallest count shown beside it.
            same = [(count, code) for count, code in shown if any(code == cell for _period, cell in exposed)]
            mine[key].add(min(same or shown)[1])
    if family.on_time_exposed():
        mine[ON_TIME] = True
    return {**{key: sorted(mine[key]) for key in keys}, ON_TIME: mine[ON_TIME]}


def standalone(figures: dict, keys: tuple) -> dict:
    """The cells to withhold in one period judged alone (a snapshot published before withheld cells were
    stored): the other periods of its year count as unpublished, with any value."""
    anything = {key: dict.fromkeys(figures[key], _UNBOUNDED) for key in keys}
    others = {**anything, "closed": _UNBOUNDED, "closed_on_time": 0}
    family = {period: others for period in PERIODS}
    family[YEAR] = figures
    return withhold(figures=family, target=YEAR, visible=set(), published={}, keys=keys)


def _latest(versions) -> dict:
    if not versions:
        return {}
    latest = versions[-1]
    return {**{key: set(codes) for key, codes in latest.items() if key != ON_TIME}, ON_TIME: latest.get(ON_TIME)}
