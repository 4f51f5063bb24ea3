"""Server-side SVG charts that read without colour: numbers as text, patterns for series.

Each builder is a pure function returning markup. Every piece of text is escaped; the SVG has
role="img" with a <title> and <desc> (named by aria-labelledby / aria-describedby), and the
page puts a data table beside it for screen readers and for copying the figures.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 900
LABEL_WIDTH = 320
NUMBER_ROOM = 70
ROW = 20
GROUP_GAP = 10
INK = "#1b1f24"
MUTED = "#4a5360"
LINE = "#c9d1d9"
ACCENT = "#0b5cad"
WHITE = "#ffffff"
# sequential shades, lightest first; the number's colour is picked for contrast on each
SHADES = ("#eef4fb", "#cfe0f3", "#9fc2e7", "#5b93cc", "#1f63a8", "#0b3f73")
MAX_LABEL = 36
MAX_TICKS = 12
LABEL_EVERY_POINT = 31
_SAFE_ID = re.compile(r"^[a-z][a-z0-9-]{0,60}$")


@dataclass(frozen=True)
class Bar:
    """One category: its label and one value per series."""

    label: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class Point:
    """One step of a time series: its axis label and one value per series."""

    label: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class HeatRow:
    """A row of the table of contents: shaded by value, the number written in the cell."""

    label: str
    detail: str
    depth: int
    value: int
    subtree: int | None = None  # the total with sub-sections, shown when it differs


def _text(value: object) -> str:
    return str(escape(str(value)))


def _short(label: str, limit: int = MAX_LABEL) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _checked_id(chart_id: str) -> str:
    if not _SAFE_ID.match(chart_id):
        raise ValueError(f"chart id must be lower-case letters, digits and dashes: {chart_id!r}")
    return chart_id


def _open_svg(chart_id: str, height: int, title: str, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc">'
        f'<title id="{chart_id}-title">{_text(title)}</title>'
        f'<desc id="{chart_id}-desc">{_text(description)}</desc>'
    )


def _patterns(chart_id: str) -> str:
    """Fills for the series: solid, diagonal hatching, dots (so print and colour-blind work)."""
    return (
        "<defs>"
        f'<pattern id="{chart_id}-p1" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{WHITE}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{ACCENT}" stroke-width="3"/></pattern>'
        f'<pattern id="{chart_id}-p2" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{WHITE}"/>'
        f'<circle cx="3" cy="3" r="1.6" fill="{ACCENT}"/></pattern>'
        "</defs>"
    )


def _fill(chart_id: str, series: int) -> str:
    return ACCENT if series % 3 == 0 else f"url(#{chart_id}-p{series % 3})"


def _legend(chart_id: str, series: Sequence[str], y: int) -> str:
    """Swatches with the series names, in one line at the top."""
    parts = []
    x = 0
    for index, name in enumerate(series):
        parts.append(
            f'<rect x="{x}" y="{y}" width="18" height="14" fill="{_fill(chart_id, index)}" '
            f'stroke="{ACCENT}"/>'
            f'<text x="{x + 24}" y="{y + 12}" font-size="14" fill="{INK}">{_text(name)}</text>'
        )
        x += 34 + 8 * len(name)
    return "".join(parts)


def _scale(largest: int, room: int) -> float:
    return room / largest if largest > 0 else 0.0


def bar_chart(
    *, chart_id: str, title: str, description: str, series: Sequence[str], bars: Sequence[Bar]
) -> Markup:
    """Horizontal bars, one row per series in each category, the number at each bar's end."""
    chart_id = _checked_id(chart_id)
    legend_height = 28 if len(series) > 1 else 0
    group = ROW * len(series) + GROUP_GAP
    height = legend_height + max(1, len(bars)) * group + 4
    room = WIDTH - LABEL_WIDTH - NUMBER_ROOM
    ratio = _scale(max((v for bar in bars for v in bar.values), default=0), room)
    parts = [_open_svg(chart_id, height, title, description), _patterns(chart_id)]
    if legend_height:
        parts.append(_legend(chart_id, series, 4))
    for position, bar in enumerate(bars):
        top = legend_height + position * group
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{top + ROW * len(series) / 2 + 5:.0f}" '
            f'text-anchor="end" font-size="14" fill="{INK}">{_text(_short(bar.label))}</text>'
        )
        for index, value in enumerate(bar.values):
            y = top + index * ROW
            length = max(value * ratio, 1.0 if value else 0.0)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{length:.1f}" height="{ROW - 4}" '
                f'fill="{_fill(chart_id, index)}" stroke="{ACCENT}" stroke-width="1"/>'
                f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + ROW - 6}" font-size="14" '
                f'fill="{INK}">{value}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _ticks(count: int) -> list[int]:
    """Indexes of the points that get an axis label (at most MAX_TICKS, the last included)."""
    if count <= MAX_TICKS:
        return list(range(count))
    step = math.ceil(count / MAX_TICKS)
    chosen = list(range(0, count, step))
    if chosen[-1] != count - 1:
        chosen[-1] = count - 1
    return chosen


def _labelled_points(values: Sequence[int]) -> set[int]:
    """Which points carry their number: all of a short series, else the peak and the last."""
    if len(values) <= LABEL_EVERY_POINT:
        return set(range(len(values)))
    peak = max(range(len(values)), key=lambda i: values[i])
    return {peak, len(values) - 1}


