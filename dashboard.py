"""政府信息公开年报 dashboard: the entry point (st.navigation) and the 总览 page.

Run: streamlit run dashboard.py
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

from nianbao import charts, ui
from nianbao.labels import SCOPE_LABELS, rule_label
from nianbao.queries import common, overview
from nianbao.series import FORMAT_LABELS

HERE = os.path.dirname(os.path.abspath(__file__))

# (file, title, url_path); a page whose file is not there yet is left out.
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("pages/trends.py", "趋势", "trends", ":material/show_chart:"),
    ("pages/compare.py", "对比", "compare", ":material/bar_chart:"),
    ("pages/report.py", "报告详情", "report", ":material/description:"),
    ("pages/data.py", "数据", "data", ":material/table:"),
    ("pages/metrics.py", "指标说明", "metrics", ":material/menu_book:"),
    ("pages/import.py", "导入", "import", ":material/upload_file:"),
    ("pages/evaluate.py", "评估", "evaluate", ":material/fact_check:"),
    ("pages/search.py", "全文检索", "search", ":material/search:"),
)


def overview_page() -> None:
    ui.setup_page("总览")
    try:
        engine_regions = ui.query(common.regions, ui.include_synthetic())
    except Exception as exc:  # no database yet, or it cannot be read
        ui.error_box(exc)
        return
    with st.sidebar:
        place = ui.scope_filters(engine_regions, with_scope=False)
        scope = ui.total_scope()
        body_df = ui.query(common.bodies, place)
        labels = {
            k: f"{k}（{SCOPE_LABELS.get(s, s)}）"
            for k, s in zip(body_df["issuer_key"], body_df["scope"], strict=True)
        }
        body = ui.url_selectbox(
            "主体",
            ["", *body_df["issuer_key"]],
            "body",
            default="",
            format_func=lambda b: labels.get(b, b) if b else "全部主体（按范围合计）",
        )
        # One body has one scope: its own figures. Otherwise the chosen scope.
        if body:
            f = place.with_(bodies=(body,))
        else:
            f = place.with_(scope=None if scope == "all" else scope)
        years = ui.query(common.years, f)
        if not years:
            st.info("所选范围内没有报告。")
            return
        year = ui.url_selectbox("年份", years[::-1], "year", default=max(years))

    _headline(f, year)
    # the body list (one pass over the reports) also says which bodies the
    # coverage grid shows and which may have missing years
    listed = body_df[body_df["issuer_key"].isin(f.bodies)] if f.bodies else body_df
    _coverage(place.with_(bodies=f.bodies), listed)
    _problems(place.with_(bodies=f.bodies), year, listed)


def _change_note(row: Any) -> str:
    """Which reports the change from last year compares (like for like)."""
    if not row.n_comparable:
        return "较上年：无可比报告（没有机关两年都有这一数值）"
    note = f"可比：{row.n_comparable} 份（两年都有报告的机关）"
    if row.n_cur_left or row.n_prev_left:
        note += f"；未计入比较：本年 {row.n_cur_left} 份，上年 {row.n_prev_left} 份"
    return note


def _headline(f: common.Filters, year: int) -> None:
    st.subheader(f"{year}年主要数据")
    head = ui.query(overview.headline, f, year)
    if head.empty:
        st.info("这一年没有所选范围的报告。")
        return
    scopes = list(dict.fromkeys(head["scope"]))
    if f.scope is None and not f.bodies:
        st.info(common.NO_GRAND_TOTAL)
    elif not f.bodies:
        st.info(common.ONE_SCOPE_NOTE[f.scope])
    st.caption(
        "每个数字旁注明背后的报告数和缺失数（空白或未填，不计为0）。"
        "较上年的变化只比较两年都有报告的同一批机关。"
    )
    for scope in scopes:
        rows = head[head["scope"] == scope]
        if not f.bodies:
            st.markdown(f"**{common.SCOPE_TOTAL_LABELS.get(scope, scope)}**")
        # The comparison note once per scope; repeated under a figure only where
        # that figure compares a different set of reports.
        first = next(rows.itertuples())
        block_note = _change_note(first)
        cols = st.columns(len(rows))
        for col, row in zip(cols, rows.itertuples(), strict=True):
            with col:
                unit = "%" if row.unit == "%" else ""
                st.metric(
                    row.label,
                    ui.fmt_value(row.value, unit),
                    delta=ui.fmt_change(row.change, row.unit),
                    help=f"单位：{row.unit}。较上年只比较两年都有报告的机关："
                    f"上年 {ui.fmt_value(row.prev_value, unit)} → "
                    f"本年 {ui.fmt_value(row.cmp_value, unit)}",
                )
                note = f"{row.n_reports} 份报告"
                if row.n_missing:
                    note += f"，{row.n_missing} 份缺失"
                if row.n_uncertain:
                    note += f"（其中 {row.n_uncertain} 份原文数字无法确定）"
                st.caption(note)
                if _change_note(row) != block_note:
                    st.caption(_change_note(row))
        st.caption(block_note)
        if scope == "government" and not f.bodies:
            _shared_region_note(f, year)
    n, ids = ui.query(common.report_ids, f.with_(year=year))
    if ids:
        ui.reports_behind(list(ids), key="head_pick")
    elif n:
        st.caption(f"这些数字背后有 {n} 份报告；选择主体或地区后可在此打开单份报告。")


def _shared_region_note(f: common.Filters, year: int) -> None:
    """Name the reports when one region's 政府 figure adds two or more 政府
    reports of that same region (平潭 2011–2013: 县政府 and 实验区): whether
    one contains the other cannot be read from the reports."""
    n, shared = ui.query(common.shared_region_reports, f.with_(scope="government", year=year))
    notes = common.shared_region_notes(shared, "government", f.region_id)
    if notes:
        st.warning("  \n".join(notes))
    if n > len(notes):
        st.caption(f"另有 {n - len(notes)} 个地区在{year}年有多份政府年报，未逐一列出。")


def _coverage(f: common.Filters, body_df: Any) -> None:
    st.subheader("已导入的报告")
    summary = ui.query(overview.coverage_summary, f)
    if summary.empty:
        st.info("没有报告。")
        return
    top = body_df.sort_values(["n_reports", "issuer_key"], ascending=[False, True])
    cov = ui.query(overview.coverage, f, tuple(top["issuer_key"].head(overview.COVERAGE_BODIES)))
    n_bodies = len(body_df)
    first, last = int(body_df["first_year"].min()), int(body_df["last_year"].max())
    st.caption(
        f"所有范围（政府、部门、乡镇街道、其他）：{int(summary['n_reports'].sum())} 份报告，"
        f"{n_bodies} 个主体，{first}–{last} 年"
    )
    table = cov.pivot_table(
        index=["scope", "issuer_key"], columns="year", values="n_reports", aggfunc="sum"
    )
    table.columns = [str(c) for c in table.columns]
    table = table.reset_index()
    table["scope"] = table["scope"].map(common.SCOPE_LABELS).fillna(table["scope"])
    table = table.rename(columns={"scope": "范围", "issuer_key": "主体"})
    shown = cov
    if cov["issuer_key"].nunique() > 60:  # a grid of thousands of rows is unreadable
        top = cov.groupby("issuer_key")["n_reports"].sum().nlargest(60).index
        shown = cov[cov["issuer_key"].isin(top)]
        in_table = (
            "数据表包含全部"
            if n_bodies <= overview.COVERAGE_BODIES
            else f"数据表列出报告最多的 {overview.COVERAGE_BODIES} 个（共 {n_bodies} 个）"
        )
        st.caption(f"图中只画出报告最多的 60 个主体；{in_table}。")
    fig = charts.coverage_grid(shown)
    # the x axis spans the years present, not a padded range around them
    fig.update_xaxes(range=[first - 0.5, last + 0.5])
    picked = ui.chart(fig, table, key="coverage")
    if picked:
        ui.report_link(int(picked[0]), "打开所选报告")
    st.caption(
        "格式："
        + "，".join(
            f"{FORMAT_LABELS.get(k, k)} {int(v)} 份"
            for k, v in zip(summary["format"], summary["n_reports"], strict=True)
        )
    )


def _problems(f: common.Filters, year: int, body_df: Any) -> None:
    st.subheader("问题")
    left, right = st.columns(2)
    with left:
        st.markdown(f"**未通过的勾稽检查**（{year}年的报告）")
        fy = f.with_(year=year)
        by_rule = ui.query(overview.failed_by_rule, fy)
        if by_rule.empty:
            st.caption("没有未通过的检查。")
        else:
            ui.show_table(
                by_rule.assign(rule=by_rule["rule"].map(rule_label)).rename(
                    columns={"rule": "规则", "n_reports": "报告数"}
                ),
            )
            failed = ui.query(overview.failed_checks, fy)
            if len(failed) >= overview.FAILED_ROWS:
                st.caption(f"下表列出前 {overview.FAILED_ROWS} 条；选择地区或主体可缩小范围。")
            failed = failed.assign(rule=failed["rule"].map(rule_label))
            ui.show_table(
                failed[["issuer_key", "year", "rule", "detail"]].rename(
                    columns={"issuer_key": "主体", "year": "年份", "rule": "规则", "detail": "说明"}
                ),
            )
            ui.reports_behind(
                list(failed["report_id"]), key="failed_pick", label="打开未通过的报告"
            )
    with right:
        st.markdown("**缺失的年份**（主体首末年份之间没有报告）")
        gaps = ui.query(overview.gaps, f, overview.gap_candidates(body_df))
        if gaps.empty:
            st.caption("没有缺失的年份。")
        else:
            if gaps["issuer_key"].nunique() >= overview.GAP_BODIES:
                st.caption(f"只列出前 {overview.GAP_BODIES} 个有缺失年份的主体。")
            ui.show_table(
                gaps.rename(
                    columns={
                        "issuer_key": "主体",
                        "year": "缺失年份",
                        "first_year": "首年",
                        "last_year": "末年",
                    }
                ),
            )


def main() -> None:
    # page_icon set here: otherwise the browser tab takes the current page's
    # ":material/…:" icon, which Streamlit's front end fetches as an SVG from
    # fonts.gstatic.com (offline installs fail). An emoji becomes a data: URI.
    # The material icons of the sidebar come from a font bundled with Streamlit.
    st.set_page_config(page_title="政府信息公开年报", page_icon="📊", layout="wide")
    pages = [st.Page(overview_page, title="总览", icon=":material/dashboard:", default=True)]
    for file, title, url_path, icon in PAGES:
        if os.path.exists(os.path.join(HERE, file)):
            pages.append(st.Page(file, title=title, url_path=url_path, icon=icon))
    st.navigation(pages).run()


main()
