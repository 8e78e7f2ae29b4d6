"""趋势: any metric or cross-era series over years, and the breakdowns behind it."""

from __future__ import annotations

import streamlit as st

from loaders.catalog import metrics
from nianbao import charts, ui
from nianbao.labels import FORMAT_LABELS, SCOPE_LABELS
from nianbao.queries import common, trends
from nianbao.queries.compare import RATE_PARTS, RATES
from nianbao.series import (
    ERA_LABELS,
    SOURCE_LABELS,
    era_description,
    measure,
    measure_options,
)

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
            "n_uncertain": "其中存疑",
            "note": "说明",
        }
    )


def _year_runs(years: list[int]) -> str:
    """2009、2010、2011、2016 -> '2009–2011、2016年'."""
    runs: list[list[int]] = []
    for y in sorted(int(v) for v in years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return "、".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs) + "年"


try:
    region_df = ui.query(common.regions, ui.include_synthetic())
except Exception as exc:
    ui.error_box(exc)
    st.stop()

options = {
    **{k: f"{v}（比率）" for k, v in RATES.items()},
    **measure_options(),
}
with st.sidebar:
    place = ui.scope_filters(region_df, with_scope=False)
    scope = ui.total_scope()
    body_df = ui.query(common.bodies, place)
    body_scope = dict(zip(body_df["issuer_key"], body_df["scope"], strict=True))
    chosen = ui.url_multiselect(
        "主体（每个主体一条线）",
        list(body_df["issuer_key"]),
        "bodies",
        format_func=lambda b: f"{b}（{SCOPE_LABELS.get(body_scope.get(b), '')}）",
    )
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

scoped = place.with_(scope=None if scope == "all" else scope)
f = place.with_(bodies=tuple(chosen)) if chosen else scoped
group_by = "body" if chosen else "all"

if key in RATES:
    name, unit = RATES[key], "%"
    num, den = RATE_PARTS[key]
    st.subheader(name)
    st.caption(
        f"{name} = （{'＋'.join(measure(k).name for k in num)}）÷"
        f"（{'＋'.join(measure(k).name for k in den)}），"
        "只用各项都有数值的报告合计后计算；分母为0时无法计算（缺失）。"
    )
else:
    m = measure(key)
    name, unit = m.name, m.unit
    st.subheader(m.name)
    if m.kind == "series":
        st.caption(
            f"跨时期序列：2019年前 = 旧统计表{era_description(m.eras[0])}；"
            f"2019年起 = 新表格{era_description(m.eras[1])}；"
            f"可比性：{COMPARABLE.get(m.comparable, m.comparable)}"
            + (f"（{m.note}）" if m.note else "")
        )
    else:
        formats = "、".join(FORMAT_LABELS.get(x, x) for x in m.eras[0].formats)
        st.caption(f"表中的行：{era_description(m.eras[0])}，单位 {m.unit}，适用格式：{formats}")

if chosen_regions and not chosen:
    line = ui.query(trends.series_by_region, scoped, key, tuple(chosen_regions))
else:
    line = ui.query(trends.series_by_year, f, key, group_by)
    if not chosen:
        st.caption(
            "未选择主体："
            + (
                f"所选地区的{common.SCOPE_TOTAL_LABELS[scope]}一条线。"
                if scope != "all"
                else "每个范围一条线。"
            )
        )
if not chosen:
    st.info(
        ("每个范围一条线，不相加。" if scope == "all" else "")
        + "不同范围的报告不相加（政府的年报往往已汇总所属部门和乡镇街道的数字）；"
        + common.GAP_NOTE
    )
if line.empty:
    st.info("所选范围内没有这一指标的数据。")
