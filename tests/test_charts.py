"""Charts are pure functions of their data: test what they draw from it."""

from __future__ import annotations

import math

import pandas as pd
from sqlalchemy import create_engine

from nianbao import charts
from nianbao.queries import common, compare, overview, trends
from tests.dashboard_db import JJF, PINGTAN, build_db


def _line(values: dict[int, float | None], group: str = "甲") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": group,
            "year": list(values),
            "value": [float("nan") if v is None else v for v in values.values()],
            "n_reports": [0 if v is None else 1 for v in values.values()],
            "n_missing": [1 if v is None else 0 for v in values.values()],
            "report_ids": [(i + 1,) for i in range(len(values))],
        }
    )


def test_trend_marks_the_2019_format_change_only_when_spanned() -> None:
    fig = charts.trend_lines(_line({2017: 3, 2018: 4, 2019: 5}), "收到申请", "件")
    xs = [s.x0 for s in fig.layout.shapes]
    assert xs == [charts.FORMAT_CHANGE_X]
    assert "2019" in fig.layout.annotations[0].text
    later = charts.trend_lines(_line({2020: 3, 2021: 4}), "收到申请", "件")
    assert later.layout.shapes == ()


def test_trend_leaves_a_gap_for_a_missing_value() -> None:
    fig = charts.trend_lines(_line({2016: 2, 2017: None, 2018: 1}), "部分公开", "件")
    y = list(fig.data[0].y)
    assert y[0] == 2 and y[2] == 1
    assert math.isnan(y[1])  # not 0
    assert fig.data[0].connectgaps is False
    assert list(fig.data[0].customdata) == [1, 2, 3]


def test_ranking_bars_sorted_and_missing_left_out() -> None:
    df = pd.DataFrame(
        {
            "issuer_key": ["甲局", "乙局", "丙局"],
            "requests_received": [5.0, float("nan"), 9.0],
            "report_ids": [(1,), (2,), (3,)],
        }
    )
    fig = charts.ranking_bars(df, "requests_received", "收到申请")
    assert list(fig.data[0].y) == ["甲局", "丙局"]  # ascending: largest on top
    assert list(fig.data[0].customdata) == [1, 3]
    assert "1 个主体缺失" in fig.layout.title.text


def test_heatmap_missing_is_a_gap_with_raw_values_in_hover() -> None:
    raw = pd.DataFrame({"issuer_key": ["甲", "乙"], "a": [10.0, float("nan")], "b": [0.25, 0.5]})
    norm = compare.normalise(raw, ["a", "b"])
    fig = charts.metrics_heatmap(raw, norm, ["a", "b"], {"a": "收到", "b": "公开率"})
    z = fig.data[0].z
    assert math.isnan(z[1][0])
    assert fig.data[0].text[1][0] == "缺失"
    assert fig.data[0].text[0][0] == "10"
    assert fig.layout.plot_bgcolor == charts.MISSING_BG


def test_charts_from_the_real_reports() -> None:
    engine = create_engine(build_db())
    try:
        f = common.Filters(bodies=(PINGTAN, JJF))
        cov = overview.coverage(engine, f)
        grid = charts.coverage_grid(cov)
        assert {t.name for t in grid.data} >= {"2021格式", "旧统计表"}
        assert sum(len(t.x) for t in grid.data) == len(cov)

        comp = trends.outcome_composition(engine, common.Filters(bodies=(PINGTAN,)))
        bars = charts.composition_bars(comp)
        groups = {t.legendgroup for t in bars.data}
        assert groups == {"gov", "legacy"}
        gov_2023 = {
            t.name: dict(zip(t.x, t.y, strict=True)).get(2023)
            for t in bars.data
            if t.legendgroup == "gov"
        }
        assert gov_2023["予以公开"] == 22 and gov_2023["无法提供"] == 31

        disp = trends.disputes(engine, common.Filters(bodies=(PINGTAN,)))
        fig = charts.disputes_chart(disp)
        rate = next(t for t in fig.data if t.name == "行政复议纠错率")
        assert dict(zip(rate.x, rate.y, strict=True))[2023] == 0.5
    finally:
        engine.dispose()


def test_labels_from_reports_are_not_html_to_plotly() -> None:
    df = pd.DataFrame(
        {
            "issuer_key": ['<a href="http://evil.example">局</a>', "<b>乙</b>"],
            "requests_received": [5.0, 9.0],
            "report_ids": [(1,), (2,)],
        }
    )
    fig = charts.ranking_bars(df, "requests_received", "收到申请")
    assert list(fig.data[0].y) == [
        '&lt;a href="http://evil.example"&gt;局&lt;/a&gt;',
        "&lt;b&gt;乙&lt;/b&gt;",
    ]
    line = charts.trend_lines(_line({2020: 1}, group="<script>x</script>"), "收到申请", "件")
    assert line.data[0].name == "&lt;script&gt;x&lt;/script&gt;"


def test_trend_breaks_at_a_year_left_out_of_the_data() -> None:
    # 2017 has no row at all (no report that year): the line must not join 2016 to 2018.
    fig = charts.trend_lines(_line({2016: 2, 2018: 1, 2019: 4}), "收到申请", "件")
    trace = fig.data[0]
    assert list(trace.x) == [2016, 2017, 2018, 2019]
    assert trace.y[0] == 2 and math.isnan(trace.y[1]) and trace.y[2] == 1
    assert trace.connectgaps is False
    assert list(trace.customdata) == [1, None, 2, 3]
    assert trace.text[1] == "没有报告"
    # Two groups over different years: each gets every year of the chart.
    two = pd.concat([_line({2016: 2, 2018: 1}, "甲"), _line({2017: 5}, "乙")])
    fig = charts.trend_lines(two, "收到申请", "件")
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["甲"].x) == [2016, 2017, 2018]
    assert list(by_name["乙"].x) == [2016, 2017, 2018]
    assert [math.isnan(v) for v in by_name["乙"].y] == [True, False, True]


def test_unit_is_written_horizontally_above_the_axis() -> None:
    fig = charts.trend_lines(_line({2020: 3, 2021: 4}), "收到申请", "件")
    assert not fig.layout.yaxis.title.text  # no rotated "件" beside the axis
    note = [a for a in fig.layout.annotations if a.text == "单位：件"]
    assert len(note) == 1 and note[0].textangle is None and note[0].yanchor == "bottom"
    rate = charts.trend_lines(_line({2020: 0.25, 2021: 0.5}), "公开率", "%")
    assert rate.layout.yaxis.tickformat == ".0%"
    assert not [a for a in rate.layout.annotations if (a.text or "").startswith("单位")]


def test_year_axis_spans_only_the_years_of_the_data() -> None:
    """The grid showed 2008–2026 for reports of 2009–2025 (QA 16)."""
    engine = create_engine(build_db())
    try:
        cov = overview.coverage(engine, common.Filters(bodies=(PINGTAN, JJF)))
        assert (cov["year"].min(), cov["year"].max()) == (2011, 2025)
        grid = charts.coverage_grid(cov)
        assert tuple(grid.layout.xaxis.range) == (2010.5, 2025.5)
        assert grid.layout.xaxis.dtick == 1
        disp = charts.disputes_chart(trends.disputes(engine, common.Filters(bodies=(PINGTAN,))))
        notes = {a.text for a in disp.layout.annotations}
        assert {"单位：件", "纠错率"} <= notes
    finally:
        engine.dispose()
    line = charts.trend_lines(_line({2009: 1, 2025: 2}), "收到申请", "件")
    assert tuple(line.layout.xaxis.range) == (2008.5, 2025.5)
