"""Plotly figures built from the query DataFrames: pure functions, no Streamlit.

Report ids travel in ``customdata`` so a selected point can open its report.
Missing values are never drawn as 0: a line has a gap, a heatmap cell is
blank (grey background), a bar is left out and listed in the table instead.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nianbao.series import ERA_LABELS, FORMAT_LABELS, SOURCE_LABELS

FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
MISSING_BG = "#e5e5e5"
FORMAT_COLOURS = {
    "legacy": "#8c8c8c",
    "gov2019": "#4c78a8",
    "gov2021": "#f58518",
    "narrative": "#c9c9c9",
}
FORMAT_CHANGE_X = 2018.5


def _layout(fig: go.Figure, title: str, *, height: int | None = None) -> go.Figure:
    fig.update_layout(
        title=title,
        font_family=FONT,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend_title_text="",
        hoverlabel_font_family=FONT,
    )
    if height:
        fig.update_layout(height=height)
    return fig


def _format_marker(fig: go.Figure, years: pd.Series) -> None:
    """The 2019 format change, where the chart spans it."""
    ys = pd.to_numeric(years, errors="coerce").dropna()
    if len(ys) and ys.min() <= 2018 and ys.max() >= 2019:
        fig.add_vline(
            x=FORMAT_CHANGE_X,
            line_dash="dash",
            line_color="#888",
            annotation_text="2019年起新表格格式",
            annotation_position="top",
        )


def _year_axis(fig: go.Figure, years: pd.Series) -> None:
    """One tick per year, spanning exactly the years of the data (plotly's own
    padding would show 2008 and 2026 around data of 2009–2025)."""
    ys = pd.to_numeric(years, errors="coerce").dropna()
    fig.update_xaxes(dtick=1, title="年份")
    if len(ys):
        fig.update_xaxes(range=[float(ys.min()) - 0.5, float(ys.max()) + 0.5])


def _axis_note(fig: go.Figure, text: str, *, right: bool = False) -> None:
    """A short horizontal note above the left (or right) y axis."""
    fig.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=1 if right else 0,
        y=1,
        xanchor="right" if right else "left",
        yanchor="bottom",
        showarrow=False,
        font={"size": 12, "color": "#555"},
    )


def _unit_label(fig: go.Figure, unit: str) -> None:
    """The unit written horizontally above the y axis ("单位：件").

    A y-axis title is drawn rotated by 90°, and a single rotated character
    such as 件 reads like a stray glyph; a note at the top of the axis does not.
    """
    fig.update_yaxes(title_text="")
    if unit:
        _axis_note(fig, f"单位：{unit}")


def _all_years(grp: pd.DataFrame, years: range, fill: dict[str, object]) -> pd.DataFrame:
    """``grp`` with one row per year of ``years``; a year without a row gets ``fill``
    (value NaN), so a line breaks there instead of joining its neighbours."""
    have = set(pd.to_numeric(grp["year"], errors="coerce").dropna().astype(int))
    missing = [y for y in years if y not in have]
    if not missing:
        return grp.sort_values("year")
    extra = pd.DataFrame([{**fill, "year": y} for y in missing])
    return pd.concat([grp, extra], ignore_index=True).sort_values("year")


def _year_range(years: pd.Series) -> range:
    ys = pd.to_numeric(years, errors="coerce").dropna()
    return range(int(ys.min()), int(ys.max()) + 1) if len(ys) else range(0)


def plain(text: object) -> str:
    """A label from a report, shown as written: plotly renders a subset of HTML
    in labels (<b>, <br>, <a href>), so angle brackets become entities."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain_all(values: pd.Series) -> list[str]:
    return [plain(v) for v in values]


def _first_id(ids: object) -> int | None:
    if isinstance(ids, tuple | list) and ids:
        return int(ids[0])
    return None


