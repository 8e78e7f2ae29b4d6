"""One report: metadata, sections, facts, checks, the original file.

Read-side queries for the 报告详情 page. Each function opens a short session
on the engine it is given and returns plain values or DataFrames (never ORM
objects, so results can be cached at the UI edge).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePath

import pandas as pd
from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session, aliased

from loaders.catalog import applicants, metrics
from nianbao import labels as lb
from nianbao.models import CheckResult, Fact, Region, Report, Section

SCOPE_LABELS = lb.SCOPE_LABELS
STATUS_LABELS = lb.STATUS_LABELS
# The shared short name, then which template it is (evaluators cite the 函).
FORMAT_LABELS = {
    "gov2021": f"{lb.FORMAT_LABELS['gov2021']}（国办公开办函〔2021〕30号）",
    "gov2019": f"{lb.FORMAT_LABELS['gov2019']}（试行，国办公开办函〔2019〕60号）",
    "legacy": f"{lb.FORMAT_LABELS['legacy']}（2019年以前）",
    "narrative": f"{lb.FORMAT_LABELS['narrative']}（无统计表）",
}


def region_path(names: tuple[str | None, ...]) -> str:
    """'福建省 福州市 平潭综合实验区' from (grandparent, parent, region) names."""
    return " ".join(n for n in names if n)


PICKER_LIMIT = 300
_YEAR_TOKEN = re.compile(r"^(\d{4})年?(?:度)?$")


def report_label(
    issuer: str | None,
    issuer_key: str | None,
    year: int | None,
    version: int | None = 1,
    is_current: bool = True,
    synthetic: bool = False,
    region: str = "",
) -> str:
    """'平潭综合实验区 · 2023年' — what the report picker shows for a report.

    The region is added when the issuer's name does not already say it
    ('财政局' exists in every county).
    """
    name = issuer or issuer_key or "（未识别发布机关）"
    label = f"{name} · {year}年" if year is not None else f"{name} · 年份不明"
    place = region.split(" ")[-1] if region else ""
    if place and place not in name:
        label += f"（{region}）"
    if not is_current:
        label += f" · 第{version}版（旧版）"
    if synthetic:
        label += " · 合成数据"
    return label


def find_reports(
    engine: Engine,
    search: str = "",
    include_synthetic: bool = False,
    limit: int = PICKER_LIMIT,
) -> tuple[pd.DataFrame, bool]:
    """Reports matching a search, most recent year first, at most ``limit``.

    ``search`` is split on spaces: a token like 2023 or 2023年 picks the year,
    every other token must occur in the issuer's name (or its key). Returns
    (id, label, issuer, issuer_key, year, region) and whether more matched
    than were listed — the picker never sends a whole national corpus to the
    browser. Generated benchmark reports are left out unless asked for.
    """
    conditions = []
    for token in search.split():
        year = _YEAR_TOKEN.match(token)
        if year:
            conditions.append(Report.year == int(year.group(1)))
        else:
            conditions.append(
                or_(
                    Report.issuer.contains(token, autoescape=True),
                    Report.issuer_key.contains(token, autoescape=True),
                )
            )
    if not include_synthetic:
        conditions.append(Report.synthetic.is_(False))
    # Two steps: the ids first (no joins, LIMIT applies to the report table
    # alone), then the region names of at most ``limit`` rows.
    stmt = (
        select(
            Report.id,
            Report.issuer,
            Report.issuer_key,
            Report.year,
            Report.version,
            Report.is_current,
            Report.synthetic,
            Report.region_id,
        )
        .where(*conditions)
        .order_by(Report.year.desc().nulls_last(), Report.issuer_key, Report.version.desc())
        .limit(limit + 1)
    )
    with Session(engine) as session:
        rows = session.execute(stmt).all()
        more = len(rows) > limit
        rows = rows[:limit]
        regions = _region_paths(session, {r.region_id for r in rows if r.region_id is not None})
    records = [
        {
            "id": int(r.id),
            "label": report_label(
                r.issuer,
                r.issuer_key,
                r.year,
                r.version,
                bool(r.is_current),
                bool(r.synthetic),
                regions.get(r.region_id, ""),
            ),
            "issuer": r.issuer,
            "issuer_key": r.issuer_key,
            "year": r.year,
            "region": regions.get(r.region_id, ""),
        }
        for r in rows
    ]
    columns = ["id", "label", "issuer", "issuer_key", "year", "region"]
    return pd.DataFrame(records, columns=columns), more


def _region_paths(session: Session, region_ids: set[int]) -> dict[int, str]:
    if not region_ids:
        return {}
    parent = aliased(Region)
    grandparent = aliased(Region)
    stmt = (
        select(Region.id, grandparent.name, parent.name, Region.name)
        .outerjoin(parent, Region.parent_id == parent.id)
        .outerjoin(grandparent, parent.parent_id == grandparent.id)
        .where(Region.id.in_(sorted(region_ids)))
    )
    return {rid: region_path((g, p, n)) for rid, g, p, n in session.execute(stmt)}


@dataclass(frozen=True)
class ReportMeta:
    id: int
    title: str | None
    issuer: str | None
    issuer_key: str
    scope: str
    region: str  # '福建省 福州市 平潭综合实验区', '' when unknown
    region_code: str | None
    year: int | None
    format: str
    published: dt.date | None
    source: str
    media_type: str
    parser_version: str
    version: int
    is_current: bool
    synthetic: bool
    has_original: bool
    warnings: tuple[str, ...]
    ingested_at: dt.datetime | None
    versions: int  # how many versions of this issuer and year are stored

    @property
    def label(self) -> str:
        return report_label(
            self.issuer,
            self.issuer_key,
            self.year,
            self.version,
            self.is_current,
            self.synthetic,
            self.region,
        )

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs for a metadata table, in Chinese."""
        published = self.published.isoformat() if self.published else "未识别"
        version = f"第 {self.version} 版（共 {self.versions} 版）" + (
            "，当前版本" if self.is_current else "，已被新版本取代"
        )
        rows = [
            ("标题", self.title or "未识别"),
            ("发布机关", self.issuer or "未识别"),
            ("范围", lb.label(SCOPE_LABELS, self.scope)),
            ("地区", self.region or "未识别"),
            ("行政区划代码", self.region_code or ""),
            ("年度", str(self.year) if self.year is not None else "未识别"),
            ("格式", lb.label(FORMAT_LABELS, self.format)),
            ("发布日期", published),
            ("来源", source_label(self.source)),
            ("文件名", PurePath(self.source).name if self.source else ""),
            ("文件类型", lb.label(lb.MEDIA_TYPE_LABELS, self.media_type)),
            ("版本", version),
            ("解析器版本", self.parser_version),
        ]
        if self.synthetic:
            rows.append(("说明", "合成数据（基准测试用，非真实报告）"))
        return rows


