"""The server-drawn SVG charts: labels escaped, an accessible name, and a table of the same figures."""

from datetime import date

from engage.charts import bar_chart, column_chart, last_months


def test_bar_chart_escapes_labels_and_names_itself():
    svg = str(bar_chart([("<script>alert(1)</script> & co", 3), ("Sevenoaks", 1)], chart_id="c", title="By <place>"))
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in svg
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">By &lt;place&gt;</title>' in svg
    assert svg.count("<rect") == 2


def test_bar_chart_scales_the_biggest_value_to_full_width():
    svg = str(bar_chart([("A", 10), ("B", 5)], chart_id="c", title="t"))
    assert 'width="352.0"' in svg and 'width="176.0"' in svg


def test_column_chart_has_one_column_per_month_with_the_year_marked():
    months = last_months(date(2026, 2, 14), 3)
    assert months == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    svg = str(column_chart([(m, i) for i, m in enumerate(months)], chart_id="m", title="By month"))
    assert svg.count("<rect") == 3
    assert ">Dec<" in svg and ">Jan<" in svg and ">2025<" in svg and ">2026<" in svg


def test_an_empty_chart_is_still_valid():
    assert "<svg" in str(bar_chart([], chart_id="e", title="Nothing"))
