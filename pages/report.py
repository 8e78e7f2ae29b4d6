"""报告详情: one report — metadata, narrative, official tables, checks, downloads.

?id=N opens report N (drill-down links from the other pages); ?q=... is the
search in the text. Text from the report is always shown literally.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nianbao import official_layout, ui, ui_text
from nianbao.export import CSV_MIME, to_csv_bytes
from nianbao.queries import reports as rq

ui.setup_page("报告详情")


# Generated benchmark reports are listed with ?synthetic=1, or when a link asks for one.
synthetic = ui.include_synthetic()
try:
    choices = ui.query(rq.report_choices, include_synthetic=synthetic)
    requested = st.query_params.get("id")
    if not synthetic and requested and requested.isdigit():
        linked = ui.query(rq.report_meta, int(requested))
        if linked is not None and linked.synthetic:
            choices = ui.query(rq.report_choices, include_synthetic=True)
except Exception as exc:  # a database that cannot be opened: say what to do
    ui.error_box(exc)
    st.stop()

if choices.empty:
    st.info("数据库中还没有报告。请在“导入”页上传报告，或运行 `nianbao ingest data/reports`。")
    st.stop()

ids = [int(i) for i in choices["id"]]
labels = dict(zip(ids, choices["label"], strict=True))

current: int | None = None
if requested:
    try:
        current = int(requested)
    except ValueError:
        st.error(
            f"链接中的报告编号“{ui_text.escape_literal(requested)}”无效：应为数字。已改为显示第一份报告。"
        )
    else:
        if current not in labels:
            st.error(f"找不到编号为 {current} 的报告（可能已被删除）。请在下面重新选择。")
            current = None

report_id = st.selectbox(
    "选择报告（发布机关 · 年度）",
    ids,
    index=ids.index(current) if current in labels else 0,
    format_func=lambda i: labels[i],
)
if st.query_params.get("id") != str(report_id):
    st.query_params["id"] = str(report_id)

meta = ui.query(rq.report_meta, report_id)
if meta is None:
    st.error("这份报告已不在数据库中。请刷新页面后重新选择。")
    st.stop()

# --- metadata ---------------------------------------------------------------
st.subheader(ui_text.escape_literal(meta.title or labels[report_id]))
if not meta.is_current:
    st.warning("这是一份旧版本：同一机关同一年度有更新的版本，统计与对比只使用当前版本。")
if meta.synthetic:
    st.warning("合成数据：这份“报告”是为基准测试生成的，不是真实报告。")
meta_rows = meta.rows()
st.dataframe(
    pd.DataFrame(meta_rows, columns=["项目", "内容"]),
    hide_index=True,
    width="stretch",
    placeholder="",
    height=35 * (len(meta_rows) + 1) + 3,  # every row visible, no inner scrolling
)

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
        )
with col_facts:
    facts_export = rq.label_facts(facts)
    st.download_button(
        f"下载解析数据（CSV，{len(facts)} 条）",
        data=to_csv_bytes(facts_export),
        file_name=f"report-{report_id}-facts.csv",
        mime=CSV_MIME,
        key="download-facts",
    )

# --- checks and warnings ------------------------------------------------------------
st.header("检查结果与警告")
if checks.empty:
    st.caption("这份报告没有可运行的勾稽检查（无统计表，或格式不适用）。")
else:
    counts = checks["status"].value_counts()
    c1, c2, c3 = st.columns(3)
    c1.metric("未通过", int(counts.get("fail", 0)))
    c2.metric("无法判断", int(counts.get("uncertain", 0)))
    c3.metric("通过", int(counts.get("pass", 0)))
    st.dataframe(
        checks.assign(
            status=checks["status"].map(rq.STATUS_LABELS).fillna(checks["status"])
        ).rename(columns={"rule": "规则", "status": "结果", "subject": "对象", "detail": "说明"}),
        hide_index=True,
        width="stretch",
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
if not tables:
    st.caption("这份报告没有统计表（仅文字）。")
last_section = None
for table in tables:
    if table.section != last_section:
        st.subheader(table.section)
        last_section = table.section
    if table.title != table.section:
        st.caption(table.title)
    st.dataframe(table.frame, hide_index=True, width="stretch", placeholder="")
st.caption("空白格表示报告中该格为空或没有该项，不代表 0。")

text_facts = official_layout.text_facts_table(facts)
if not text_facts.empty:
    st.subheader("正文中的数字")
    st.dataframe(text_facts, hide_index=True, width="stretch", placeholder="")

with st.expander(f"全部解析结果（{len(facts)} 条）"):
    st.dataframe(facts_export, hide_index=True, width="stretch", placeholder="")

# --- narrative ---------------------------------------------------------------
st.header("正文")
query = st.text_input("在正文中搜索", value=st.query_params.get("q", ""), max_chars=100)
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
