"""政府信息公开年报 dashboard: the entry point (st.navigation) and the 总览 page.

Run: streamlit run dashboard.py
"""

from __future__ import annotations

import os

import streamlit as st

from nianbao import charts, ui
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
        base = ui.scope_filters(engine_regions)
        body_df = ui.query(common.bodies, base)
        bodies = ["", *body_df["issuer_key"]]
        body = ui.url_selectbox(
            "主体",
            bodies,
            "body",
            default="",
            format_func=lambda b: b or "全部主体",
        )
        f = base.with_(bodies=(body,) if body else ())
        years = ui.query(common.years, f)
        if not years:
            st.info("所选范围内没有报告。")
            return
        year = ui.url_selectbox("年份", years[::-1], "year", default=max(years))

    _headline(f, year)
    _coverage(f)
    _problems(f)


def _headline(f: common.Filters, year: int) -> None:
    st.subheader(f"{year}年主要数据")
    head = ui.query(overview.headline, f, year)
    cols = st.columns(len(head))
    for col, row in zip(cols, head.itertuples(), strict=True):
        with col:
            st.metric(
                row.label,
                ui.fmt_value(row.value, "%" if row.unit == "%" else ""),
                delta=ui.fmt_change(row.change, row.unit),
                help=f"单位：{row.unit}；上年：{ui.fmt_value(row.prev_value, row.unit)}"
                f"（{row.prev_n_reports} 份报告）",
            )
            note = f"{row.n_reports} 份报告"
            if row.n_missing:
                note += f"，{row.n_missing} 份缺失"
            st.caption(note)
    ui.reports_behind([i for t in head["report_ids"] for i in t], key="head_pick")


def _coverage(f: common.Filters) -> None:
    st.subheader("已导入的报告")
    cov = ui.query(overview.coverage, f)
    if cov.empty:
        st.info("没有报告。")
        return
    n_bodies = cov["issuer_key"].nunique()
    st.caption(
        f"{int(cov['n_reports'].sum())} 份报告，{n_bodies} 个主体，"
        f"{int(cov['year'].min())}–{int(cov['year'].max())} 年"
    )
    table = cov.pivot_table(
        index=["scope", "issuer_key"], columns="year", values="n_reports", aggfunc="sum"
    )
    table.columns = [str(c) for c in table.columns]
    table = table.reset_index()
    table["scope"] = table["scope"].map(common.SCOPE_LABELS).fillna(table["scope"])
    table = table.rename(columns={"scope": "范围", "issuer_key": "主体"})
    shown = cov
    if n_bodies > 60:  # a grid of thousands of rows is unreadable; the table has all
        top = cov.groupby("issuer_key")["n_reports"].sum().nlargest(60).index
        shown = cov[cov["issuer_key"].isin(top)]
        st.caption("图中只画出报告最多的 60 个主体；数据表包含全部。")
    picked = ui.chart(charts.coverage_grid(shown), table, key="coverage")
    if picked:
        ui.report_link(int(picked[0]), "打开所选报告")
    fmt_counts = cov.groupby("format")["n_reports"].sum()
    st.caption(
        "格式："
        + "，".join(f"{FORMAT_LABELS.get(k, k)} {int(v)} 份" for k, v in fmt_counts.items())
    )


def _problems(f: common.Filters) -> None:
    st.subheader("问题")
    left, right = st.columns(2)
    with left:
        st.markdown("**未通过的勾稽检查**")
        by_rule = ui.query(overview.failed_by_rule, f)
        if by_rule.empty:
            st.caption("没有未通过的检查。")
        else:
            ui.show_table(
                by_rule.rename(columns={"rule": "规则", "n_reports": "报告数"}),
            )
            failed = ui.query(overview.failed_checks, f)
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
        gaps = overview.gaps(ui.query(overview.coverage, f))
        if gaps.empty:
            st.caption("没有缺失的年份。")
        else:
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
    st.set_page_config(page_title="政府信息公开年报", layout="wide")
    pages = [st.Page(overview_page, title="总览", icon=":material/dashboard:", default=True)]
    for file, title, url_path, icon in PAGES:
        if os.path.exists(os.path.join(HERE, file)):
            pages.append(st.Page(file, title=title, url_path=url_path, icon=icon))
    st.navigation(pages).run()


main()
