"""报告详情: one report — metadata, narrative, official tables, checks, downloads.

?id=N opens report N (drill-down links from the other pages); ?q=... is the
search in the text. Text from the report is always shown literally.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nianbao import labels as labels_zh
from nianbao import official_layout, ui, ui_text
from nianbao.export import CSV_MIME, to_csv_bytes
from nianbao.queries import reports as rq

ui.setup_page("报告详情")


# Generated benchmark reports are listed with ?synthetic=1, or when a link asks for one.
synthetic = ui.include_synthetic()

# --- which report: ?id=N, or the picker -------------------------------------------
requested = st.query_params.get("id")
current: int | None = None
meta = None
try:
    if requested:
        if requested.isdigit():
            meta = ui.query(rq.report_meta, int(requested))
            if meta is None:
                st.error(
                    f"找不到编号为 {int(requested)} 的报告（可能已被删除）。请在下面重新查找。"
                )
            else:
                current = meta.id
        else:
            st.error(
                f"链接中的报告编号“{ui_text.escape_literal(requested)}”无效：应为数字。"
                "请在下面查找报告。"
            )
    # The picker lists at most rq.PICKER_LIMIT matches: a national corpus has
    # 100k reports, far too many to send to the browser as options.
    col_search, col_pick = st.columns([1, 2])
    search = col_search.text_input(
        "查找报告",
        placeholder="机关名称或年度，如：平潭 2023",
        max_chars=100,
        key="report-search",
    )
    matches, more = ui.query(rq.find_reports, search.strip(), include_synthetic=synthetic)
except Exception as exc:  # a database that cannot be opened: say what to do
    ui.error_box(exc)
    st.stop()

labels = dict(zip((int(i) for i in matches["id"]), matches["label"], strict=True))
if meta is not None and current not in labels:
    labels = {current: meta.label, **labels}  # the linked report stays selectable
options = list(labels)
if not options and not search.strip():
    st.info("数据库中还没有报告。请在“导入”页上传报告，或运行 `nianbao ingest data/reports`。")
    st.stop()
chosen = col_pick.selectbox(
    "选择报告（发布机关 · 年度，最近的年度在前）",
    options,
    index=options.index(current) if current in labels else None,
    format_func=lambda i: labels[i],
    placeholder="请选择一份报告",
)
shown_search = ui_text.escape_literal(search.strip())
if search.strip() and matches.empty:
    st.caption(f"没有与“{shown_search}”匹配的报告。")
elif search.strip():
    found = (
        f"找到超过 {rq.PICKER_LIMIT} 份，只列出前 {rq.PICKER_LIMIT} 份，请输入更多字词缩小范围"
        if more
        else f"找到 {len(matches)} 份"
    )
    st.caption(f"“{shown_search}”：{found}。")
elif more:
    st.caption(f"列出最近的 {rq.PICKER_LIMIT} 份报告；要找其他报告，请在上面输入发布机关或年度。")

if chosen is None:
    st.info("请在上面查找并选择一份报告。")
    st.stop()
report_id = int(chosen)
if st.query_params.get("id") != str(report_id):
    st.query_params["id"] = str(report_id)
if meta is None or meta.id != report_id:
    meta = ui.query(rq.report_meta, report_id)
if meta is None:
    st.error("这份报告已不在数据库中。请刷新页面后重新选择。")
    st.stop()

# --- metadata ---------------------------------------------------------------
st.subheader(ui_text.escape_literal(meta.title or meta.label))
if not meta.is_current:
    st.warning("这是一份旧版本：同一机关同一年度有更新的版本，统计与对比只使用当前版本。")
if meta.synthetic:
    st.warning("合成数据：这份“报告”是为基准测试生成的，不是真实报告。")
# Static and escaped: the title and source come from the document and may be long.
meta_frame = pd.DataFrame(meta.rows(), columns=["项目", "内容"])
st.markdown(official_layout.text_table_html(meta_frame), unsafe_allow_html=True)

facts = ui.query(rq.report_facts, report_id)
checks = ui.query(rq.report_checks, report_id)

# --- downloads ----------------------------------------------------------------
col_original, col_facts = st.columns(2)
with col_original:
    original_name = rq.original_filename(meta)
    if original_name is None:
        st.caption("原始文件不可下载：导入时未保存，且来源路径已不存在。")
    else:
        engine = ui.get_engine()

        def _original_bytes() -> bytes:
            # Read when the button is pressed: an original can be up to 50 MB.
            original = rq.report_original(engine, report_id)
            return original.data if original is not None else b""

        st.download_button(
            "下载原始文件",
            data=_original_bytes,
            file_name=original_name,
            mime="application/octet-stream",
            key="download-original",
            on_click="ignore",
        )
with col_facts:
    facts_export = rq.label_facts(facts)
    st.download_button(
        f"下载解析数据（CSV，{len(facts)} 条）",
        data=to_csv_bytes(facts_export),
        file_name=f"report-{report_id}-facts.csv",
        mime=CSV_MIME,
        key="download-facts",
        on_click="ignore",
    )

# --- checks and warnings ------------------------------------------------------------
st.header("检查结果与警告")
if checks.empty:
    st.caption("这份报告没有可运行的勾稽检查（无统计表，或格式不适用）。")
else:
    counts = checks["status"].value_counts()
    c1, c2, c3 = st.columns(3)
    for column, status in zip((c1, c2, c3), ("fail", "uncertain", "pass"), strict=True):
        column.metric(labels_zh.STATUS_LABELS[status], int(counts.get(status, 0)))
    shown_checks = pd.DataFrame(
        {
            "规则": [labels_zh.rule_label(r) for r in checks["rule"]],
            "结果": [labels_zh.label(labels_zh.STATUS_LABELS, v) for v in checks["status"]],
            "对象": checks["subject"],
            "说明": checks["detail"],
        }
    )
    st.dataframe(
        shown_checks,
        hide_index=True,
        width="stretch",
        height=35 * (min(len(shown_checks), 20) + 1) + 3,  # up to 20 rows without scrolling
        column_config={
            "规则": st.column_config.TextColumn(width="medium"),
            "结果": st.column_config.TextColumn(width="small"),
            "对象": st.column_config.TextColumn(width="medium"),
            "说明": st.column_config.TextColumn(width="large"),
        },
    )
if meta.warnings:
    with st.expander(f"解析警告（{len(meta.warnings)} 条）", expanded=False):
        # st.text shows the warnings literally: they quote document text.
        st.text("\n".join(meta.warnings))
else:
    st.caption("解析时没有警告。")

# --- tables in the official layout ------------------------------------------------------
st.header("统计表（按官方模板排列）")
tables = official_layout.official_tables(facts, meta.format)
UNCERTAIN = official_layout.UNCERTAIN
if not tables:
    st.caption("这份报告没有统计表（仅文字）。")
else:
    uncertain = sum(
        str(v).startswith(UNCERTAIN) for t in tables for v in t.frame.to_numpy().ravel()
    )
    if uncertain:
        st.warning(
            f"这份报告的统计表有 {uncertain} 个格无法确定数值，标为“{UNCERTAIN}”并附报告原文。"
        )
    st.caption(
        "空白格：报告中该格为空或没有该项，不代表 0。"
        f"“{UNCERTAIN}（原文 …）”：报告在此处有数字，但数字连写、无法确定如何分到各格，"
        "括号内是报告原文（详见解析警告）；这些格不计入统计。"
    )
last_section = None
for table in tables:
    if table.section != last_section:
        st.subheader(table.section)
        last_section = table.section
    if table.title != table.section:
        st.caption(table.title)
    # Static HTML in the template's shape; every character of the report is
    # escaped by official_layout.table_html.
    st.markdown(official_layout.table_html(table), unsafe_allow_html=True)

text_facts = official_layout.text_facts_table(facts)
if not text_facts.empty:
    st.subheader("正文中的数字")
    st.dataframe(
        text_facts,
        hide_index=True,
        width="stretch",
        placeholder="",
        height=35 * (min(len(text_facts), 20) + 1) + 3,
    )

with st.expander(f"全部解析结果（{len(facts)} 条）"):
    st.dataframe(facts_export, hide_index=True, width="stretch", placeholder="")

# --- narrative ---------------------------------------------------------------
st.header("正文")
query = st.text_input(
    "在正文中搜索", value=st.query_params.get("q", ""), max_chars=100, key="text-search"
)
if query:
    st.query_params["q"] = query
elif "q" in st.query_params:
    del st.query_params["q"]

sections = ui.query(rq.report_sections, report_id)
if sections.empty:
    blocks = [("全文", ui.query(rq.report_full_text, report_id))]
else:
    blocks = [
        (f"{n}、{t}" if n else (t or "前言"), text)
        for n, t, text in zip(sections["number"], sections["title"], sections["text"], strict=True)
    ]

total_matches = 0
for heading, text in blocks:
    shown = ui_text.highlight(text, query)
    total_matches += shown.matches
    label = ui_text.escape_literal(heading)
    if query:
        label += f"（{shown.matches} 处）"
    with st.expander(label, expanded=bool(query and shown.matches) or len(blocks) == 1):
        # Safe: every character of the document was escaped by ui_text.highlight.
        st.markdown(shown.html, unsafe_allow_html=True)
if query:
    st.caption(f"“{ui_text.escape_literal(query)}”共找到 {total_matches} 处。")