# --- where a report came from ------------------------------------------------------


@lru_cache(maxsize=16)
def _manifest(path: str, mtime_ns: int) -> dict[str, str]:
    """file → source of one manifest.csv (cached until the file changes)."""
    del mtime_ns  # part of the cache key only
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return {
                (row.get("file") or "").strip(): (row.get("source") or "").strip()
                for row in csv.DictReader(fh)
                if row.get("file")
            }
    except (OSError, csv.Error, UnicodeDecodeError):
        return {}


def manifest_source(source: str) -> str | None:
    """The original source a manifest.csv records for a stored file, if any.

    Reports are ingested from folders such as data/reports, whose
    manifest.csv has a row per file (``file`` relative to the manifest's
    folder, ``source`` the web address or archive it was taken from). The
    nearest manifest.csv above the file is the one that describes it.
    """
    if not source or not os.path.isabs(source):
        return None
    path = Path(source)
    for folder in path.parents:
        manifest = folder / "manifest.csv"
        try:
            mtime = manifest.stat().st_mtime_ns
        except OSError:
            continue
        found = _manifest(str(manifest), mtime).get(path.relative_to(folder).as_posix())
        return found or None
    return None


def source_label(source: str) -> str:
    """What 来源 shows: the original source, never a path on the server."""
    if re.match(r"^(https?|ftp)://", source or "", flags=re.IGNORECASE):
        return source
    recorded = manifest_source(source)
    if recorded:
        return recorded
    if source and (os.path.isabs(source) or source.startswith("…")):  # "…" + a long path's tail
        return "本地文件（由命令行导入，清单中无来源记录）"
    return "通过“导入”页上传" if source else "未记录"


