"""SVG chart builders: valid markup, escaped text, numbers written, readable without colour."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ykien.dashboard import charts
from ykien.dashboard.charts import Bar, HeatRow, Point

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> Chi đoàn & Hội'


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def _texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def test_bar_chart_escapes_labels_and_writes_every_number() -> None:
    markup = charts.bar_chart(
        chart_id="chart-orgs",
        title="Ý kiến theo tổ chức <b>",
        description="Mô tả & chú thích",
        series=["Ý kiến", "Sau khi gộp trùng"],
        bars=[Bar(HOSTILE, (12, 9)), Bar("Chi bộ Sở Tài chính", (3, 3))],
    )
    assert "<script>" not in markup and "<b>" not in markup
    root = _parse(markup)  # well-formed XML: nothing broke out of its element
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-orgs-title"
    assert root.find(f"{SVG}title").text == "Ý kiến theo tổ chức <b>"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Mô tả & chú thích"  # type: ignore[union-attr]
    texts = _texts(root)
    assert any(t.startswith('<script>alert("x")</script>') for t in texts)  # as plain text
    assert [t for t in texts if t.isdigit()] == ["12", "9", "3", "3"]
    assert {"Ý kiến", "Sau khi gộp trùng"} <= set(texts)  # the legend names each series


def test_series_are_told_apart_by_pattern_not_only_colour() -> None:
    root = _parse(
        charts.bar_chart(
            chart_id="chart-two",
            title="t",
            description="d",
            series=["a", "b"],
            bars=[Bar("x", (4, 2))],
        )
    )
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("height") == "16"]
    assert fills == [charts.ACCENT, "url(#chart-two-p1)"]
    assert root.find(f".//{SVG}pattern[@id='chart-two-p1']") is not None


def test_long_labels_are_shortened_and_zero_bars_stay_labelled() -> None:
    root = _parse(
        charts.bar_chart(
            chart_id="chart-long",
            title="t",
            description="d",
            series=["a"],
            bars=[Bar("x" * 80, (0,))],
        )
    )
    texts = _texts(root)
    assert texts[0].endswith("…") and len(texts[0]) == charts.MAX_LABEL
    assert texts[1] == "0"


@pytest.mark.parametrize("bad", ['x" onload="alert(1)', "Chart", "", "a b"])
def test_chart_ids_must_be_safe(bad: str) -> None:
    with pytest.raises(ValueError, match="chart id"):
        charts.bar_chart(chart_id=bad, title="t", description="d", series=["a"], bars=[])


def test_empty_charts_are_still_valid_svg() -> None:
    for markup in (
        charts.bar_chart(chart_id="c-a", title="t", description="d", series=["a"], bars=[]),
        charts.time_chart(chart_id="c-b", title="t", description="d", series=["a"], points=[]),
        charts.heat_map(chart_id="c-c", title="t", description="d", rows=[]),
    ):
        assert _parse(markup).tag == f"{SVG}svg"


def test_a_short_time_series_labels_every_point_and_day() -> None:
    points = [Point("15/06", (3, 2)), Point("16/06", (0, 0)), Point("17/06", (7, 5))]
    root = _parse(
        charts.time_chart(
            chart_id="chart-days", title="t", description="d", series=["a", "b"], points=points
        )
    )
    texts = _texts(root)
    assert {"15/06", "16/06", "17/06"} <= set(texts)
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("font-weight") == "600"]
    assert labels == ["3", "0", "7"]
    assert root.find(f".//{SVG}polyline[@stroke-dasharray]") is not None  # the second series


def test_a_long_time_series_keeps_the_axis_readable() -> None:
    points = [Point(f"{day:02d}/07", (day % 5, 1)) for day in range(1, 61)]
    points[20] = Point("21/07", (40, 1))
    root = _parse(
        charts.time_chart(
            chart_id="chart-days", title="t", description="d", series=["a"], points=points
        )
    )
    ticks = [t.text for t in root.iter(f"{SVG}text") if (t.text or "").endswith("/07")]
    assert len(ticks) <= charts.MAX_TICKS and ticks[0] == "01/07" and ticks[-1] == "60/07"
    labelled = [t.text for t in root.iter(f"{SVG}text") if t.get("font-weight") == "600"]
    assert labelled == ["40", str(60 % 5)]  # the peak and the last day


def test_a_single_day_is_drawn_in_the_middle() -> None:
    root = _parse(
        charts.time_chart(
            chart_id="chart-one",
            title="t",
            description="d",
            series=["a"],
            points=[Point("x", (5,))],
        )
    )
    circle = root.find(f".//{SVG}circle[@r='3.5']")
    assert circle is not None and float(circle.get("cx", "0")) > charts.WIDTH / 3


def test_heat_map_cells_carry_their_number_with_enough_contrast() -> None:
    rows = [
        HeatRow("Chương I", "QUY ĐỊNH CHUNG", 0, 0, 9),
        HeatRow("Điều 1.", HOSTILE, 1, 9, 9),
        HeatRow("Điều 2.", "Đối tượng", 1, 1),
    ]
    markup = charts.heat_map(
        chart_id="chart-sections",
        title="t",
        description="d",
        rows=rows,
        subtree_note="{n} kể cả mục con",
    )
    assert "<script>" not in markup
    root = _parse(markup)
    texts = _texts(root)
    assert "9 kể cả mục con" in texts  # Chương I: none of its own, nine below
    cells = [r for r in root.iter(f"{SVG}rect")]
    assert [c.get("fill") for c in cells] == [charts.WHITE, charts.SHADES[-1], charts.SHADES[0]]
    numbers = [t for t in root.iter(f"{SVG}text") if t.get("font-weight") == "600"]
    assert [t.text for t in numbers] == ["0", "9", "1"]
    for cell, number in zip(cells, numbers, strict=True):
        assert charts.contrast(number.get("fill", ""), cell.get("fill", "")) >= 4.5


@pytest.mark.parametrize("shade", (charts.WHITE, *charts.SHADES))
def test_every_shade_has_a_readable_number_colour(shade: str) -> None:
    assert charts.contrast(charts.ink_on(shade), shade) >= 4.5


def test_shades_grow_with_the_share_of_the_largest() -> None:
    levels = [charts.shade_of(v, 60) for v in (0, 1, 10, 11, 30, 59, 60)]
    assert levels[0] == charts.WHITE
    order = [charts.SHADES.index(s) for s in levels[1:]]
    assert order == sorted(order) and order[0] == 0 and order[-1] == len(charts.SHADES) - 1
