"""数据: the facts table with filters; CSV and Excel export of exactly what is shown.

Every filter lives in the URL (years, scope, region, body, metric, source,
nonnull, tech), so a filtered view can be shared as a link and reopens the same.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nianbao import ui, ui_text
from nianbao.export import CSV_MIME, XLSX_MIME, to_csv_bytes, to_xlsx_bytes
from nianbao.labels import SCOPE_LABELS
from nianbao.queries import facts as fq

ui.setup_page("数据")

TABLE_HEIGHT = 600  # about 16 rows: a screenful at 1400 × 1000
COLUMN_CONFIG = {
    "发布机关": st.column_config.TextColumn(width="medium"),
    "年度": st.column_config.NumberColumn(format="%d", width="small"),
    "指标": st.column_config.TextColumn(width="large"),
    "数值": st.column_config.NumberColumn(width="small"),
    "单位": st.column_config.TextColumn(width="small"),
    "报告ID": st.column_config.NumberColumn(format="%d", width="small"),
}


def _param_list(name: str) -> list[str]:
    raw = st.query_params.get(name, "")
    return [v for v in raw.split(",") if v]


def _set_param(name: str, value: str) -> None:
    """Keep the URL in step with the widgets; an empty value removes the parameter."""
    if value:
        if st.query_params.get(name) != value:
            st.query_params[name] = value
    elif name in st.query_params:
        del st.query_params[name]


st.caption(
    "报告中解析出的每一个数字。“数值”为空不是 0：“状态”说明该格在报告中是空白，"
    "还是数字连写无法确定如何拆分（存疑，附原文）。"
)

synthetic = ui.include_synthetic()  # ?synthetic=1: generated benchmark data too
if synthetic:
    st.warning("包含合成（synthetic）数据：仅供性能测试，不是真实报告。")
try:
    options = ui.query(fq.filter_options, synthetic)
except Exception as exc:  # the database cannot be read: say what to do
    ui.error_box(exc)
    st.stop()

if options.year_min is None:
    st.info("数据库中还没有报告。请在“导入”页上传报告，或运行 `nianbao ingest data/reports`。")
    st.stop()

# --- filters (defaults from the URL) -------------------------------------------
year_min, year_max = int(options.year_min), int(options.year_max or options.year_min)
years = (year_min, year_max)
raw_years = st.query_params.get("years", "")
if raw_years:
    try:
        lo, _, hi = raw_years.partition("-")
        years = (max(year_min, int(lo)), min(year_max, int(hi or lo)))
    except ValueError:
        st.error(f"链接中的年份范围“{ui_text.escape_literal(raw_years)}”无效，应写作 2019-2024。")
    if years[0] > years[1]:
        years = (year_min, year_max)

region_labels = dict(zip(options.regions["id"], options.regions["label"], strict=True))
body_labels = dict(zip(options.bodies["issuer_key"], options.bodies["label"], strict=True))
metric_labels = dict(zip(options.metrics["metric"], options.metrics["label"], strict=True))
source_labels = {"": "表格和正文", "table": "仅表格", "text": "仅正文"}

with st.sidebar:
    st.header("筛选")
    if year_min < year_max:
        years = st.slider("年度", year_min, year_max, value=years)
    else:
        st.caption(f"年度：{year_min}")
    scopes = st.multiselect(
        "范围",
        list(options.scopes),
        default=[s for s in _param_list("scope") if s in options.scopes],
        format_func=lambda s: SCOPE_LABELS.get(s, s),
        select_all=False,  # "Select all" / "Select N matches" are English
        placeholder="全部",
    )
    regions = st.multiselect(
        "地区（含下级）",
        list(region_labels),
        default=[int(r) for r in _param_list("region") if r.isdigit() and int(r) in region_labels],
        format_func=lambda r: region_labels[r],
        select_all=False,  # "Select all" / "Select N matches" are English
        placeholder="全部地区",
    )
    bodies = st.multiselect(
        "发布机关",
        list(body_labels),
        default=[b for b in _param_list("body") if b in body_labels],
        format_func=lambda b: body_labels[b],
        select_all=False,  # "Select all" / "Select N matches" are English
        placeholder="全部机关",
    )
    chosen_metrics = st.multiselect(
        "指标",
        list(metric_labels),
        default=[m for m in _param_list("metric") if m in metric_labels],
        format_func=lambda m: metric_labels[m],
        select_all=False,  # "Select all" / "Select N matches" are English
        placeholder="全部指标",
    )
    source_param = st.query_params.get("source", "")
    source = st.radio(
        "来源",
        list(source_labels),
        index=list(source_labels).index(source_param) if source_param in source_labels else 0,
        format_func=lambda s: source_labels[s],
        horizontal=True,
    )
    only_non_null = st.checkbox("只看有数值的", value=st.query_params.get("nonnull") == "1")
    show_technical = st.checkbox(
        "显示指标代码、原文数值和位置", value=st.query_params.get("tech") == "1"
    )

_set_param("years", f"{years[0]}-{years[1]}" if years != (year_min, year_max) else "")
_set_param("scope", ",".join(scopes))
_set_param("region", ",".join(str(r) for r in regions))
_set_param("body", ",".join(bodies))
_set_param("metric", ",".join(chosen_metrics))
_set_param("source", source)
_set_param("nonnull", "1" if only_non_null else "")
_set_param("tech", "1" if show_technical else "")

flt = fq.FactFilter(
    year_from=years[0],
    year_to=years[1],
    scopes=tuple(scopes),
    region_ids=tuple(int(r) for r in regions),
    issuer_keys=tuple(bodies),
    metrics=tuple(chosen_metrics),
    source=source or None,
    only_non_null=only_non_null,
    include_synthetic=synthetic,
)
frame, total = ui.query(fq.facts_table, flt, limit=fq.DEFAULT_LIMIT, count_cap=fq.EXPORT_MAX)
columns = [c for c in frame.columns if show_technical or c not in fq.TECHNICAL_COLUMNS]

# --- the table and its exports ------------------------------------------------------
too_many = total > fq.EXPORT_MAX
if too_many:
    st.warning(
        f"符合条件的超过 {fq.EXPORT_MAX:,} 行，这里显示前 {len(frame):,} 行；"
        f"一次最多导出 {fq.EXPORT_MAX:,} 行。请在左侧缩小年度、地区、发布机关或指标范围后再导出。"
    )
elif total > len(frame):
    st.caption(f"共 {total:,} 行，这里显示前 {len(frame):,} 行；导出包含全部 {total:,} 行。")
else:
    st.caption(f"共 {total:,} 行。")
st.dataframe(
    frame[columns],
    hide_index=True,
    width="stretch",
    height=TABLE_HEIGHT if len(frame) > 15 else "auto",  # no empty grid under a few rows
    placeholder="",
    column_config=COLUMN_CONFIG,
)


def _export_frame(
    flt: fq.FactFilter = flt,
    columns: list[str] = columns,  # this run's, bound now
) -> pd.DataFrame:
    """Every row of the filter (not only the rows on screen), with the columns shown.

    Runs when a button is pressed, in Streamlit's download thread: no cache
    and no session state here, only the database.
    """
    full, _ = fq.facts_table(ui.get_engine(), flt, limit=fq.EXPORT_MAX)
    return full[columns]


# The files are built when a button is pressed (a callable), not on every
# rerun. on_click="ignore": a click must not rerun the page, because a rerun
# replaces every deferred download with a new one, and a second button
# clicked before the browser has the new page asks for a file that is gone
# (QA 8: "MediaFileStorageError: Deferred file … not found").
c1, c2 = st.columns(2)
c1.download_button(
    "导出 CSV",
    data=lambda: to_csv_bytes(_export_frame()),
    file_name="nianbao-facts.csv",
    mime=CSV_MIME,
    key="export-csv",
    on_click="ignore",
    disabled=too_many or total == 0,
)
c2.download_button(
    "导出 Excel",
    data=lambda: to_xlsx_bytes(_export_frame()),
    file_name="nianbao-facts.xlsx",
    mime=XLSX_MIME,
    key="export-xlsx",
    on_click="ignore",
    disabled=too_many or total == 0,
)

# --- drill-down ---------------------------------------------------------------
if not frame.empty:
    report_ids = list(dict.fromkeys(int(i) for i in frame["报告ID"]))
    names = (
        frame.drop_duplicates("报告ID").set_index("报告ID")[["发布机关", "年度"]].to_dict("index")
    )
    chosen = st.selectbox(
        "打开其中一份报告的详情",
        report_ids,
        format_func=lambda i: f"{names[i]['发布机关']} · {names[i]['年度']}年（编号 {i}）",
    )
    ui.report_link(int(chosen), "打开报告详情")
