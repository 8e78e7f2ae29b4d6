"""One report: metadata, sections, facts, checks, the original file.

Read-side queries for the 报告详情 page. Each function opens a short session
on the engine it is given and returns plain values or DataFrames (never ORM
objects, so results can be cached at the UI edge).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path, PurePath

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, aliased

from loaders.catalog import applicants, metrics
from nianbao.models import CheckResult, Fact, Region, Report, Section

SCOPE_LABELS = {
    "government": "政府",
    "department": "部门",
    "township": "乡镇/街道",
    "other": "其他",
}
FORMAT_LABELS = {
    "gov2021": "2021 年格式（国办公开办函〔2021〕30号）",
    "gov2019": "2019 年试行格式（国办公开办函〔2019〕60号）",
    "legacy": "2019 年以前的统计表",
    "narrative": "仅文字，无统计表",
}
STATUS_LABELS = {"pass": "通过", "fail": "未通过", "uncertain": "无法判断"}


def region_path(names: tuple[str | None, ...]) -> str:
    """'福建省 福州市 平潭综合实验区' from (grandparent, parent, region) names."""
    return " ".join(n for n in names if n)


def report_choices(
    engine: Engine, current_only: bool = False, include_synthetic: bool = False
) -> pd.DataFrame:
    """Every report as a choice: id, issuer, year, scope, region, format, version.

    Sorted by issuer then year (newest first) so a selectbox groups a body's
    reports together. ``label`` is what a selectbox shows. Generated benchmark
    reports are left out unless asked for, and labelled 合成 when included.
    """
    parent = aliased(Region)
    grandparent = aliased(Region)
    stmt = (
        select(
            Report.id,
            Report.issuer,
            Report.issuer_key,
            Report.year,
            Report.scope,
            Report.format,
            Report.version,
            Report.is_current,
            Report.title,
            Report.synthetic,
            grandparent.name.label("region_grandparent"),
            parent.name.label("region_parent"),
            Region.name.label("region_name"),
        )
        .outerjoin(Region, Report.region_id == Region.id)
        .outerjoin(parent, Region.parent_id == parent.id)
        .outerjoin(grandparent, parent.parent_id == grandparent.id)
        .order_by(Report.issuer_key, Report.year.desc(), Report.version.desc(), Report.id)
    )
    if current_only:
        stmt = stmt.where(Report.is_current.is_(True))
    if not include_synthetic:
        stmt = stmt.where(Report.synthetic.is_(False))
    with Session(engine) as session:
        rows = session.execute(stmt).all()
    records = []
    for r in rows:
        region = region_path((r.region_grandparent, r.region_parent, r.region_name))
        issuer = r.issuer or r.issuer_key or "（未识别发布机关）"
        year = f"{r.year}年" if r.year is not None else "年份不明"
        label = f"{issuer} · {year}"
        if not r.is_current:
            label += f" · 第{r.version}版（旧版）"
        if r.synthetic:
            label += " · 合成数据"
        records.append(
            {
                "id": r.id,
                "label": label,
                "issuer": r.issuer,
                "issuer_key": r.issuer_key,
                "year": r.year,
                "scope": r.scope,
                "format": r.format,
                "version": r.version,
                "is_current": bool(r.is_current),
                "title": r.title,
                "region": region,
            }
        )
    columns = [
        "id",
        "label",
        "issuer",
        "issuer_key",
        "year",
        "scope",
        "format",
        "version",
        "is_current",
        "title",
        "region",
    ]
    return pd.DataFrame(records, columns=columns)


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

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs for a metadata table, in Chinese."""
        published = self.published.isoformat() if self.published else "未识别"
        version = f"第 {self.version} 版（共 {self.versions} 版）" + (
            "，当前版本" if self.is_current else "，已被新版本取代"
        )
        rows = [
            ("标题", self.title or "未识别"),
            ("发布机关", self.issuer or "未识别"),
            ("范围", SCOPE_LABELS.get(self.scope, self.scope)),
            ("地区", self.region or "未识别"),
            ("行政区划代码", self.region_code or ""),
            ("年度", str(self.year) if self.year is not None else "未识别"),
            ("格式", FORMAT_LABELS.get(self.format, self.format)),
            ("发布日期", published),
            ("来源", self.source),
            ("文件类型", self.media_type),
            ("版本", version),
            ("解析器版本", self.parser_version),
        ]
        if self.synthetic:
            rows.append(("说明", "合成数据（基准测试用，非真实报告）"))
        return rows


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


def report_checks(engine: Engine, report_id: int) -> pd.DataFrame:
    """Check results of one report: rule, status, subject, detail (fail first)."""
    stmt = select(CheckResult.rule, CheckResult.status, CheckResult.subject, CheckResult.detail)
    stmt = stmt.where(CheckResult.report_id == report_id).order_by(CheckResult.id)
    with Session(engine) as session:
        rows = session.execute(stmt).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["rule", "status", "subject", "detail"])
    # Rules name their subject by applicant key or metric code; show the label.
    labels = applicants()
    catalog = metrics()
    frame["subject"] = [
        labels.get(s) or (catalog[s].label if s in catalog else s) for s in frame["subject"]
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