def report_meta(engine: Engine, report_id: int) -> ReportMeta | None:
    """The metadata of one report, or None if there is no report with that id."""
    parent = aliased(Region)
    grandparent = aliased(Region)
    stmt = (
        select(
            Report,
            Region.name,
            Region.code,
            parent.name,
            grandparent.name,
            (Report.original.is_not(None)).label("has_original"),
        )
        .outerjoin(Region, Report.region_id == Region.id)
        .outerjoin(parent, Region.parent_id == parent.id)
        .outerjoin(grandparent, parent.parent_id == grandparent.id)
        .where(Report.id == report_id)
    )
    with Session(engine) as session:
        row = session.execute(stmt).first()
        if row is None:
            return None
        report, name, code, parent_name, grandparent_name, has_original = row
        versions = session.scalar(
            select(func.count())
            .select_from(Report)
            .where(Report.issuer_key == report.issuer_key, Report.year == report.year)
        )
        return ReportMeta(
            id=report.id,
            title=report.title,
            issuer=report.issuer,
            issuer_key=report.issuer_key,
            scope=report.scope,
            region=region_path((grandparent_name, parent_name, name)),
            region_code=code,
            year=report.year,
            format=report.format,
            published=report.published,
            source=report.source,
            media_type=report.media_type,
            parser_version=report.parser_version,
            version=report.version or 1,
            is_current=bool(report.is_current),
            synthetic=bool(report.synthetic),
            has_original=bool(has_original),
            warnings=tuple(w for w in (report.warnings or "").splitlines() if w.strip()),
            ingested_at=report.ingested_at,
            versions=int(versions or 1),
        )


def report_sections(engine: Engine, report_id: int) -> pd.DataFrame:
    """The narrative sections in reading order: number, title, text."""
    stmt = (
        select(Section.number, Section.title, Section.text, Section.order)
        .where(Section.report_id == report_id)
        .order_by(Section.order)
    )
    with Session(engine) as session:
        rows = session.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["number", "title", "text", "order"])


def report_full_text(engine: Engine, report_id: int) -> str:
    with Session(engine) as session:
        text = session.scalar(select(Report.full_text).where(Report.id == report_id))
    return text or ""


FACT_LABELS = {
    "metric": "指标代码",
    "applicant": "申请人",
    "value": "数值",
    "raw": "原文数值",
    "unit": "单位",
    "source": "来源",
    "location": "位置",
    "evidence": "原文句子",
}
FACT_COLUMNS = ["metric", "applicant", "value", "raw", "unit", "source", "location", "evidence"]


def report_facts(engine: Engine, report_id: int) -> pd.DataFrame:
    """The parsed facts of one report (value None for a blank cell), in stored order."""
    stmt = (
        select(
            Fact.metric,
            Fact.applicant,
            Fact.value,
            Fact.raw,
            Fact.unit,
            Fact.source,
            Fact.location,
            Fact.evidence,
        )
        .where(Fact.report_id == report_id)
        .order_by(Fact.id)
    )
    with Session(engine) as session:
        rows = session.execute(stmt).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=FACT_COLUMNS)
    # Keep None (not NaN) for blank cells so nothing downstream mistakes them for numbers.
    frame["value"] = frame["value"].astype(object).where(frame["value"].notna(), None)
    return frame


def label_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts of report_facts for people: Chinese column names, applicant and
    source labels, the metric's label beside its code. Missing stays missing."""
    labels = applicants()
    catalog = metrics()
    out = facts.copy()
    out.insert(1, "label", [catalog[m].label if m in catalog else "" for m in out["metric"]])
    out["applicant"] = [labels.get(a, a) if isinstance(a, str) else None for a in out["applicant"]]
    out["source"] = out["source"].map({"table": "表格", "text": "正文"}).fillna(out["source"])
    out["evidence"] = [e if isinstance(e, str) else None for e in out["evidence"]]
    return out.rename(columns={**FACT_LABELS, "label": "指标"})


