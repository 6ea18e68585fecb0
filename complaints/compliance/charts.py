"""Numbers for the dashboard's server-drawn SVG charts (no JavaScript, no style attributes: only SVG geometry).

Every chart is given as rows of (label, value, previous value) plus the geometry the template writes into
`x`, `y`, `width` and `height` attributes, as strings with a dot decimal whatever the page's language.
"""

from dataclasses import dataclass

BAR_WIDTH = 100.0  # horizontal bars are drawn in a 0–100 wide box, scaled by the SVG's viewBox
TREND_HEIGHT = 160.0
TREND_SLOT = 44


def _number(value: float) -> str:
    return f"{value:.1f}"


@dataclass
class Bar:
    label: str
    value: int
    previous: int | None
    width: str = "0"
    previous_width: str = "0"

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.value - self.previous


def horizontal(rows: list[tuple[str, int, int | None]]) -> dict:
    """Bars for a breakdown, one per table row: the current value and, thinner below it, the previous period's."""
    top = max([value for _label, value, _previous in rows] + [previous or 0 for *_rest, previous in rows] + [1])
    bars = []
    for label, value, previous in rows:
        bars.append(
            Bar(
                label=label,
                value=value,
                previous=previous,
                width=_number(BAR_WIDTH * value / top),
                previous_width=_number(BAR_WIDTH * (previous or 0) / top),
            )
        )
    total = sum(value for _label, value, _previous in rows)
    previous_total = sum(previous or 0 for _label, _value, previous in rows)
    return {"bars": bars, "total": total, "previous_total": previous_total, "change": total - previous_total}


@dataclass
class Column:
    label: str
    value: int
    previous: int | None
    x: str
    y: str
    height: str
    previous_x: str
    previous_y: str
    previous_height: str
    label_x: str


def vertical(rows: list[tuple[str, int, int | None]]) -> dict:
    """Columns for the monthly trend: the current period's month beside the same month of the previous one."""
    top = max([value for _label, value, _previous in rows] + [previous or 0 for *_rest, previous in rows] + [1])
    columns = []
    for index, (label, value, previous) in enumerate(rows):
        x = index * TREND_SLOT
        height = TREND_HEIGHT * value / top
        previous_height = TREND_HEIGHT * (previous or 0) / top
        columns.append(
            Column(
                label=label,
                value=value,
                previous=previous,
                x=_number(x + 4),
                y=_number(TREND_HEIGHT - height),
                height=_number(height),
                previous_x=_number(x + 22),
                previous_y=_number(TREND_HEIGHT - previous_height),
                previous_height=_number(previous_height),
                label_x=_number(x + 22),
            )
        )
    return {
        "columns": columns,
        "width": str(max(len(rows), 1) * TREND_SLOT),
        "height": str(int(TREND_HEIGHT) + 20),
        "label_y": str(int(TREND_HEIGHT) + 15),
    }


def split(parts: list[tuple[str, str, int]]) -> dict:
    """One bar split into parts (on time, late, open): (css class, label, count) → widths and offsets."""
    total = sum(count for _css, _label, count in parts) or 1
    x = 0.0
    segments = []
    for css, label, count in parts:
        width = BAR_WIDTH * count / total
        segments.append({"css": css, "label": label, "count": count, "x": _number(x), "width": _number(width)})
        x += width
    return {"segments": segments}