else:
    gaps = line[line["note"] == "该年没有可用的报告"]
    n_missing = int(line["n_missing"].sum())
    n_uncertain = int(line["n_uncertain"].sum())
    if n_missing - n_uncertain:
        st.warning(
            f"有 {n_missing - n_uncertain} 份报告的这一数值为空白或未填（未计为0，图中断开）。"
        )
    if n_uncertain:
        st.warning(
            f"有 {n_uncertain} 份报告的这一数值无法确定：原文数字连写、无法唯一拆分"
            "（未计入，不是空白）；可在报告详情中查看原文。"
        )
    if not gaps.empty:
        listed = "；".join(
            f"{g}：{_year_runs(list(grp['year']))}" for g, grp in gaps.groupby("group", sort=False)
        )
        st.caption(f"没有可用报告的年份（图中断开）：{listed}")
    picked = ui.chart(
        charts.trend_lines(line, name, unit),
        _counts_table(line, f"{name}（{unit}）" if unit == "%" else name),
        key="trend_line",
    )
    if picked:
        ui.report_link(int(picked[0]), "打开所选报告")
    if not chosen and scope in ("government", "all"):
        # A 政府 point that adds two 政府 reports of one region (平潭 2011–2013:
        # 县政府 and 实验区) may count twice: say which years and reports.
        places = [scoped.with_(region_id=r) for r in chosen_regions] or [scoped]
        shown_years = set(line["year"])
        notes, n_more = [], 0
        for fp in places:
            n_pairs, shared = ui.query(common.shared_region_reports, fp.with_(scope="government"))
            n_more += n_pairs - len(shared[["region_id", "year"]].drop_duplicates())
            shared = shared[shared["year"].isin(shown_years)]
            found = common.shared_region_notes(shared, "government", fp.region_id)
            notes += [x for x in found if x not in notes]
        if notes:
            st.warning("政府合计可能重复计算的年份：  \n" + "  \n".join(notes))
        if n_more:
            st.caption(f"另有 {n_more} 个地区年份有多份政府年报，未逐一列出。")
    n, ids = ui.query(common.report_ids, f)
    if ids:
        ui.reports_behind(list(ids), key="trend_pick")
    elif n:
        st.caption(f"这一图表背后有 {n} 份报告；选择主体或地区后可在此打开单份报告。")

# One breakdown at a time (bound to ?view=…): each is a query over every
# report in scope, and only the one looked at should cost time.
VIEWS = {
    "outcomes": "办理结果构成",
    "applicants": "申请人构成",
    "disputes": "复议与诉讼",
    "staff": "人员与经费",
}
st.divider()
# The breakdowns are sums too: over one scope only.
if chosen:
    here = {body_scope.get(b) for b in chosen}
    scopes_here = [x for x in SCOPE_LABELS if x in here]
else:
    scopes_here = [scope] if scope != "all" else list(SCOPE_LABELS)
if len(scopes_here) > 1:
    bscope = st.radio(
        "分项所用的范围（不同范围不相加）",
        scopes_here,
        format_func=lambda x: common.SCOPE_TOTAL_LABELS.get(x, x),
        horizontal=True,
        key="breakdown_scope",
    )
else:
    bscope = scopes_here[0] if scopes_here else None
if chosen:
    picked_bodies = tuple(b for b in chosen if body_scope.get(b) == bscope)
    bf = place.with_(bodies=picked_bodies)
    who = f"所选主体中的 {len(picked_bodies)} 个{SCOPE_LABELS.get(bscope or '', '')}主体"
else:
    bf = place.with_(scope=bscope)
    who = f"所选地区的{common.SCOPE_TOTAL_LABELS.get(bscope or '', '')}"
st.caption(f"以下分项为{who}的合计；空白值不计为0，表中列出缺失数。")
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
    comp = ui.query(trends.outcome_composition, bf)
    if comp.empty:
        st.info("没有办理结果数据。")
    else:
        st.caption(
            "2019年前的旧统计表统计的是“答复”类别，与2019年起的“办理结果”口径不同，分开列出。"
        )
        ui.chart(
            charts.composition_bars(comp),
            _counts_table(
                comp.drop(columns=["order"]).assign(era=comp["era"].map(ERA_LABELS)), "件数"
            ),
            key="composition",
        )
elif view == "applicants":
    mix = ui.query(trends.applicant_mix, bf)
    if mix.empty:
        st.info("没有申请人构成数据（2019年起的表格才有）。")
    else:
        ui.chart(
            charts.applicant_bars(mix),
            _counts_table(mix.drop(columns=["applicant"]), "件数"),
            key="applicants",
        )
elif view == "disputes":
    disp = ui.query(trends.disputes, bf)
    if disp.empty:
        st.info("没有行政复议、行政诉讼数据。")
    else:
        ui.chart(charts.disputes_chart(disp), _counts_table(disp, "件数"), key="disputes")
else:
    staff = ui.query(trends.staffing_funding, bf)
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