def time_chart(
    *, chart_id: str, title: str, description: str, series: Sequence[str], points: Sequence[Point]
) -> Markup:
    """An area for the first series and a dashed line with square marks for the second."""
    chart_id = _checked_id(chart_id)
    left, top, plot_height, bottom_room = 50, 40, 220, 36
    height = top + plot_height + bottom_room
    plot_width = WIDTH - left - 20
    largest = max((v for point in points for v in point.values), default=0)
    y_ratio = _scale(largest, plot_height - 20)
    step = plot_width / max(len(points) - 1, 1)

    def x_at(index: int) -> float:
        return left + (index * step if len(points) > 1 else plot_width / 2)

    def y_at(value: int) -> float:
        return top + plot_height - value * y_ratio

    parts = [_open_svg(chart_id, height, title, description), _patterns(chart_id)]
    parts.append(_legend(chart_id, series, 4))
    for fraction in (0, 0.5, 1):
        value = round(largest * fraction)
        y = y_at(value)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - 20}" y2="{y:.1f}" stroke="{LINE}"/>'
            f'<text x="{left - 6}" y="{y + 5:.1f}" text-anchor="end" font-size="13" '
            f'fill="{MUTED}">{value}</text>'
        )
    for index, value_series in enumerate(zip(*(p.values for p in points), strict=True)):
        parts.append(_series_shape(chart_id, index, value_series, x_at, y_at, top + plot_height))
    first = [point.values[0] for point in points]
    for index in sorted(_labelled_points(first)):
        parts.append(
            f'<text x="{x_at(index):.1f}" y="{y_at(first[index]) - 8:.1f}" text-anchor="middle" '
            f'font-size="13" font-weight="600" fill="{INK}">{first[index]}</text>'
        )
    for index in _ticks(len(points)):
        parts.append(
            f'<text x="{x_at(index):.1f}" y="{top + plot_height + 22}" text-anchor="middle" '
            f'font-size="13" fill="{INK}">{_text(points[index].label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _series_shape(
    chart_id: str,
    series: int,
    values: Sequence[int],
    x_at: Callable[[int], float],
    y_at: Callable[[int], float],
    baseline: float,
) -> str:
    coords = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in enumerate(values))
    if series == 0:
        area = f"{x_at(0):.1f},{baseline:.1f} {coords} {x_at(len(values) - 1):.1f},{baseline:.1f}"
        dots = "".join(
            f'<circle cx="{x_at(i):.1f}" cy="{y_at(v):.1f}" r="3.5" fill="{ACCENT}"/>'
            for i, v in enumerate(values)
        )
        return (
            f'<polygon points="{area}" fill="url(#{chart_id}-p1)" fill-opacity="0.45"/>'
            f'<polyline points="{coords}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>' + dots
        )
    marks = "".join(
        f'<rect x="{x_at(i) - 3.5:.1f}" y="{y_at(v) - 3.5:.1f}" width="7" height="7" '
        f'fill="{WHITE}" stroke="{INK}" stroke-width="1.5"/>'
        for i, v in enumerate(values)
    )
    return (
        f'<polyline points="{coords}" fill="none" stroke="{INK}" stroke-width="2" '
        f'stroke-dasharray="6 4"/>' + marks
    )


def shade_of(value: int, largest: int) -> str:
    """The fill of a heat-map cell: white for none, then darker with the share of the largest."""
    if value <= 0 or largest <= 0:
        return WHITE
    level = min(len(SHADES), math.ceil(len(SHADES) * value / largest))
    return SHADES[level - 1]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def ink_on(background: str) -> str:
    """Dark or white text, whichever reads better on the background."""
    return INK if contrast(INK, background) >= contrast(WHITE, background) else WHITE


def heat_map(
    *,
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[HeatRow],
    subtree_note: str = "",
) -> Markup:
    """The table of contents, one row per section, its cell shaded by its count and labelled."""
    chart_id = _checked_id(chart_id)
    row_height, cell_x, cell_width = 24, WIDTH - 230, 80
    height = max(1, len(rows)) * row_height + 4
    largest = max((row.value for row in rows), default=0)
    parts = [_open_svg(chart_id, height, title, description)]
    for position, row in enumerate(rows):
        y = position * row_height
        indent = 6 + 16 * min(row.depth, 8)
        room = max(12, (cell_x - indent - 12) // 8)
        label = _short(f"{row.label} {row.detail}".strip(), room)
        shade = shade_of(row.value, largest)
        parts.append(
            f'<text x="{indent}" y="{y + 17}" font-size="14" fill="{INK}">{_text(label)}</text>'
            f'<rect x="{cell_x}" y="{y + 1}" width="{cell_width}" height="{row_height - 2}" '
            f'fill="{shade}" stroke="{LINE}"/>'
            f'<text x="{cell_x + cell_width / 2:.0f}" y="{y + 17}" text-anchor="middle" '
            f'font-size="14" font-weight="600" fill="{ink_on(shade)}">{row.value}</text>'
        )
        if row.subtree is not None and row.subtree != row.value:
            parts.append(
                f'<text x="{cell_x + cell_width + 10}" y="{y + 17}" font-size="13" '
                f'fill="{MUTED}">{_text(subtree_note.format(n=row.subtree))}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
