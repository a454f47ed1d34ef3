"""Salary ranges as pictures (``core.charts.RangeChart``), one chart per currency.

Ranges in different currencies are never drawn on one axis (nothing is
converted); a role with only a lower or an upper figure is drawn as that one
figure. Roles without a salary are left out of the picture and counted in its
description.
"""

import datetime

from django.utils import timezone

from core.charts import Marker, RangeChart, RangeRow, Timeline, TimelineRow

from .templatetags.careers_tags import CURRENCY_SYMBOLS, format_amount, salary_text


def compact_amount(amount: int, currency: str) -> str:
    """An axis label: "$150k" for whole thousands, else the full figure."""
    if amount and amount % 1000 == 0:
        symbol = CURRENCY_SYMBOLS.get((currency or "").upper())
        number = f"{amount // 1000:,}k"
        return f"{symbol}{number}" if symbol else f"{number} {currency}"
    return format_amount(amount, currency)


def salary_charts(roles, *, current=None, title="Salary ranges") -> list[RangeChart]:
    """One ``RangeChart`` per currency of ``roles`` (in their order); ``current`` is marked."""
    by_currency: dict[str, list[RangeRow]] = {}
    unlisted = 0
    for role in roles:
        if role.salary_min is None and role.salary_max is None:
            unlisted += 1
            continue
        currency = role.salary_currency or ""
        low = role.salary_min if role.salary_min is not None else role.salary_max
        high = role.salary_max if role.salary_max is not None else role.salary_min
        by_currency.setdefault(currency, []).append(
            RangeRow(
                label=role.name,
                low=low,
                high=high,
                text=salary_text(role.salary_min, role.salary_max, currency),
                low_text=format_amount(low, currency) if role.salary_min is not None else "—",
                high_text=format_amount(high, currency) if role.salary_max is not None else "—",
                url=role.get_absolute_url(),
                current=current is not None and role.pk == current.pk,
            )
        )
    charts = []
    several = len(by_currency) > 1
    for currency, rows in by_currency.items():
        low = min(rows, key=lambda r: r.low)
        high = max(rows, key=lambda r: r.high)
        description = (
            f"{len(rows)} role{'s' if len(rows) != 1 else ''} in {currency}: "
            f"the lowest figure is {format_amount(low.low, currency)} ({low.label}), "
            f"the highest {format_amount(high.high, currency)} ({high.label})."
        )
        if unlisted and not several:
            description += f" {unlisted} more list no salary."
        charts.append(
            RangeChart(
                title=f"{title} ({currency})" if several else title,
                description=description,
                rows=rows,
                format_tick=lambda amount, c=currency: compact_amount(amount, c),
                slug=f"salary-{currency.lower()}",
            )
        )
    return charts


def program_timeline(programs, today: datetime.date | None = None) -> Timeline:
    """Application deadlines and cohort starts of ``programs`` in the next twelve months."""
    today = today or timezone.localdate()
    rows = []
    for program in programs:
        markers = []
        if program.application_deadline:
            markers.append(Marker("deadline", "Application deadline", program.application_deadline))
        if program.next_cohort_start:
            markers.append(Marker("start", "Cohort starts", program.next_cohort_start))
        rows.append(TimelineRow(program.name, program.get_absolute_url(), markers))
    timeline = Timeline(
        title="Deadlines and cohort starts in the next twelve months",
        description="",
        start=today,
        rows=rows,
    )
    dates = sorted(
        (marker.date, marker.label.lower(), row.label)
        for row in timeline.rows
        for marker in row.markers
    )
    if dates:
        first = dates[0]
        timeline.description = (
            f"{len(dates)} date{'s' if len(dates) != 1 else ''} for {len(timeline.rows)} "
            f"program{'s' if len(timeline.rows) != 1 else ''} between "
            f"{today:%-d %B %Y} and {timeline.end:%-d %B %Y}; the first is the "
            f"{first[1]} of {first[2]} on {first[0]:%-d %B %Y}."
        )
    return timeline
