"""指标说明: every metric and cross-era series, its official label, unit, formats,
comparability across eras, and how many facts of it the database holds."""

from __future__ import annotations

import streamlit as st

from nianbao import ui
from nianbao.queries import facts as fq

ui.setup_page("指标说明")

TABLE_NAMES = {
    "A": "表一 主动公开",
    "B": "表二 依申请",
    "C": "表三 复议诉讼",
    "统计表": "2019年以前统计表",
    "text": "正文中的数字",
}


st.markdown(
    "报告中的每个数字都对应一个**指标代码**（`loaders/metrics.csv`）。"
    "2019 年前后的统计表口径不同，跨时期的趋势使用**系列**（`loaders/series.csv`），"
    "并注明是否可比。“事实数”是数据库中该指标的数字个数（空白格也计入），"
    "“报告数”是含有该指标的报告份数。"
)

try:
    synthetic = ui.include_synthetic()  # ?synthetic=1: count generated benchmark data too
    metrics = ui.query(fq.metric_catalog, synthetic)
    series = ui.query(fq.series_catalog, synthetic)
except Exception as exc:  # the database cannot be read: say what to do
    ui.error_box(exc)
    st.stop()

st.header("跨时期系列")
st.caption(
    "“可比”：2019 年前后口径相同；“近似可比”：口径接近但不完全相同（见说明）；"
    "“2019年后仅见于正文”：2019 年后的统计表不再有该项，只能从正文中读取。"
)
st.dataframe(series, hide_index=True, width="stretch", placeholder="")

st.header("全部指标")
tables = ["全部", *sorted(set(metrics["表"]) - {""})]
table = st.radio(
    "统计表",
    tables,
    horizontal=True,
    format_func=lambda t: {"A": "表一 主动公开", "B": "表二 依申请", "C": "表三 复议诉讼"}.get(
        t, t
    ),
)
search = st.text_input("按代码或名称查找", "")
shown = metrics if table == "全部" else metrics[metrics["表"] == table]
if search.strip():
    needle = search.strip()
    mask = shown["代码"].str.contains(needle, case=False, regex=False) | shown[
        "官方名称"
    ].str.contains(needle, case=False, regex=False)
    shown = shown[mask]
st.caption(f"{len(shown)} 个指标；其中 {int((shown['事实数'] > 0).sum())} 个在数据库中有数据。")
st.dataframe(shown, hide_index=True, width="stretch", placeholder="")
