from __future__ import annotations

from xml.etree import ElementTree

from kenes.campaign.charts import bar_chart, column_chart


def test_bar_chart_is_valid_svg_with_escaped_labels() -> None:
    svg = bar_chart([("<script>alert(1)</script>", 10, 4), ("Атырау & Co", 0, 0)], title='Plan "vs" done',
                    plan_label="Plan", done_label="Held")
    root = ElementTree.fromstring(svg)  # noqa: S314 — our own SVG
    assert root.tag.endswith("svg")
    assert "<script>" not in svg
    texts = [el.text for el in root.iter() if el.tag.endswith("text")]
    assert "<script>alert(1)</script>" in texts
    assert "4 / 10" in texts
    widths = [float(el.get("width")) for el in root.iter() if el.tag.endswith("rect") and el.get("height") == "10"]
    assert max(widths) > 0


def test_column_chart_handles_empty_and_many_periods() -> None:
    assert ElementTree.fromstring(column_chart([], title="t", plan_label="p", done_label="d")) is not None  # noqa: S314
    columns = [(f"{i:02d}.03", i, i // 2) for i in range(60)]
    root = ElementTree.fromstring(column_chart(columns, title="t", plan_label="p", done_label="d"))  # noqa: S314 — our own SVG
    assert len([el for el in root.iter() if el.tag.endswith("rect")]) == 2 + 2 * 60
