"""指标说明: every metric of the 指标目录 and every series of the 跨年度对照表, in the
words of the official tables — label, unit, where it is printed, which formats have
it, and whether a series is comparable across 2019.

Counts come from the pre-summed rollup (queries.facts.metric_counts), so the page
does not scan the fact table. Per-series report counts were dropped: a series
such as 不予公开 adds up several rows, and the number of reports having any of
them is a distinct count over millions of facts (3–16 s at 100k reports) that
the per-metric counts below already say well enough.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from loaders.catalog import metrics as catalog
from nianbao import ui
from nianbao.labels import FORMAT_LABELS
from nianbao.queries import facts as fq
from nianbao.series import era_description, metric_label, series_catalog

ui.setup_page("指标说明")

# Where a metric is printed, as the report itself names the table.
TABLE_NAMES = {
    "A": "主动公开政府信息情况表",
    "B": "收到和处理政府信息公开申请情况表",
    "C": "行政复议、行政诉讼情况表",
    "统计表": "旧统计表（2019年以前）",
    "text": "报告正文",
}
FORMAT_ORDER = ("legacy", "gov2019", "gov2021", "narrative")
COMPARABLE = {
    "yes": "可比",
    "approx": "近似可比",
    "text-only after 2019": "2019年后仅见于正文",
}
# The catalog's notes are written for developers (in English); these are the same
# notes for readers. A note not listed here is shown only if it has no Latin words.
NOTES = {
    "2019 trial format: one row": "2019格式（试行）中只有一行",
    "the total of 三、本年度办理结果": "三、本年度办理结果的合计",
    "may be negative or written with a sign": "可能为负数，或带正负号填写",
    "money: value in 万元": "金额，以万元计",
    (
        "money: value in 万元; the unit written in the cell or header wins "
        "(e.g. 251000元 = 25.1 万元)"
    ): "金额，以万元计；表格或表头写明单位的，按所写单位换算（如 251000元 = 25.1 万元）",
    "older local tables: 申请总数": "较早的地方统计表写作“申请总数”",
    "older local tables: 网上申请数": "较早的地方统计表写作“网上申请数”",
    "older local tables: 对申请的答复总数": "较早的地方统计表写作“对申请的答复总数”",
    "older local tables only": "仅见于较早的地方统计表",
    "Fujian local tables (2008–2016)": "福建地方统计表（2008–2016年）",
    "Fujian local tables": "福建地方统计表",
    "Fujian local tables give it in 元; stored in 万元": "福建地方统计表以元填报，已换算为万元",
    "older Fujian form": "福建较早的统计表样式",
    "stated in the narrative": "取自报告正文",
    "stated in the narrative; source text with the sentence as evidence": (
        "取自报告正文，并保留原句作为依据"
    ),
    "stated in the narrative in 元; stored in 万元": "正文以元说明，已换算为万元",
}
_NOT_SAME = re.compile(r"^not the same measure as ([a-z0-9_.]+)$")


def _note(note: str) -> str:
    if note in NOTES:
        return NOTES[note]
    m = _NOT_SAME.match(note)
    if m and m[1] in catalog():
        return f"与“{metric_label(m[1])}”不是同一口径"
    return "" if re.search(r"[A-Za-z]{2,}", note) else note


def _formats(formats: tuple[str, ...]) -> str:
    ordered = sorted(set(formats), key=lambda f: FORMAT_ORDER.index(f) if f in FORMAT_ORDER else 9)
    return "、".join(FORMAT_LABELS.get(f, f) for f in ordered)


def metric_table(counts: pd.DataFrame) -> pd.DataFrame:
    by_code = counts.set_index("metric") if len(counts) else None
    rows = []
    for code, m in catalog().items():
        c = by_code.loc[code] if by_code is not None and code in by_code.index else None
        rows.append(
            {
                "官方名称": metric_label(code),
                "单位": m.unit,
                "所在表格": TABLE_NAMES.get(m.table, m.table),
                "适用格式": _formats(m.formats),
                "上级项目": metric_label(m.parent) if m.parent in catalog() else "",
                "按申请人分列": "是" if m.has_applicant else "",
                "说明": _note(m.note),
                "报告数": int(c["reports"]) if c is not None else 0,
                "数字个数": int(c["facts"]) if c is not None else 0,
                "指标代码": code,
            }
        )
    return pd.DataFrame(rows)


def series_table() -> pd.DataFrame:
    rows = []
    for key, s in series_catalog().items():
        before, after = s.eras[0], s.eras[-1]
        formats = [f for era in s.eras if era.terms for f in era.formats]
        rows.append(
            {
                "系列": s.name,
                "单位": s.unit,
                "2019年以前（旧统计表）": era_description(before),
                "2019年以后": era_description(after),
                "跨时期可比性": COMPARABLE.get(s.comparable, s.comparable),
                "说明": _note(s.note),
                "适用格式": _formats(tuple(formats)),
                "系列代码": key,
            }
        )
    return pd.DataFrame(rows)


st.markdown(
    "报告中的每个数字都对应**指标目录**中的一个指标，名称与官方表格的行名一致。"
    "2019 年前后的统计表口径不同；跨时期的趋势使用**跨年度对照表**中的系列，"
    "并注明两个时期是否可比。"
)
show_codes = st.toggle("显示指标代码（用于对照导出的数据）", value=False)

try:
    synthetic = ui.include_synthetic()  # ?synthetic=1: count generated benchmark data too
    counts = ui.query(fq.metric_counts, synthetic)
except Exception as exc:  # the database cannot be read: say what to do
    ui.error_box(exc)
    st.stop()

st.header("跨时期系列")
st.caption(
    "“可比”：2019 年前后口径相同；“近似可比”：口径接近但不完全相同（见说明）；"
    "“2019年后仅见于正文”：2019 年后的统计表不再有该项，只能从报告正文中读取。"
    "各系列所含指标有多少份报告填报，见下方“全部指标”。"
)
series = series_table()
st.dataframe(
    series if show_codes else series.drop(columns=["系列代码"]),
    hide_index=True,
    width="stretch",
    placeholder="",
)

st.header("全部指标")
metrics = metric_table(counts)
tables = ["全部", *[t for t in TABLE_NAMES.values() if t in set(metrics["所在表格"])]]
table = st.radio("所在表格", tables, horizontal=True)
search = st.text_input("按名称查找" + ("或代码" if show_codes else ""), "")
shown = metrics if table == "全部" else metrics[metrics["所在表格"] == table]
if search.strip():
    needle = search.strip()
    mask = shown["官方名称"].str.contains(needle, case=False, regex=False)
    if show_codes:
        mask |= shown["指标代码"].str.contains(needle, case=False, regex=False)
    shown = shown[mask]
st.caption(
    f"{len(shown)} 个指标；其中 {int((shown['报告数'] > 0).sum())} 个在数据库中有数据。"
    "“报告数”是含有该指标的报告份数（被新版本取代的旧版本也计入），"
    "“数字个数”是数据库中该指标的数字个数（空白格也计入）。"
)
st.dataframe(
    shown if show_codes else shown.drop(columns=["指标代码"]),
    hide_index=True,
    width="stretch",
    placeholder="",
)
