"""导入: upload reports, see what was recognised, then save.

Each file is parsed (and checked) as soon as it is uploaded; nothing is
written until 保存 is pressed. Every problem is one line per file, never a
traceback. After saving, the cached query results are cleared so every page
shows the new reports.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

import pandas as pd
import streamlit as st

from loaders.catalog import metrics
from loaders.errors import LoaderError
from loaders.model import CheckResult, ParsedReport
from nianbao import official_layout, ui, ui_text
from nianbao.queries.reports import FORMAT_LABELS, SCOPE_LABELS, STATUS_LABELS

ui.setup_page("导入")

MAX_BYTES = 50 * 1024 * 1024
ACCEPTED = ("txt", "md", "html", "htm", "docx", "pdf")


@dataclass(frozen=True)
class Parsed:
    """One uploaded file after parsing: a report, or the one-line reason it has none."""

    name: str
    digest: str
    size: int
    report: ParsedReport | None = None
    checks: tuple[CheckResult, ...] = ()
    error: str | None = None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _refusal(name: str, size: int) -> str | None:
    ext = PurePath(name).suffix.lower().lstrip(".")
    if ext not in ACCEPTED:
        return (
            f"{name}：不支持的文件类型“.{ext or '（无扩展名）'}”"
            f"（请上传 {' / '.join(ACCEPTED)} 文件）"
        )
    if size > MAX_BYTES:
        return (
            f"{name}：文件有 {size / 1024 / 1024:.1f} MB，超过 50 MB 的上限（请拆分或压缩后再上传）"
        )
    if size == 0:
        return f"{name}：文件是空的（请检查是否上传了正确的文件）"
    return None


def _parse(name: str, data: bytes) -> Parsed:
    digest = hashlib.sha256(data).hexdigest()
    refusal = _refusal(name, len(data))
    if refusal:
        return Parsed(name, digest, len(data), error=refusal)
    from loaders.parse import parse_file
    from nianbao.checks import run_checks

    try:
        report = parse_file(data, name=name)
    except LoaderError as exc:
        return Parsed(name, digest, len(data), error=_one_line(str(exc)))
    except Exception as exc:  # a parser bug must not become a traceback on the page
        return Parsed(
            name,
            digest,
            len(data),
            error=_one_line(
                f"{name}：无法解析（{type(exc).__name__}: {exc}）（请把这个文件报告给维护者）"
            ),
        )
    try:
        checks = tuple(run_checks(report))
    except Exception as exc:  # the report is still worth saving without its checks
        checks = (
            CheckResult(
                rule="—",
                status="uncertain",
                detail=f"检查未能运行：{type(exc).__name__}: {exc}",
            ),
        )
    return Parsed(name, digest, len(data), report=report, checks=checks)


def _tables_found(report: ParsedReport) -> str:
    catalog = metrics()
    found = {catalog[f.metric].table for f in report.facts if f.metric in catalog}
    found &= {"A", "B", "C", "统计表"}
    if not found:
        return "无"
    names = {"A": "表一", "B": "表二", "C": "表三", "统计表": "统计表"}
    return "、".join(names[t] for t in ("A", "B", "C", "统计表") if t in found)


def _region(report: ParsedReport) -> str:
    r = report.region
    return " ".join(p for p in (r.province, r.city, r.county) if p) or "未识别"


def _summary(items: list[Parsed]) -> pd.DataFrame:
    rows = []
    for item in items:
        r = item.report
        if r is None:
            rows.append({"文件": item.name, "状态": "无法导入"})
            continue
        rows.append(
            {
                "文件": item.name,
                "状态": "可保存",
                "格式": FORMAT_LABELS.get(r.format, r.format),
                "发布机关": r.issuer or "未识别",
                "范围": SCOPE_LABELS.get(r.scope, r.scope),
                "年度": str(r.year) if r.year is not None else "未识别",
                "地区": _region(r),
                "数字": str(len(r.facts)),
                "统计表": _tables_found(r),
                "警告": str(len(r.warnings)),
                "检查未通过": str(sum(1 for c in item.checks if c.status == "fail")),
            }
        )
    columns = ["文件", "状态", "格式", "发布机关", "范围", "年度", "地区"]
    columns += ["数字", "统计表", "警告", "检查未通过"]
    # Every cell a string; blank (not NaN / None) for the files that could not be read.
    return pd.DataFrame(rows, columns=columns).fillna("")


def _save(item: Parsed, data: bytes) -> tuple[str, int]:
    """Save one report in its own transaction; returns a one-line result and the report id."""
    from sqlalchemy.orm import Session

    from nianbao import db, store

    assert item.report is not None
    engine = ui.get_engine()
    db.init_db(engine)  # a new database has no tables yet
    with Session(engine) as session, session.begin():
        outcome = store.save_report(session, item.report, item.checks, data)
    if outcome.status == "duplicate":
        line = f"{item.name}：数据库中已有这份报告（编号 {outcome.report_id}），未重复保存"
    elif outcome.status == "version":
        line = (
            f"{item.name}：已保存为第 {outcome.version} 版（编号 {outcome.report_id}），"
            "取代同一机关同一年度的旧版本"
        )
    else:
        line = f"{item.name}：已保存（编号 {outcome.report_id}）"
    return line, outcome.report_id


st.markdown(
    "上传一个或多个政府信息公开工作年度报告（txt、md、html、htm、docx、pdf，单个不超过 50 MB）。"
    "先检查识别结果，再按“保存”写入数据库。"
)

# No type= here: Streamlit would reject other files with an exception of its
# own; checking the extension ourselves gives the one-line message per file.
uploads = st.file_uploader(
    "选择文件（txt、md、html、htm、docx、pdf）",
    accept_multiple_files=True,
    key="uploads",
)

if not uploads:
    st.caption("尚未选择文件。")
    st.stop()

parsed_cache: dict[str, Parsed] = st.session_state.setdefault("import_parsed", {})
items: list[Parsed] = []
originals: dict[str, bytes] = {}
with st.spinner("正在解析…"):
    for upload in uploads:
        size = getattr(upload, "size", None)
        if size is not None and size > MAX_BYTES:  # refuse before reading 50 MB into memory
            items.append(Parsed(upload.name, "", size, error=_refusal(upload.name, size)))
            continue
        data = upload.getvalue()
        key = f"{upload.name}:{hashlib.sha256(data).hexdigest()}"
        if key not in parsed_cache:
            parsed_cache[key] = _parse(upload.name, data)
        item = parsed_cache[key]
        items.append(item)
        originals[key] = data

st.header("识别结果")
st.dataframe(_summary(items), hide_index=True, width="stretch", placeholder="")

for item in items:
    if item.error:
        st.error(ui_text.escape_literal(item.error))

for item in items:
    r = item.report
    if r is None:
        continue
    label = ui_text.escape_literal(
        f"{item.name} · {r.issuer or '发布机关未识别'} · {r.year or '年度未识别'}"
    )
    with st.expander(label):
        st.text(f"标题：{r.title or '未识别'}")
        st.text(f"发布日期：{r.published.isoformat() if r.published else '未识别'}")
        st.text(f"章节：{len(r.sections)}；数字：{len(r.facts)}；统计表：{_tables_found(r)}")
        failed = [c for c in item.checks if c.status != "pass"]
        if failed:
            st.markdown("**检查未通过或无法判断**")
            lines = (
                f"{c.rule} {STATUS_LABELS.get(c.status, c.status)} {c.subject} {c.detail}"
                for c in failed
            )
            st.text("\n".join(line.strip() for line in lines))
        if r.warnings:
            st.markdown(f"**解析警告（{len(r.warnings)} 条）**")
            st.text("\n".join(r.warnings))
        # The tables as they will be stored, in the layout of the official template.
        for table in official_layout.official_tables(r.facts, r.format):
            if table.key in ("B", "C", "统计表"):
                st.markdown(f"**{table.title}**")
                st.dataframe(table.frame, hide_index=True, width="stretch", placeholder="")

savable = [i for i in items if i.report is not None]
if not savable:
    st.info("没有可保存的报告。")
    st.stop()

if st.button(f"保存 {len(savable)} 份报告", type="primary", key="save"):
    results: list[tuple[str, int | None]] = []
    for item in savable:
        key = f"{item.name}:{item.digest}"
        try:
            results.append(_save(item, originals[key]))
        except Exception as exc:  # one line per file; the other files are still saved
            reason = " ".join(str(exc).split())
            results.append((f"{item.name}：保存失败（{type(exc).__name__}: {reason}）", None))
    # Every cached figure may have changed: clear them all (ui.query's and the pages').
    st.cache_data.clear()
    for line, report_id in results:
        if report_id is None:
            st.error(ui_text.escape_literal(line))
        else:
            st.success(ui_text.escape_literal(line))
            ui.report_link(report_id, "打开报告详情")