def coverage_grid(cov: pd.DataFrame) -> go.Figure:
    """Bodies × years, one square per (body, year), coloured by format, labelled by count."""
    fig = go.Figure()
    bodies = _plain_all(pd.Series(list(dict.fromkeys(cov["issuer_key"]))))
    for fmt, grp in cov.groupby("format", sort=False):
        fig.add_trace(
            go.Scatter(
                x=grp["year"],
                y=_plain_all(grp["issuer_key"]),
                mode="markers+text",
                marker={"symbol": "square", "size": 18, "color": FORMAT_COLOURS.get(str(fmt))},
                text=[str(n) if n > 1 else "" for n in grp["n_reports"]],
                textfont={"color": "white", "size": 10},
                name=FORMAT_LABELS.get(str(fmt), str(fmt)),
                customdata=grp["report_id"],
                hovertemplate="%{y}<br>%{x}年：%{text} 份<extra>" + str(fmt) + "</extra>",
            )
        )
    fig.update_yaxes(categoryorder="array", categoryarray=bodies[::-1], title="")
    _year_axis(fig, cov["year"])
    return _layout(fig, "已导入报告（主体 × 年份，颜色 = 格式）", height=max(300, 22 * len(bodies)))


def trend_lines(df: pd.DataFrame, name: str, unit: str) -> go.Figure:
    """One line per group over years; gaps where the value is missing.

    A year without a value breaks the line, whether the query returns it as
    a row with no value or leaves it out: every group gets every year of the
    chart (connectgaps stays False). unit "%" means values are fractions.
    """
    fig = go.Figure()
    years = _year_range(df["year"])
    is_rate = unit == "%"
    shown = "%{y:.1%}" if is_rate else "%{y:,}" + unit
    fill = {"value": float("nan"), "n_reports": 0, "n_missing": 0, "report_ids": ()}
    for group, grp in df.groupby("group", sort=True):
        grp = _all_years(grp, years, {**fill, "group": group})
        fig.add_trace(
            go.Scatter(
                x=grp["year"],
                y=grp["value"],
                mode="lines+markers",
                name=plain(group),
                connectgaps=False,
                customdata=[_first_id(i) for i in grp["report_ids"]],
                text=[
                    f"{n} 份报告，{m} 份缺失" if n or m else "没有报告"
                    for n, m in zip(grp["n_reports"], grp["n_missing"], strict=True)
                ],
                hovertemplate="%{x}年：" + shown + "<br>%{text}<extra>%{fullData.name}</extra>",
            )
        )
    _format_marker(fig, df["year"])
    _year_axis(fig, df["year"])
    fig.update_yaxes(rangemode="tozero", tickformat=".0%" if is_rate else None)
    _unit_label(fig, "" if is_rate else unit)
    return _layout(fig, name)


