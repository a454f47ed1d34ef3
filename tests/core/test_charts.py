"""Server-rendered SVG charts (core/charts.py): scales, positions, the twelve-month window."""

import datetime

import pytest

from core.charts import (
    CountChart,
    CountRow,
    Marker,
    RangeChart,
    RangeRow,
    Timeline,
    TimelineRow,
    nice_step,
)


@pytest.mark.parametrize(
    ("span", "step"), [(400_000, 100_000), (90, 25), (7, 2), (1, 0.25), (0, 1), (1_000, 250)]
)
def test_nice_step_is_round(span, step):
    assert nice_step(span) == step


def test_range_chart_places_bars_on_a_round_axis():
    rows = [RangeRow("A", 105_000, 195_000, ""), RangeRow("B", 150_000, 500_000, "")]
    chart = RangeChart("Salaries", "", rows, format_tick=lambda v: f"{v // 1000}k")
    assert [t.label for t in chart.ticks] == ["100k", "200k", "300k", "400k", "500k"]
    assert rows[0].x == pytest.approx(1.25)  # (105 - 100) / 400
    assert rows[0].width == pytest.approx(22.5)
    assert rows[1].x + rows[1].width == pytest.approx(100)
    assert chart.height > 0 and rows[1].y > rows[0].y


def test_a_single_figure_still_gets_a_visible_mark():
    chart = RangeChart(
        "S", "", [RangeRow("A", 90_000, 90_000, ""), RangeRow("B", 50_000, 150_000, "")]
    )
    assert chart.rows[0].width > 0


def test_count_chart_scales_to_the_largest_count():
    chart = CountChart("T", "", [CountRow("a", 8), CountRow("b", 2), CountRow("c", 0)])
    assert [r.width for r in chart.rows] == [85, 21.25, 0]
    assert chart.total == 10


def test_timeline_keeps_the_next_twelve_months_only():
    today = datetime.date(2026, 3, 15)
    rows = [
        TimelineRow("In", "/p/in/", [Marker("deadline", "D", datetime.date(2026, 9, 14))]),
        TimelineRow("Past", "/p/past/", [Marker("deadline", "D", datetime.date(2026, 3, 14))]),
        TimelineRow("Late", "/p/late/", [Marker("start", "S", datetime.date(2027, 3, 16))]),
        TimelineRow("None", "/p/none/", []),
    ]
    timeline = Timeline("T", "", today, rows)
    assert [r.label for r in timeline.rows] == ["In"]
    assert 49 < timeline.rows[0].markers[0].x < 51  # half way through the year
    assert len(timeline.months) == 12
    assert timeline.months[0].label == "Apr"  # ticks are first days of months
