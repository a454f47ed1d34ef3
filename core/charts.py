"""Server-rendered SVG charts: numbers drawn as bars, with the same numbers as a table.

Each chart is a plain data object built in Python and drawn by a template in
``core/templates/charts/``. The SVG is laid out in percentages of its width
with fixed text sizes, so it stays readable from a 375 px phone to a desktop
without a script or an inline style (the Content-Security-Policy allows
neither): the positions are SVG attributes, the colours are CSS classes in
``site.css`` (with forced-colors and print rules). Every chart is a
``<figure>`` whose ``<svg role="img">`` carries a title and a one-sentence
description, and whose table (in a ``<details>`` right behind it) holds every
number the picture shows.

* ``RangeChart``: one horizontal bar per row from ``low`` to ``high`` (salary
  ranges); rows of one chart share a unit (one currency).
* ``CountChart``: one bar per row, its length the count (organizations by type).
* ``Timeline``: markers on a twelve-month axis (program deadlines and cohort starts).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.formats import date_format

ROW_HEIGHT = 44  # px per bar row (label line above the bar)
AXIS_HEIGHT = 28


def nice_step(span: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) giving about ``ticks`` intervals over ``span``."""
    if span <= 0:
        return 1
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _pct(value: float, low: float, high: float) -> float:
    return round(100 * (value - low) / (high - low), 2) if high > low else 0.0


@dataclass
class Tick:
    x: float  # percent of the plot width
    label: str


@dataclass
class RangeRow:
    label: str
    low: int
    high: int
    text: str  # the range as shown ("$120,000–$250,000")
    low_text: str = ""  # each end as shown in the table ("$120,000")
    high_text: str = ""
    url: str = ""
    current: bool = False
    # Set by RangeChart: where the bar starts and how wide it is (percent).
    x: float = 0
    width: float = 0
    y: int = 0


@dataclass
class RangeChart:
    title: str
    description: str
    rows: list[RangeRow]
    format_tick: object = field(default=str, repr=False)
    ticks: list[Tick] = field(default_factory=list)
    height: int = 0
    slug: str = "range"

    def __post_init__(self):
        if not self.rows:
            return
        low = min(r.low for r in self.rows)
        high = max(r.high for r in self.rows)
        step = nice_step(high - low or high or 1)
        start = math.floor(low / step) * step
        end = math.ceil(high / step) * step
        if end == start:
            end = start + step
        for i, row in enumerate(self.rows):
            row.x = _pct(row.low, start, end)
            # A single figure ("$90,000") still gets a visible mark.
            row.width = max(_pct(row.high, start, end) - row.x, 0.8)
            row.y = i * ROW_HEIGHT
        value = start
        while value <= end + step / 1000:
            self.ticks.append(Tick(_pct(value, start, end), self.format_tick(int(value))))
            value += step
        self.height = len(self.rows) * ROW_HEIGHT + AXIS_HEIGHT


@dataclass
class CountRow:
    label: str
    count: int
    url: str = ""
    current: bool = False
    width: float = 0
    y: int = 0


@dataclass
class CountChart:
    title: str
    description: str
    rows: list[CountRow]
    unit: str = "records"
    row_heading: str = "Group"  # the table's first column
    height: int = 0
    slug: str = "count"

    def __post_init__(self):
        top = max((r.count for r in self.rows), default=0)
        for i, row in enumerate(self.rows):
            # Bars stop short of the right edge, where the count is written.
            row.width = round(85 * row.count / top, 2) if top else 0
            row.y = i * ROW_HEIGHT
        self.height = len(self.rows) * ROW_HEIGHT

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)


@dataclass
class Marker:
    kind: str  # "deadline" or "start"
    label: str  # "Application deadline" / "Cohort starts"
    date: datetime.date
    x: float = 0

    @property
    def iso(self) -> str:
        """``2027-01-31``: the marker's ``data-date`` and ``datetime``."""
        return self.date.isoformat()

    @cached_property
    def long_date(self) -> str:
        """``31 January 2027`` (``date:"j F Y"``), formatted once for the marker's
        two mentions (the program listing's chart has 36 markers at full scale)."""
        return date_format(self.date, "j F Y")


@dataclass
class TimelineRow:
    label: str
    url: str
    markers: list[Marker]
    y: int = 0

    @property
    def short_label(self) -> str:
        """The name before any bracket ("ARENA (Alignment …)" → "ARENA"), for narrow screens."""
        short = self.label.split(" (", 1)[0]
        return short if len(short) <= 36 else short[:35].rstrip() + "…"


@dataclass
class Timeline:
    """Dates in the twelve months from ``start`` (rows without one are left out)."""

    title: str
    description: str
    start: datetime.date
    rows: list[TimelineRow]
    months: list[Tick] = field(default_factory=list)
    height: int = 0
    slug: str = "timeline"

    @property
    def end(self) -> datetime.date:
        return _add_months(self.start, 12)

    def __post_init__(self):
        span = (self.end - self.start).days
        kept = []
        for row in self.rows:
            row.markers = sorted(
                (m for m in row.markers if self.start <= m.date < self.end), key=lambda m: m.date
            )
            for marker in row.markers:
                marker.x = round(100 * (marker.date - self.start).days / span, 2)
            if row.markers:
                kept.append(row)
        # Soonest first.
        kept.sort(key=lambda row: (row.markers[0].date, row.label))
        for i, row in enumerate(kept):
            row.y = i * ROW_HEIGHT
        self.rows = kept
        month = self.start.replace(day=1)
        while month < self.end:
            if month >= self.start:
                x = round(100 * (month - self.start).days / span, 2)
                self.months.append(Tick(x, month.strftime("%b")))
            month = _add_months(month, 1)
        self.height = len(self.rows) * ROW_HEIGHT + AXIS_HEIGHT


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, 28))


def facet_chart(facet, *, title: str, description_noun: str, unit: str, slug: str):
    """A ``CountChart`` of a listing facet's options (``core.facets.Facet``).

    The facet's counts already follow the page's other filters, and each row
    links where the facet's option does (selecting or clearing it), so the
    picture costs no query of its own. Options with no records are left out.
    """
    rows = [
        CountRow(option.label, option.count, option.url, option.selected)
        for option in facet.options
        if option.count
    ]
    rows.sort(key=lambda r: (-r.count, r.label))
    total = sum(r.count for r in rows)
    if rows:
        top = rows[0]
        description = (
            f"{total} {description_noun} in {len(rows)} group{'s' if len(rows) != 1 else ''}; "
            f"the largest is {top.label} with {top.count}."
        )
    else:
        description = f"No {description_noun}."
    return CountChart(
        title=title,
        description=description,
        rows=rows,
        unit=unit,
        row_heading=facet.label,
        slug=slug,
    )
