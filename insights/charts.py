"""Bar charts drawn on the server as SVG: the geometry of each bar, computed here so that the
template only places them. No JavaScript, nothing from elsewhere; the data's table is shown
with every chart, and a sentence says what it shows."""

from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 200
# Room under the bars and above the highest.
BOTTOM, TOP = 4, 8


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class BarChart:
    bars: list = field(default_factory=list)
    highest: int = 0
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - BOTTOM


def bar_chart(values):
    """Return the BarChart of {label: value}, in the order given (the labels are in the table
    that goes with it; the page writes the first and the last under the chart)."""
    items = list(values.items())
    chart = BarChart()
    if not items:
        return chart
    chart.highest = max(value for _label, value in items) or 1
    slot = WIDTH / len(items)
    room = HEIGHT - BOTTOM - TOP
    for index, (label, value) in enumerate(items):
        height = room * value / chart.highest
        chart.bars.append(
            Bar(
                label=str(label),
                value=value,
                x=round(index * slot + slot * 0.1, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(slot * 0.8, 1),
                height=round(height, 1),
            )
        )
    return chart


def year_series(counts):
    """Return {year: n} for every year from the first to the last of `counts`, 0 where none."""
    if not counts:
        return {}
    return {year: counts.get(year, 0) for year in range(min(counts), max(counts) + 1)}
