"""A results bar chart drawn on the server as SVG: no script, the numbers written beside each bar."""

from __future__ import annotations

from dataclasses import dataclass

from elections.models import Result
from elections.templatetags.numbers_fr import fr_int, fr_pct

WIDTH = 640
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW = LABEL_HEIGHT + BAR_HEIGHT + 10
BAR_SPACE = 440  # the rest of the width holds the figures


@dataclass(frozen=True)
class Bar:
    label: str
    figures: str
    y_label: int
    y_bar: int
    width: float
    x_figures: float
    leading: bool


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    summary: str


def results_chart(result: Result) -> Chart:
    """One bar per list, largest first, scaled to the leading list."""
    lists = sorted(result.lists.all(), key=lambda r: -r.votes)
    top = max((r.votes for r in lists), default=0) or 1
    bars = []
    for index, row in enumerate(lists):
        width = round(BAR_SPACE * row.votes / top, 1)
        figures = f"{fr_int(row.votes)} voix ({fr_pct(row.share)})"
        y = index * ROW
        bars.append(
            Bar(row.candidacy.short_name, figures, y + 14, y + LABEL_HEIGHT, max(width, 1), width + 8, index == 0)
        )
    summary = "; ".join(f"{bar.label} : {bar.figures}" for bar in bars)
    return Chart(bars, WIDTH, max(len(bars) * ROW, ROW), summary)
