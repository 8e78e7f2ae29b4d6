"""全文检索: every report's narrative, by words, with snippets and links to the passage.

A result links to the report page with ``?id=N&q=<query>`` so the report page
can highlight the passage. Document text is shown literally: snippets are
escaped and only the matches are marked.
"""

from __future__ import annotations

from urllib.parse import quote

import streamlit as st

from nianbao import search as fts
from nianbao import ui
from nianbao.export_eval import search_csv
from nianbao.queries import common

ui.setup_page("全文检索")

SHOWN = 50  # passages drawn with their snippet; the table and the CSV have all
SECTION_NUMBERS = ["*", "", "一", "二", "三", "四", "五", "六", "七", "八"]


def _section_label(n: str) -> str:
    return {"*": "全部部分", "": "前言（无编号）"}.get(n, f"第{n}部分")


def _snippet_md(body: str, words: tuple[str, ...]) -> str:
    """The snippet as markdown: document text escaped, the matches highlighted."""
    return "".join(
        f":orange-background[{ui.escape_md(t)}]" if hit else ui.escape_md(t)
        for t, hit in fts.segments(body, words)
    )


try:
    region_df = ui.query(common.regions, ui.include_synthetic())
except Exception as exc:
    ui.error_box(exc)
    st.stop()

with st.sidebar:
    base = ui.scope_filters(region_df, with_scope=False)
    years = ui.query(common.years, base)
    year = ui.url_selectbox(
        "年份",
        [0, *years[::-1]],
        "year",
        default=0,
        format_func=lambda y: "全部年份" if not y else f"{y}年",
    )
    section = ui.url_selectbox(
        "部分", SECTION_NUMBERS, "section", default="*", format_func=_section_label
    )

if "search_q" not in st.session_state:
    st.session_state["search_q"] = ui.get_param("q") or ""
query = st.text_input(
    "检索词（空格分隔多个词，须同时出现）",
    key="search_q",
    placeholder="例如：信息处理费、依申请公开、政务新媒体",
).strip()
ui.set_param("q", query or None)

if not query:
    st.caption("在所有报告的正文中检索（三字及以上的词使用索引；一两个字的词逐段扫描）。")
    st.stop()

filters = fts.SearchFilters(
    region_id=base.region_id,
    year=year or None,
    section_number=None if section == "*" else section,
    include_synthetic=base.include_synthetic,
)
try:
    results = ui.query(fts.search, query, filters)
except Exception as exc:
    ui.error_box(exc)
    st.stop()

if results.note:
    st.info(results.note)
table = results.table
if table.empty:
    st.info(f"没有找到包含「{query}」的段落。")
    st.stop()

st.caption(
    f"共 {results.total} 段匹配（{table['report_id'].nunique()} 份报告）；"
    "按命中密度排序，同密度时新报告在前。"
)
for row in table.head(SHOWN).itertuples():
    year_text = "年份不明" if row.year is None or str(row.year) == "<NA>" else f"{row.year}年"
    part = _section_label(row.section_number)
    label = f"{row.issuer} · {year_text} · {part} {row.section_title}".strip()
    link = f"/report?id={int(row.report_id)}&q={quote(query)}"
    st.markdown(f"**[{ui.escape_md(label)}]({link})**　命中 {row.hits} 次")
    st.markdown(_snippet_md(row.text, results.terms))
if len(table) > SHOWN:
    st.caption(f"上面列出前 {SHOWN} 段；下表和 CSV 包含全部 {len(table)} 段。")

shown = table.drop(columns="text").copy()
shown.insert(1, "报告页", [f"/report?id={int(i)}&q={quote(query)}" for i in shown["report_id"]])
ui.show_table(
    shown.rename(
        columns={
            "issuer": "主体",
            "region": "地区",
            "year": "年份",
            "section_number": "部分",
            "section_title": "部分标题",
            "hits": "命中次数",
            "snippet": "摘录",
        }
    ),
    column_config={"报告页": st.column_config.LinkColumn("报告页", display_text="打开")},
    key="search_table",
)
st.download_button(
    "导出 CSV",
    data=search_csv(table, query),
    file_name="全文检索.csv",
    mime="text/csv",
    key="export_csv",
    on_click="ignore",
)