def composition_bars(df: pd.DataFrame) -> go.Figure:
    """Stacked outcome categories per year; legacy and 2019+ categories in separate groups."""
    fig = go.Figure()
    for (era, cat), grp in df.groupby(["era", "category"], sort=False):
        fig.add_trace(
            go.Bar(
                x=grp["year"],
                y=grp["value"],
                name=str(cat),
                legendgroup=str(era),
                legendgrouptitle_text=ERA_LABELS.get(str(era), str(era)),
                hovertemplate="%{x}年 " + str(cat) + "：%{y:,}件<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    _format_marker(fig, df["year"])
    _year_axis(fig, df["year"])
    _unit_label(fig, "件")
    return _layout(fig, "办理结果构成（2019年前为旧统计表的答复类别，口径不同）")


def applicant_bars(df: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for label, grp in df.groupby("label", sort=False):
        fig.add_trace(go.Bar(x=grp["year"], y=grp["value"], name=str(label)))
    fig.update_layout(barmode="stack")
    _year_axis(fig, df["year"])
    _unit_label(fig, "件")
    return _layout(fig, "申请人构成（本年新收申请，2019年起）")


def disputes_chart(df: pd.DataFrame) -> go.Figure:
    """Cases per year (bars) and 纠错率 (lines, right axis)."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    years = _year_range(df["year"])
    for kind, grp in df.groupby("kind", sort=False):
        fig.add_trace(
            go.Bar(
                x=grp["year"],
                y=grp["total"],
                name=f"{kind}（件）",
            ),
            secondary_y=False,
        )
        line = _all_years(grp, years, {"kind": kind, "total": float("nan"), "rate": float("nan")})
        fig.add_trace(
            go.Scatter(
                x=line["year"],
                y=line["rate"],
                name=f"{kind}纠错率",
                mode="lines+markers",
                connectgaps=False,
            ),
            secondary_y=True,
        )
    _format_marker(fig, df["year"])
    _year_axis(fig, df["year"])
    fig.update_yaxes(tickformat=".0%", secondary_y=True, rangemode="tozero")
    _unit_label(fig, "件")
    _axis_note(fig, "纠错率", right=True)
    return _layout(fig, "行政复议与行政诉讼")


def staffing_chart(df: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """Staff and funding over years; dashed lines come from the narrative (正文)."""
    fig = go.Figure()
    years = _year_range(df["year"])
    for (metric, source), grp in df.groupby(["metric", "source"], sort=True):
        src = SOURCE_LABELS.get(str(source), str(source))
        grp = _all_years(grp, years, {"metric": metric, "source": source, "value": float("nan")})
        fig.add_trace(
            go.Scatter(
                x=grp["year"],
                y=grp["value"],
                mode="lines+markers",
                name=f"{labels.get(str(metric), str(metric))}（{src}）",
                line_dash="dash" if source == "text" else "solid",
                connectgaps=False,
            )
        )
    _format_marker(fig, df["year"])
    _year_axis(fig, df["year"])
    return _layout(fig, "人员与经费（来源：统计表 / 正文）")


def ranking_bars(df: pd.DataFrame, key: str, label: str, unit: str = "") -> go.Figure:
    """Horizontal bars sorted by value; bodies without a value are left out (see the table)."""
    d = df[pd.to_numeric(df[key], errors="coerce").notna()].sort_values(key, ascending=True)
    ids = [_first_id(i) for i in d["report_ids"]]
    is_rate = unit == "%"
    fig = go.Figure(
        go.Bar(
            x=d[key],
            y=_plain_all(d["issuer_key"]),
            orientation="h",
            customdata=ids,
            text=[f"{v:.1%}" if is_rate else f"{v:,.0f}" for v in d[key]],
            textposition="auto",
            hovertemplate="%{y}：%{text}<extra></extra>",
        )
    )
    fig.update_yaxes(title="")
    fig.update_xaxes(title=label, tickformat=".0%" if is_rate else None)
    n_left = len(df) - len(d)
    title = f"{label}排序" + (f"（{n_left} 个主体缺失，未画出）" if n_left else "")
    return _layout(fig, title, height=max(300, 28 * len(d) + 80))


def metrics_heatmap(
    raw: pd.DataFrame,
    norm: pd.DataFrame,
    keys: list[str],
    labels: dict[str, str],
    text: list[list[str]] | None = None,
) -> go.Figure:
    """Bodies × metrics, colour = value scaled per metric; hover shows the raw value.

    A missing value is a gap (grey background), never a 0-coloured cell.
    ``text`` (rows × keys) replaces the cell texts, e.g. 无法计算 for a rate over 0.
    """
    bodies = _plain_all(raw["issuer_key"])
    z = norm[keys].to_numpy(dtype=float)
    text = text or [
        [
            "缺失" if pd.isna(v) else (f"{v:.1%}" if k.endswith(("rate", "share")) else f"{v:,.0f}")
            for k, v in zip(keys, row, strict=True)
        ]
        for row in raw[keys].to_numpy(dtype=float)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[labels.get(k, k) for k in keys],
            y=bodies,
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x}：%{text}<extra></extra>",
            colorscale="Blues",
            showscale=False,
            hoverongaps=True,
            xgap=1,
            ygap=1,
        )
    )
    fig.update_layout(plot_bgcolor=MISSING_BG)
    fig.update_yaxes(autorange="reversed", title="")
    return _layout(
        fig, "主体 × 指标（按指标归一化，灰色 = 缺失）", height=max(300, 26 * len(bodies) + 120)
    )
