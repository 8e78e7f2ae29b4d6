"""评估: scorecards per report, adjustable indicator weights, ranking and 问题清单.

The results are those stored by ``nianbao evaluate`` (evaluation_result) and
the table rules stored at ingest (check_result); when they are stale (new
reports, changed rules) the page says so and can re-run the evaluation.
Every table shown is exactly what the Excel export writes.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nianbao import ui
from nianbao.export_eval import workbook_bytes
from nianbao.queries import common
from nianbao.queries import evaluation as ev

ui.setup_page("评估")

METHOD_NOTE = """
**默认指标体系（参照中国社会科学院政府透明度指数等第三方评估的做法）**：
按时发布（15）、逐年发布（5）、格式规范（10）、要素齐全（15）、数据准确（25）、
前后衔接（10）、内容不雷同（15）、数据可信（5）。每条规则的结果计分：通过 1、无法判断 0.5、
不通过 0；一个指标的得分是其规则结果的平均，总分按权重加权（0–100）。没有任何结果的指标
记为「不适用」，其权重由其余指标分摊（例如 2019 年以前的报告没有表三）。
机器只做评估中可机械核对的部分并给出证据，判断仍由评估者作出。
"""


def _evaluation_box() -> None:
    """Whether the stored results are current; a button re-runs them."""
    state = ui.query(ev.evaluation_state)
    if state["evaluated"] and not state["stale"]:
        st.caption(
            f"评估结果：规则版本 {state['stored_version']}，{state['evaluated_at']} 评估了 "
            f"{state['n_reports']} 份报告。"
        )
        return
    if state["evaluated"]:
        st.warning(
            "评估结果已过期（规则已更新，或此后导入了报告）。表格规则（B/C/P）已是最新；"
            "按时发布、要素齐全、前后衔接、雷同等评估规则请重新运行。"
        )
    else:
        st.warning("尚未运行评估：下表只含入库时的表格规则（B/C/P）。请点下面的按钮运行评估。")
    if st.button("重新评估全部报告", key="rerun_evaluation"):
        from nianbao.evaluation_store import evaluate_stale

        with st.spinner("正在评估…"):
            summary = evaluate_stale(ui.get_engine())
        ui.clear_cache()
        st.success("；".join(summary.lines()))


def _weights(engine_profiles: dict[str, ev.Weights]) -> tuple[str, ev.Weights]:
    """The weight profile chosen in the sidebar, adjusted by the number inputs."""
    info = ev.indicator_info()
    names = list(engine_profiles)
    pending = st.session_state.pop("_saved_profile", None)
    if pending in names:  # just saved: select it (before the widget exists)
        st.session_state["profile"] = pending
    profile = st.selectbox("权重方案", names, key="profile")
    if pending:
        st.success(f"已保存方案「{pending}」")
    base = dict(engine_profiles[profile])
    weights: list[tuple[str, float]] = []
    with st.expander("指标权重（可调整）", expanded=False):
        for row in info.itertuples():
            w = st.number_input(
                f"{row.指标}（{row.规则}）",
                min_value=0.0,
                max_value=100.0,
                value=float(base.get(row.key, row.默认权重)),
                step=1.0,
                key=f"w::{profile}::{row.key}",
                help=row.依据,
            )
            weights.append((row.key, float(w)))
        name = st.text_input("保存为方案（名称）", key="profile_name")
        if st.button("保存方案", key="save_profile"):
            try:
                ev.save_profile(ui.get_engine(), name, tuple(weights))
            except ValueError as e:
                st.error(str(e))
            else:
                ui.clear_cache()
                st.session_state["_saved_profile"] = name.strip()
                st.rerun()
    return profile, tuple(weights)


def _link_config() -> dict[str, object]:
    return {
        "报告页": st.column_config.LinkColumn("报告页", display_text="打开"),
        "总分": st.column_config.NumberColumn("总分", format="%.1f"),
    }


def _with_links(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.insert(1, "报告页", [f"/report?id={int(i)}" for i in out["report_id"]])
    return out


try:
    region_df = ui.query(common.regions, ui.include_synthetic())
    profiles = ui.query(ev.profiles)
except Exception as exc:
    ui.error_box(exc)
    st.stop()

with st.sidebar:
    base = ui.scope_filters(region_df)
    years = ui.query(common.years, base)
    if not years:
        st.info("所选范围内没有报告。")
        st.stop()
    year = ui.url_selectbox(
        "年份",
        [0, *years[::-1]],
        "year",
        default=max(years),
        format_func=lambda y: "全部年份" if not y else f"{y}年",
    )
    f = base.with_(year=year or None)
    body_df = ui.query(common.bodies, f)
    chosen = ui.url_multiselect("主体（不选 = 范围内全部）", list(body_df["issuer_key"]), "bodies")
    f = f.with_(bodies=tuple(chosen))
    profile, weights = _weights(profiles)
    min_rules = st.number_input(
        "排名最少规则数（样本量）",
        min_value=0,
        max_value=100,
        value=ev.DEFAULT_MIN_RULES,
        step=1,
        key="min_rules",
        help="有结果的规则少于此数的报告不参加排名（其得分依据太少）。",
    )

try:
    _evaluation_box()
    wb = ui.query(ev.workbench, f, weights)
except Exception as exc:
    ui.error_box(exc)
    st.stop()

with st.expander("评估方法与默认指标体系"):
    st.markdown(METHOD_NOTE)
    ui.show_table(ev.indicator_info().drop(columns="key"))

if wb.cards.empty:
    st.info("所选范围内没有报告。")
    st.stop()

scope_text = f"{year}年" if year else "全部年份"
ranked, hidden = ev.ranking(wb.cards, int(min_rules))
mean = wb.cards["总分"].mean()
c1, c2, c3, c4 = st.columns(4)
c1.metric("报告数", len(wb.cards))
c2.metric("平均总分", "缺失" if pd.isna(mean) else f"{mean:.1f}")
c3.metric("不通过（条）", int(wb.cards["不通过"].sum()))
c4.metric("无法判断（条）", int(wb.cards["无法判断"].sum()))

st.subheader("评分卡")
st.caption(f"{scope_text}；权重方案：{profile}。单元格为指标状态和得分（0–100）。")
ui.show_table(_with_links(wb.cards), column_config=_link_config(), key="cards")

st.subheader("排名")
st.caption(
    f"参与排名 n = {len(ranked)} 份报告；{hidden} 份因样本量不足 {int(min_rules)} 条规则"
    "（或没有任何可计分结果）未参加排名。"
)
ui.show_table(_with_links(ranked), column_config=_link_config(), key="ranking")

st.subheader("问题清单")
names = {
    int(r.report_id): f"{r.主体} · {'年份不明' if pd.isna(r.年份) else int(r.年份)}"
    for r in wb.cards.itertuples()
}
picked = st.selectbox(
    "选择报告",
    list(names),
    format_func=lambda i: names[i],
    key="problem_report",
)
if picked is not None:
    ui.report_link(picked, f"打开报告：{names[picked]}")
    inds = wb.indicators[wb.indicators["report_id"] == picked].drop(columns="report_id")
    ui.show_table(inds, key="indicators")
    probs = wb.problems[wb.problems["report_id"] == picked].drop(columns="report_id")
    if probs.empty:
        st.success("没有发现问题：所有规则均通过。")
    else:
        st.caption(f"{len(probs)} 个问题（先列不通过，再列无法判断）。")
        ui.show_table(probs[["序号", "状态", "指标", "规则", "对象", "来源"]], key="problems")
        for p in probs.itertuples():
            with st.expander(f"{p.序号}. {p.状态} · {p.规则} {p.对象}".strip()):
                ui.show_text(p.说明)

header = [
    f"评估 · {scope_text} · 权重方案：{profile}",
    f"排名最少规则数：{int(min_rules)}；参与排名 {len(ranked)} 份，未排名 {hidden} 份",
]
st.download_button(
    "导出 Excel（评分卡、排名、每份报告的问题清单）",
    data=workbook_bytes(wb, ranked, header),
    file_name=f"评估_{year or '全部年份'}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="export_xlsx",
    on_click="ignore",
)