# Fragments of the check details stored before the checks spoke Chinese
# (nianbao/checks now write Chinese; older databases still hold these).
_DETAIL_PHRASES: tuple[tuple[str, str], ...] = (
    (" (blank cells); passes if blanks are zero", "（有空白格）；空白格按 0 计时成立"),
    (
        " (blank cells); does not hold even with blanks as zero",
        "（有空白格）；空白格按 0 计也不成立",
    ),
    ("; passes if blanks are zero", "；空白格按 0 计时成立"),
    ("; does not hold even with blanks as zero", "；空白格按 0 计也不成立"),
    (" (blank cells)", "（有空白格）"),
    (
        "; the table ends after 电子邮件申请数, the other channels are missing",
        "；表格止于电子邮件申请数，缺少其他渠道",
    ),
    (" vs ", " 对 "),
)
_PARTS_SUM = re.compile(r" \(parts sum to ([^)]*)\)")
_BLANK = re.compile(r"\bblank\b")


def check_detail(detail: str | None, subject: str | None = None) -> str:
    """A check's detail in Chinese: applicant codes and English phrases of
    older databases translated, anything already Chinese left as it is."""
    text = detail or ""
    if subject and text.startswith(f"{subject}: "):
        name = lb.APPLICANT_LABELS.get(subject) or (
            metrics()[subject].label if subject in metrics() else subject
        )
        text = f"{name}：{text[len(subject) + 2 :]}"
    for english, chinese in _DETAIL_PHRASES:
        text = text.replace(english, chinese)
    text = _PARTS_SUM.sub(lambda m: f"（各项之和为 {m.group(1)}）", text)
    text = _BLANK.sub("空白", text)
    for code, name in lb.APPLICANT_LABELS.items():
        text = text.replace(f"{code}: ", f"{name}：")
    return text


def report_checks(engine: Engine, report_id: int) -> pd.DataFrame:
    """Check results of one report: rule, status, subject, detail (fail first).

    Codes stay codes here (rule, status); subject and detail are for people:
    the applicant or metric's Chinese name, the detail in Chinese.
    """
    stmt = select(CheckResult.rule, CheckResult.status, CheckResult.subject, CheckResult.detail)
    stmt = stmt.where(CheckResult.report_id == report_id).order_by(CheckResult.id)
    with Session(engine) as session:
        rows = session.execute(stmt).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["rule", "status", "subject", "detail"])
    catalog = metrics()
    frame["detail"] = [
        check_detail(d, s) for d, s in zip(frame["detail"], frame["subject"], strict=True)
    ]
    # Rules name their subject by applicant key or metric code; show the label.
    frame["subject"] = [
        lb.APPLICANT_LABELS.get(s) or (catalog[s].label if s in catalog else s)
        for s in frame["subject"]
    ]
    order = {"fail": 0, "uncertain": 1, "pass": 2}
    return (
        frame.assign(_o=frame["status"].map(order).fillna(3))
        .sort_values(["_o"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


@dataclass(frozen=True)
class OriginalFile:
    filename: str
    data: bytes
    from_database: bool  # False: read from the source path on disk


def report_original(engine: Engine, report_id: int) -> OriginalFile | None:
    """The original file: as uploaded (report.original), else read from its source path.

    None when neither is available (e.g. the source was a URL or the file moved).
    """
    with Session(engine) as session:
        row = session.execute(
            select(Report.original, Report.source, Report.media_type).where(Report.id == report_id)
        ).first()
    if row is None:
        return None
    original, source, media_type = row
    name = _download_name(report_id, source, media_type)
    if original is not None:
        return OriginalFile(filename=name, data=bytes(original), from_database=True)
    path = Path(source)
    try:
        if path.is_file():
            return OriginalFile(filename=name, data=path.read_bytes(), from_database=False)
    except OSError:
        return None
    return None


_EXTENSIONS = {"text": "txt", "html": "html", "docx": "docx", "pdf": "pdf"}


def _download_name(report_id: int, source: str, media_type: str) -> str:
    name = PurePath(source).name if source else ""
    if not name or "." not in name:
        name = f"report-{report_id}.{_EXTENSIONS.get(media_type, 'txt')}"
    return name


def original_filename(meta: ReportMeta) -> str | None:
    """The download name of the original file, or None when it cannot be had.

    Cheap (no file content is read), so the page can offer the download and
    fetch the bytes only when the button is pressed.
    """
    if not meta.has_original:
        try:
            if not Path(meta.source).is_file():
                return None
        except OSError:
            return None
    return _download_name(meta.id, meta.source, meta.media_type)
