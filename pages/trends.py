"""趋势: any metric or cross-era series over years, and the breakdowns behind it."""

from __future__ import annotations

import streamlit as st

from loaders.catalog import metrics
from nianbao import charts, ui
from nianbao.queries import common, trends
from nianbao.series import SOURCE_LABELS, measure, measure_options

ui.setup_page("趋势")

COMPARABLE = {
    "yes": "可比",
    "approx": "近似可比（口径略有不同）",
    "text-only after 2019": "2019年起仅见于正文",
}


def _counts_table(df, value_label: str):  # type: ignore[no-untyped-def]
    return df.drop(columns=["report_ids"], errors="ignore").rename(
        columns={
            "group": "主体 / 地区",
            "year": "年份",
            "value": value_label,
            "n_reports": "报告数",
            "n_missing": "缺失数",
            "category": "类别",
            "era": "时期",
            "label": "申请人",
            "kind": "类型",
            "total": "总数",
            "corrected": "纠错",
            "rate": "纠错率",
        }
    )


try:
    region_df = ui.query(common.regions, ui.include_synthetic())
except Exception as exc:
    ui.error_box(exc)
    st.stop()

options = measure_options()
with st.sidebar:
    base = ui.scope_filters(region_df)
    body_df = ui.query(common.bodies, base)
    chosen = ui.url_multiselect("主体（每个主体一条线）", list(body_df["issuer_key"]), "bodies")
    region_names = dict(zip(region_df["id"], region_df["path"], strict=True))
    chosen_regions = ui.url_multiselect(
        "地区对比（每个地区一条线，含下级）",
        [int(i) for i in region_df["id"]],
        "regions",
        format_func=lambda i: region_names.get(i, str(i)),
    )
    key = ui.url_selectbox(
        "指标或序列",
        list(options),
        "metric",
        default="requests_received",
        format_func=lambda k: options[k],
    )

f = base.with_(bodies=tuple(chosen))
m = measure(key)
group_by = "body" if chosen else "all"

st.subheader(m.name)
if m.kind == "series":
    st.caption(
        f"跨时期序列：2019年前 = {m.eras[0].expression}；2019年起 = {m.eras[1].expression}；"
        f"可比性：{COMPARABLE.get(m.comparable, m.comparable)}"
        + (f"（{m.note}）" if m.note else "")
    )
else:
    st.caption(f"指标代码 {m.key}，单位 {m.unit}，适用格式：{'、'.join(m.eras[0].formats)}")

if chosen_regions and not chosen:
    line = ui.query(trends.series_by_region, base, key, tuple(chosen_regions))
else:
    line = ui.query(trends.series_by_year, f, key, group_by)
    if not chosen:
        st.caption("未选择主体：所选范围内全部报告合计为一条线。")
if line.empty:
    st.info("所选范围内没有这一指标的数据。")
else:
    n_missing = int(line["n_missing"].sum())
    if n_missing:
        st.warning(f"有 {n_missing} 份报告的这一数值为空白（未计为0，图中断开）。")
    picked = ui.chart(
        charts.trend_lines(line, m.name, m.unit),
        _counts_table(line, m.name),
        key="trend_line",
    )
    if picked:
        ui.report_link(int(picked[0]), "打开所选报告")
    ui.reports_behind([i for t in line["report_ids"] for i in t], key="trend_pick")

# One breakdown at a time (bound to ?view=…): each is a query over every
# report in scope, and only the one looked at should cost time.
VIEWS = {
    "outcomes": "办理结果构成",
    "applicants": "申请人构成",
    "disputes": "复议与诉讼",
    "staff": "人员与经费",
}
st.divider()
st.caption(
    "以下分项为"
    + (f"所选 {len(chosen)} 个主体" if chosen else "左侧所选范围内全部报告")
    + "的合计；空白值不计为0，表中列出缺失数。"
)
view = ui.url_selectbox(
    "分项",
    list(VIEWS),
    "view",
    default="outcomes",
    format_func=VIEWS.get,
    widget=st.radio,
    horizontal=True,
    label_visibility="collapsed",
)
if view == "outcomes":
    comp = ui.query(trends.outcome_composition, f)
    if comp.empty:
        st.info("没有办理结果数据。")
    else:
        st.caption(
            "2019年前的旧统计表统计的是“答复”类别，与2019年起的“办理结果”口径不同，分开列出。"
        )
        ui.chart(
            charts.composition_bars(comp),
            _counts_table(comp.drop(columns=["order"]), "件数"),
            key="composition",
        )
elif view == "applicants":
    mix = ui.query(trends.applicant_mix, f)
    if mix.empty:
        st.info("没有申请人构成数据（2019年起的表格才有）。")
    else:
        ui.chart(
            charts.applicant_bars(mix),
            _counts_table(mix.drop(columns=["applicant"]), "件数"),
            key="applicants",
        )
elif view == "disputes":
    disp = ui.query(trends.disputes, f)
    if disp.empty:
        st.info("没有行政复议、行政诉讼数据。")
    else:
        ui.chart(charts.disputes_chart(disp), _counts_table(disp, "件数"), key="disputes")
else:
    staff = ui.query(trends.staffing_funding, f)
    if staff.empty:
        st.info("没有人员、经费数据（2019年前的统计表或正文中的数字）。")
    else:
        cat = metrics()
        labels = {c: cat[c].label if c in cat else c for c in staff["metric"].unique()}
        table = staff.assign(
            指标=staff["metric"].map(labels), 来源=staff["source"].map(SOURCE_LABELS)
        ).drop(columns=["metric", "source"])
        ui.chart(
            charts.staffing_chart(staff, labels),
            _counts_table(table, "数值"),
            key="staffing",
        )
