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
from nianbao.labels import FORMAT_LABELS, SCOPE_LABELS, STATUS_LABELS

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


@dataclass(frozen=True)
class Plan:
    """What 保存 would do with one readable file, decided before anything is written."""

    action: str  # "new" | "replace" | "duplicate" | "conflict"
    status: str  # the 状态 cell of the preview
    group: tuple[str, int] | None = None  # (issuer key, year) of a conflict


def _store_keys(item: Parsed, data: bytes) -> tuple[str, str]:
    """(content hash, issuer key) exactly as nianbao.store will compute them on save."""
    from nianbao import store

    assert item.report is not None
    return store.content_hash(item.report, data), store.issuer_key(item.report)


def _stored(
    digests: set[str], groups: set[tuple[str, int]]
) -> tuple[dict[str, int], dict[tuple[str, int], int]]:
    """What the database already holds: report id by content hash, and the
    current version of each (issuer key, year). A new database holds nothing."""
    from sqlalchemy import inspect, select, tuple_
    from sqlalchemy.orm import Session

    from nianbao.models import Report

    engine = ui.get_engine()
    if not inspect(engine).has_table("report"):
        return {}, {}
    with Session(engine) as session:
        by_hash = {
            digest: int(rid)
            for digest, rid in session.execute(
                select(Report.content_hash, Report.id).where(Report.content_hash.in_(digests))
            )
        }
        current: dict[tuple[str, int], int] = {}
        if groups:
            rows = session.execute(
                select(Report.issuer_key, Report.year, Report.version).where(
                    tuple_(Report.issuer_key, Report.year).in_(sorted(groups)),
                    Report.is_current.is_(True),
                )
            )
            current = {(k, int(y)): int(v) for k, y, v in rows}
    return by_hash, current


def _key(item: Parsed) -> str:
    return f"{item.name}:{item.digest}"


def _plans(items: list[Parsed], originals: dict[str, bytes]) -> dict[str, Plan]:
    """Per readable file (by _key): new, a replacement of the current report,
    already stored, or in conflict with another file of this batch for the
    same body and year. Hashes and keys are nianbao.store's own."""
    readable = [i for i in items if i.report is not None]
    keys = {_key(i): _store_keys(i, originals[_key(i)]) for i in readable}
    groups = {
        _key(i): (keys[_key(i)][1], i.report.year)
        for i in readable
        if i.report is not None and i.report.year is not None
    }
    by_hash, current = _stored({d for d, _ in keys.values()}, set(groups.values()))

    plans: dict[str, Plan] = {}
    first_with_hash: dict[str, str] = {}
    for item in readable:
        digest = keys[_key(item)][0]
        if digest in by_hash:
            plans[_key(item)] = Plan("duplicate", f"已入库（编号 {by_hash[digest]}），不会重复保存")
        elif digest in first_with_hash:
            plans[_key(item)] = Plan(
                "duplicate", f"与 {first_with_hash[digest]} 内容相同，不会重复保存"
            )
        else:
            first_with_hash[digest] = item.name
    # Files of one body and year in the same batch: only one can be the current report.
    members: dict[tuple[str, int], list[str]] = {}
    for item in readable:
        group = groups.get(_key(item))
        if group is not None and _key(item) not in plans:
            members.setdefault(group, []).append(item.name)
    for item in readable:
        if _key(item) in plans:
            continue
        group = groups.get(_key(item))
        others = [n for n in members.get(group, []) if n != item.name] if group else []
        if group is not None and others:
            body = item.report.issuer if item.report and item.report.issuer else group[0]
            plans[_key(item)] = Plan(
                "conflict",
                f"冲突：与 {'、'.join(others)} 同为 {body} {group[1]} 年的报告，请选择保存哪一个",
                group,
            )
        elif group is not None and group in current:
            plans[_key(item)] = Plan(
                "replace",
                f"将替换现有的 {group[1]} 年报告（第 {current[group]} 版），旧版本保留",
            )
        else:
            plans[_key(item)] = Plan("new", "可保存（新报告）")
    return plans


def _summary(items: list[Parsed], plans: dict[str, Plan]) -> pd.DataFrame:
    rows = []
    for item in items:
        r = item.report
        if r is None:
            rows.append({"文件": item.name, "状态": "无法导入"})
            continue
        rows.append(
            {
                "文件": item.name,
                "状态": plans[_key(item)].status,
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
    return pd.DataFrame(rows, columns=columns, dtype=object).fillna("")


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

plans = _plans(items, originals)
st.header("识别结果")
st.dataframe(_summary(items, plans), hide_index=True, width="stretch", placeholder="")

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

# Each conflict is settled by the user: one file per body and year, or none.
chosen_in_conflict: set[str] = set()
conflicts: dict[tuple[str, int], list[str]] = {}
for item in items:
    plan = plans.get(_key(item))
    if plan is not None and plan.action == "conflict" and plan.group is not None:
        conflicts.setdefault(plan.group, []).append(item.name)
for (key, year), names in conflicts.items():
    st.warning(
        ui_text.escape_literal(
            f"{key} {year} 年有 {len(names)} 个文件。同一机关同一年度只保留一份当前报告，"
            "请选择要保存的文件（其余文件不保存）。"
        )
    )
    pick = st.radio(
        ui_text.escape_literal(f"{key} {year} 年保存哪一个文件？"),
        [*names, ""],
        index=None,
        format_func=lambda n: ui_text.escape_literal(n) if n else "都不保存",
        key=f"conflict:{key}:{year}",
    )
    if pick:
        chosen_in_conflict.add(pick)

savable = [
    i
    for i in items
    if i.report is not None
    and (plans[_key(i)].action in ("new", "replace") or i.name in chosen_in_conflict)
]
if not savable:
    if any(p.action == "duplicate" for p in plans.values()):
        st.info("这些文件都已入库，没有需要保存的报告。")
    elif conflicts:
        st.info("请先在上面选择要保存的文件。")
    else:
        st.info("没有可保存的报告。")
    st.stop()

if st.button(f"保存 {len(savable)} 份报告", type="primary", key="save"):
    results: list[tuple[str, int | None]] = []
    for item in savable:  # one transaction per report: a failure leaves the others saved
        try:
            results.append(_save(item, originals[_key(item)]))
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
