"""对比: several bodies in one year (bars, ranking, heatmap) and two reports side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nianbao import charts, ui
from nianbao.queries import common, compare

ui.setup_page("对比")

MAX_DRAWN = 40  # bars / heatmap rows drawn; the table always has every body
HEATMAP_KEYS = [
    "requests_received",
    "requests_closed",
    "disclosed",
    "withheld",
    "unavailable",
    "reviews",
    "lawsuits",
    "disclosure_rate",
    "carry_over_share",
]
# Rates sit beside the counts they are made of.
TABLE_ORDER = [
    "requests_received",
    "requests.carried_over",
    "requests_closed",
    "disclosed",
    "partially_disclosed",
    "disclosure_rate",
    "withheld",
    "unavailable",
    "requests.carried_forward",
    "carry_over_share",
    "reviews",
    "reviews_corrected",
    "review_correction_rate",
    "lawsuits",
    "lawsuits_corrected",
    "litigation_correction_rate",
]


def ranking_table(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """Sorted by ``key`` (missing last), with a rank, rates as percentages."""
    d = df.sort_values(key, ascending=False, na_position="last").reset_index(drop=True)
    out = pd.DataFrame({"排名": range(1, len(d) + 1), "主体": d["issuer_key"]})
    out["范围"] = d["scope"].map(common.SCOPE_LABELS).fillna(d["scope"])
    for k in TABLE_ORDER:
        v = d[k] * 100 if k in compare.RATES else d[k]
        out[compare.measure_label(k)] = v
    out["报告数"] = d["n_reports"]
    out["空白值"] = d["n_missing"]
    out.loc[d[key].isna(), "排名"] = None
    return out


def _num(v: float) -> str:
    return "" if pd.isna(v) else f"{v:.10g}"


def styled(table: pd.DataFrame):  # type: ignore[no-untyped-def]
    """Blank cells for missing values (never 0 or 'None'); rates as percentages.

    Styling is per cell in Python: a very long table is passed through as is
    (missing values then read 'None', still never 0).
    """
    if len(table) > 300:
        return table
    rates = [c for c in compare.RATES.values() if c in table]
    counts = [c for c in table.columns if c not in rates and table[c].dtype.kind in "fi"]
    return table.style.format(_num, subset=counts).format(
        lambda v: "" if pd.isna(v) else f"{v:.1f}%", subset=rates
    )


try:
    region_df = ui.query(common.regions, ui.include_synthetic())
except Exception as exc:
    ui.error_box(exc)
    st.stop()

metric_keys = [*compare.COMPARE_MEASURES, *compare.RATES]
with st.sidebar:
    base = ui.scope_filters(region_df)
    years = ui.query(common.years, base)
    if not years:
        st.info("所选范围内没有报告。")
        st.stop()
    year = ui.url_selectbox("年份", years[::-1], "year", default=max(years))
    body_df = ui.query(common.bodies, base.with_(year=year))
    chosen = ui.url_multiselect("主体（不选 = 范围内全部）", list(body_df["issuer_key"]), "bodies")
    key = ui.url_selectbox(
        "排序指标",
        metric_keys,
        "metric",
        default="requests_received",
        format_func=compare.measure_label,
    )

f = base.with_(year=year, bodies=tuple(chosen))
data = ui.query(compare.compare_bodies, f)
st.subheader(f"{year}年 · {compare.measure_label(key)}")
if data.empty:
    st.info("所选主体在这一年没有数据。")
else:
    st.caption(
        f"{len(data)} 个主体，{int(data['n_reports'].sum())} 份报告；"
        "比率只在分母已知且不为0时计算，空白值不计为0。"
    )
    drawn = data.sort_values(key, ascending=False, na_position="last").head(MAX_DRAWN)
    if len(data) > MAX_DRAWN:
        st.caption(f"图中画出前 {MAX_DRAWN} 个主体；排名表包含全部。")
    unit = "%" if key in compare.RATES else ""
    table = ranking_table(data, key)
    picked = ui.chart(
        charts.ranking_bars(drawn, key, compare.measure_label(key), unit),
        table,
        key="ranking",
    )
    if picked:
        ui.report_link(int(picked[0]), "打开所选报告")

    st.markdown("**排名表**")
    ui.show_table(styled(table))
    ui.reports_behind([i for t in data["report_ids"] for i in t], key="rank_pick")

    st.markdown("**主体 × 指标**")
    norm = compare.normalise(drawn, HEATMAP_KEYS)
    labels = {k: compare.measure_label(k) for k in HEATMAP_KEYS}
    ui.chart(
        charts.metrics_heatmap(drawn, norm, HEATMAP_KEYS, labels),
        ranking_table(drawn, key),
        key="heatmap",
    )

st.subheader("两份报告并排")
# Chosen bodies: their reports of every year (e.g. one body 2023 vs 2024);
# otherwise the reports of the chosen year.
reps = ui.query(
    common.reports, base.with_(bodies=tuple(chosen)) if chosen else base.with_(year=year)
)
if len(reps) < 2:
    st.info("所选范围内不足两份报告。")
else:
    names = {int(r.id): f"{r.issuer_key} · {r.year}" for r in reps.itertuples()}
    ids = list(names)
    # By default the two highest-ranked bodies of the chosen year.
    top = [i for t in drawn["report_ids"] for i in t[:1]] if not data.empty else []
    top = [i for i in top if i in names] + [i for i in ids if i not in top]
    left, right = st.columns(2)
    with left:
        a = ui.url_selectbox("报告 A", ids, "a", default=top[0], format_func=names.get)
        ui.report_link(a, names[a])
    with right:
        b = ui.url_selectbox("报告 B", ids, "b", default=top[1], format_func=names.get)
        ui.report_link(b, names[b])
    pair = ui.query(compare.report_pair, a, b)
    if pair.empty:
        st.info("这两份报告没有统计数据。")
    else:
        n_diff = int(pair["differs"].sum())
        st.caption(f"{len(pair)} 项，其中 {n_diff} 项不同（黄色）；空白 = 该报告此项为空或没有。")
        shown = pair.rename(
            columns={
                "label": "项目",
                "metric": "代码",
                "value_a": "报告 A",
                "value_b": "报告 B",
                "diff": "差值（B−A）",
            }
        )[["项目", "代码", "报告 A", "报告 B", "差值（B−A）", "differs"]]

        def _highlight(row: pd.Series) -> list[str]:
            style = "background-color: #fff3b0" if row["differs"] else ""
            return [style] * len(row)

        ui.show_table(
            shown.style.apply(_highlight, axis=1).format(
                _num, subset=["报告 A", "报告 B", "差值（B−A）"]
            ),
            hide_index=True,
            column_order=["项目", "代码", "报告 A", "报告 B", "差值（B−A）"],
        )
