"""The facts table with filters, and the metric / series catalogue with counts.

Read-side queries for the 数据 and 指标说明 pages. Filtering happens in SQL;
the result is a DataFrame with Chinese column labels, which the page shows
and exports unchanged (so an export is exactly what is shown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Engine, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from loaders.catalog import applicants, metrics
from nianbao import rollup
from nianbao.labels import FORMAT_LABELS, SCOPE_LABELS, SOURCE_LABELS, label
from nianbao.models import Fact, Region, Report
from nianbao.queries.reports import region_path

# The columns of the 数据 page, in order: (query column, label shown). What a
# reader needs comes first, so 数值 is on screen without scrolling; the codes
# and the raw token (TECHNICAL_COLUMNS) are shown only when asked for.
FACT_TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("issuer", "发布机关"),
    ("year", "年度"),
    ("metric_label", "指标"),
    ("applicant", "申请人"),
    ("value", "数值"),
    ("unit", "单位"),
    ("status", "状态"),
    ("scope", "范围"),
    ("region", "地区"),
    ("format", "格式"),
    ("source", "来源"),
    ("report_id", "报告ID"),
    ("metric", "指标代码"),
    ("raw", "原文数值"),
    ("location", "位置"),
)
TECHNICAL_COLUMNS: tuple[str, ...] = ("指标代码", "原文数值", "位置")

DEFAULT_LIMIT = 5000  # rows shown on the page
# Rows one export may hold. Excel stops at 1,048,576 rows, and reading and
# writing 100,000 rows takes 10–40 s (openpyxl; more on a busy server), which
# is as long as a click should wait; a larger selection is narrowed first.
EXPORT_MAX = 100_000

# 状态 of a cell: a value, a blank cell, or a value the parser could not
# decide (fused digits with several splits: value NULL, raw = the digits).
STATUS_VALUE = "有数值"
STATUS_BLANK = "空白"
_DIGIT = re.compile(r"\d")


def value_status(value: Any, raw: str | None) -> str:
    """'有数值', '空白', or '存疑（原文 77132470）' when the written digits were not accepted."""
    if value is not None and not (isinstance(value, float) and value != value):
        return STATUS_VALUE
    token = (raw or "").strip()
    if _DIGIT.search(token):
        return f"存疑（原文 {token}）"
    return STATUS_BLANK


@dataclass(frozen=True)
class FactFilter:
    """What the 数据 page filters on. Empty tuples mean 'any'."""

    year_from: int | None = None
    year_to: int | None = None
    scopes: tuple[str, ...] = ()
    region_ids: tuple[int, ...] = ()  # a region matches its own reports and its children's
    issuer_keys: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    source: str | None = None  # 'table' / 'text' / None for both
    only_non_null: bool = False
    current_only: bool = True  # older versions of a re-published report are left out
    include_synthetic: bool = False


@dataclass(frozen=True)
class FilterOptions:
    year_min: int | None
    year_max: int | None
    scopes: tuple[str, ...]
    regions: pd.DataFrame  # id, label
    bodies: pd.DataFrame  # issuer_key, label
    metrics: pd.DataFrame  # metric, label (only metrics that have facts)
    sources: tuple[str, ...] = field(default=("table", "text"))


def filter_options(engine: Engine, include_synthetic: bool = False) -> FilterOptions:
    """The values each filter of the 数据 page can take, from what is loaded."""
    real = [] if include_synthetic else [Report.synthetic.is_(False)]
    parent = aliased(Region)
    with Session(engine) as session:
        ymin, ymax = session.execute(
            select(func.min(Report.year), func.max(Report.year)).where(*real)
        ).one()
        scopes = session.scalars(select(Report.scope).distinct().order_by(Report.scope)).all()
        region_rows = session.execute(
            select(Region.id, Region.name, parent.name)
            .outerjoin(parent, Region.parent_id == parent.id)
            .order_by(Region.name)
        ).all()
        # The issuer as most recently written labels each body.
        latest = (
            select(Report.issuer_key, func.max(Report.id).label("rid"))
            .group_by(Report.issuer_key)
            .subquery()
        )
        body_rows = session.execute(
            select(Report.issuer_key, Report.issuer)
            .join(latest, Report.id == latest.c.rid)
            .order_by(Report.issuer_key)
        ).all()
        metric_codes = session.scalars(_distinct_metrics()).all()
    catalog = metrics()
    regions = pd.DataFrame(
        [(rid, f"{name}（{pname}）" if pname else name) for rid, name, pname in region_rows],
        columns=["id", "label"],
    )
    bodies = pd.DataFrame(
        [(key, issuer or key) for key, issuer in body_rows], columns=["issuer_key", "label"]
    )
    order = {code: i for i, code in enumerate(catalog)}
    codes = sorted(metric_codes, key=lambda c: (order.get(c, len(order)), c))
    metric_frame = pd.DataFrame(
        [(c, f"{catalog[c].label}（{c}）" if c in catalog else c) for c in codes],
        columns=["metric", "label"],
    )
    return FilterOptions(
        year_min=ymin,
        year_max=ymax,
        scopes=tuple(scopes),
        regions=regions,
        bodies=bodies,
        metrics=metric_frame,
    )


def _distinct_metrics() -> Select[Any]:
    """The metric codes that have facts, by a loose index scan.

    SELECT DISTINCT metric reads every entry of the (metric, …) index: 0.5 s
    at 13 million facts. Asking for the next code after the last one found
    (a recursive CTE, on SQLite and PostgreSQL alike) is one index seek per
    code, about 150 in all.
    """
    codes = select(func.min(Fact.metric).label("metric")).cte("codes", recursive=True)
    following = select(func.min(Fact.metric)).where(Fact.metric > codes.c.metric)
    codes = codes.union_all(select(following.scalar_subquery()).where(codes.c.metric.is_not(None)))
    return select(codes.c.metric).where(codes.c.metric.is_not(None))


def _region_subtrees(region_ids: tuple[int, ...]) -> Select[Any]:
    """The ids of these regions and of every region below them (a recursive CTE)."""
    tree = select(Region.id).where(Region.id.in_(region_ids)).cte("tree", recursive=True)
    tree = tree.union_all(select(Region.id).where(Region.parent_id == tree.c.id))
    return select(tree.c.id)


def _report_conditions(flt: FactFilter) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a filter on the report table."""
    conditions: list[ColumnElement[bool]] = []
    if flt.year_from is not None:
        conditions.append(Report.year >= flt.year_from)
    if flt.year_to is not None:
        conditions.append(Report.year <= flt.year_to)
    if flt.scopes:
        conditions.append(Report.scope.in_(flt.scopes))
    if flt.region_ids:
        conditions.append(Report.region_id.in_(_region_subtrees(flt.region_ids)))
    if flt.issuer_keys:
        conditions.append(Report.issuer_key.in_(flt.issuer_keys))
    if flt.current_only:
        conditions.append(Report.is_current.is_(True))
    if not flt.include_synthetic:
        conditions.append(Report.synthetic.is_(False))
    return conditions


def _fact_conditions(flt: FactFilter) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a filter on the fact table."""
    conditions: list[ColumnElement[bool]] = []
    if flt.metrics:
        conditions.append(Fact.metric.in_(flt.metrics))
    if flt.source:
        conditions.append(Fact.source == flt.source)
    if flt.only_non_null:
        conditions.append(Fact.value.is_not(None))
    return conditions


def _conditions(flt: FactFilter) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a filter, over the fact and report tables."""
    return _report_conditions(flt) + _fact_conditions(flt)


def count_facts(engine: Engine, flt: FactFilter, cap: int | None = None) -> int:
    """How many facts pass the filter; with ``cap``, counting stops at cap + 1.

    Counting 13 million facts exactly costs most of a second; "more than
    EXPORT_MAX" is all the page needs to say for a selection that large.
    """
    if flt.metrics:
        # Read the facts of these metrics from the (metric, …) index and keep
        # those of a matching report. "+ 0" stops SQLite from probing the
        # report_id index report by report instead and reading every fact of
        # each (2.5 s against 0.4 s at 100,000 reports); PostgreSQL plans the
        # same semi-join either way.
        reports = select(Report.id).where(*_report_conditions(flt))
        inner = select(Fact.id).where(*_fact_conditions(flt), (Fact.report_id + 0).in_(reports))
    else:
        inner = select(Fact.id).join(Report, Fact.report_id == Report.id).where(*_conditions(flt))
    if cap is not None:
        inner = inner.limit(cap + 1)
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(inner.subquery())) or 0)


def _ordered_report_ids(
    session: Session, flt: FactFilter, limit: int | None = None, offset: int = 0
) -> list[int]:
    """The reports that may hold matching facts, in the order of the table.

    Reading these ids first (one index scan) and then their facts in small
    batches lets the page stop after ``limit`` rows; one ORDER BY over the
    fact join would sort millions of rows first.
    """
    stmt = select(Report.id).where(*_report_conditions(flt))
    if flt.metrics:  # skip reports without the metric instead of reading their facts
        stmt = stmt.where(Report.id.in_(select(Fact.report_id).where(Fact.metric.in_(flt.metrics))))
    stmt = stmt.order_by(Report.issuer_key, Report.year, Report.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [int(i) for i in session.scalars(stmt)]


FIRST_REPORTS = 256  # usually enough for a page of rows; the rest is read only if needed


def _fact_rows(session: Session, flt: FactFilter, limit: int) -> list[Any]:
    """At most ``limit`` fact rows, ordered by body, year, report, then fact id."""
    region = aliased(Region)
    parent = aliased(Region)
    grandparent = aliased(Region)
    stmt = (
        select(
            Report.id.label("report_id"),
            Report.year,
            Report.issuer,
            Report.issuer_key,
            Report.scope,
            Report.format,
            grandparent.name.label("g"),
            parent.name.label("p"),
            region.name.label("r"),
            Fact.id.label("fact_id"),
            Fact.metric,
            Fact.applicant,
            Fact.value,
            Fact.raw,
            Fact.unit,
            Fact.source,
            Fact.location,
        )
        .join(Report, Fact.report_id == Report.id)
        .outerjoin(region, Report.region_id == region.id)
        .outerjoin(parent, region.parent_id == parent.id)
        .outerjoin(grandparent, parent.parent_id == grandparent.id)
        .where(*_fact_conditions(flt))
    )
    # The first reports by a top-N sort (cheap), all the others only when the
    # page is not full yet (at 100,000 reports: 15 ms against 60 ms).
    ids = _ordered_report_ids(session, flt, limit=FIRST_REPORTS)
    rest_read = len(ids) < FIRST_REPORTS
    rows: list[Any] = []
    pos, size = 0, 64  # small first batch: one body's reports usually fill the page
    while len(rows) < limit:
        if pos >= len(ids):
            if rest_read:
                break
            ids += _ordered_report_ids(session, flt, offset=len(ids))
            rest_read = True
            continue
        chunk = ids[pos : pos + size]
        pos, size = pos + len(chunk), min(size * 4, 2000)
        rank = {rid: i for i, rid in enumerate(chunk)}
        batch = list(session.execute(stmt.where(Fact.report_id.in_(chunk))).all())
        batch.sort(key=lambda r: (rank[r.report_id], r.fact_id))
        rows.extend(batch[: limit - len(rows)])
    return rows


def facts_table(
    engine: Engine,
    flt: FactFilter,
    limit: int = DEFAULT_LIMIT,
    count_cap: int | None = None,
) -> tuple[pd.DataFrame, int]:
    """The facts that pass the filter (at most ``limit`` rows) and how many there are in all.

    The count is exact, or cap + 1 when there are more than ``count_cap``.
    Columns are the Chinese labels of FACT_TABLE_COLUMNS. 数值 holds None for
    a blank or undecided cell (shown empty, exported as an empty cell), never
    0; 状态 tells the two apart. Ordered by body, year, report, then the
    order in which the report lists its facts.
    """
    with Session(engine) as session:
        rows = _fact_rows(session, flt, limit)
    total = count_facts(engine, flt, count_cap) if len(rows) >= limit else len(rows)
    catalog = metrics()
    applicant_labels = applicants()
    records = []
    for r in rows:
        records.append(
            {
                "issuer": r.issuer or r.issuer_key,
                "year": r.year,
                "metric_label": catalog[r.metric].label if r.metric in catalog else "",
                "applicant": applicant_labels.get(r.applicant, r.applicant) if r.applicant else "",
                "value": r.value,
                "unit": r.unit,
                "status": value_status(r.value, r.raw),
                "scope": label(SCOPE_LABELS, r.scope),
                "region": region_path((r.g, r.p, r.r)),
                "format": label(FORMAT_LABELS, r.format),
                "source": label(SOURCE_LABELS, r.source),
                "report_id": r.report_id,
                "metric": r.metric,
                "raw": r.raw,
                "location": r.location or "",
            }
        )
    frame = pd.DataFrame(records, columns=[c for c, _ in FACT_TABLE_COLUMNS])
    frame["value"] = frame["value"].astype(object).where(frame["value"].notna(), None)
    frame = frame.rename(columns=dict(FACT_TABLE_COLUMNS))
    return frame, int(total)


# --- 指标说明 ----------------------------------------------------------------

FORMAT_NAMES = {
    "gov2021": "2021",
    "gov2019": "2019试行",
    "legacy": "2019年以前",
    "narrative": "仅文字",
}
COMPARABLE_LABELS = {
    "yes": "可比",
    "approx": "近似可比",
    "text-only after 2019": "2019年后仅见于正文",
}


def metric_counts(engine: Engine, include_synthetic: bool = False) -> pd.DataFrame:
    """Per metric: facts stored (blank cells included) and reports that have it.

    Generated benchmark reports count only when asked for (include_synthetic).
    Both counts come from the (metric, report_id) index alone, so this stays
    fast at millions of facts; counting non-blank values would read every row.
    """
    counted = rollup.metric_counts(engine, include_synthetic)  # pre-summed at ingest
    if counted is not None:
        return counted
    stmt = select(
        Fact.metric,
        func.count().label("facts"),
        func.count(func.distinct(Fact.report_id)).label("reports"),
    ).group_by(Fact.metric)
    if not include_synthetic:
        real = select(Report.id).where(Report.synthetic.is_(False))
        stmt = stmt.where(Fact.report_id.in_(real))
    with Session(engine) as session:
        rows = session.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["metric", "facts", "reports"])


def metric_catalog(engine: Engine, include_synthetic: bool = False) -> pd.DataFrame:
    """Every metric of loaders/metrics.csv with its label, unit, formats, parent and counts.

    Metrics found in the database but missing from the catalogue are listed
    at the end, so nothing stored is invisible.
    """
    catalog = metrics()
    counts = metric_counts(engine, include_synthetic).set_index("metric")
    records = []
    for code, m in catalog.items():
        c = counts.loc[code] if code in counts.index else None
        records.append(
            {
                "代码": code,
                "官方名称": m.label,
                "单位": m.unit,
                "表": m.table,
                "格式": "、".join(FORMAT_NAMES.get(f, f) for f in m.formats),
                "上级指标": m.parent or "",
                "按申请人": "是" if m.has_applicant else "",
                "说明": m.note,
                "事实数": int(c["facts"]) if c is not None else 0,
                "报告数": int(c["reports"]) if c is not None else 0,
            }
        )
    for code in counts.index:
        if code not in catalog:
            c = counts.loc[code]
            records.append(
                {
                    "代码": code,
                    "官方名称": "（不在指标目录中）",
                    "单位": "",
                    "表": "",
                    "格式": "",
                    "上级指标": "",
                    "按申请人": "",
                    "说明": "",
                    "事实数": int(c["facts"]),
                    "报告数": int(c["reports"]),
                }
            )
    return pd.DataFrame(records)


def _series_report_counts(engine: Engine, include_synthetic: bool) -> dict[tuple[str, int], int]:
    """(series key, era index) -> current reports of the era's formats with a
    value for one of the era's codes (applicant 总计 or none).

    All eras in one pass over the facts (one COUNT(DISTINCT …) per era) instead
    of a statement per era: 指标说明 ran 31 statements, 3 s at 100k reports.
    (The fact rollup cannot answer this exactly: a report with a code in two
    cells, or with several of an era's codes, must count once.)
    """
    from nianbao.series import series_catalog as crosswalk

    eras = {
        (key, i): (tuple(dict.fromkeys(c for t in era.terms for c in t.metrics)), era.formats)
        for key, measure in crosswalk().items()
        for i, era in enumerate(measure.eras)
    }
    eras = {k: v for k, v in eras.items() if v[0]}
    if not eras:
        return {}
    cols = [
        func.count(
            func.distinct(
                case((and_(Fact.metric.in_(codes), Report.format.in_(formats)), Fact.report_id))
            )
        )
        for codes, formats in eras.values()
    ]
    stmt = (
        select(*cols)
        .select_from(Fact)
        .join(Report, Fact.report_id == Report.id)
        .where(
            Fact.metric.in_(sorted({c for codes, _ in eras.values() for c in codes})),
            Fact.value.is_not(None),
            *([] if include_synthetic else [Report.synthetic.is_(False)]),
            Report.is_current.is_(True),
            or_(Fact.applicant.is_(None), Fact.applicant == "total"),
        )
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).one()
    return {k: int(n or 0) for k, n in zip(eras, row, strict=True)}


def series_catalog(engine: Engine, include_synthetic: bool = False) -> pd.DataFrame:
    """Every cross-era series of loaders/series.csv with comparability and counts.

    The series are read through nianbao.series (the crosswalk the 趋势 page
    uses), so 'text' in series.csv means the text.* code of the narrative.
    报告数 counts reports of each era's formats with at least one value for a
    code of that era (for 2019+ tables only the 总计 column counts).
    """
    from nianbao.series import all_codes
    from nianbao.series import series_catalog as crosswalk

    counts = _series_report_counts(engine, include_synthetic)
    records = []
    for key, measure in crosswalk().items():
        legacy, gov = measure.eras[0], measure.eras[-1]
        counts_of = [counts.get((key, i), 0) for i in (0, len(measure.eras) - 1)]
        formats = [f for era in measure.eras if era.terms for f in era.formats]
        records.append(
            {
                "系列": key,
                "名称": measure.name,
                "单位": measure.unit,
                "2019年以前": legacy.expression,
                "2019年以后": gov.expression,
                "格式": "、".join(FORMAT_NAMES.get(f, f) for f in dict.fromkeys(formats)),
                "跨时期可比性": COMPARABLE_LABELS.get(measure.comparable, measure.comparable),
                "说明": measure.note,
                "报告数（2019年以前）": counts_of[0],
                "报告数（2019年以后）": counts_of[1],
                "指标代码": " ".join(all_codes(measure)),
            }
        )
    return pd.DataFrame(records)


__all__ = [
    "DEFAULT_LIMIT",
    "EXPORT_MAX",
    "FACT_TABLE_COLUMNS",
    "FORMAT_LABELS",
    "TECHNICAL_COLUMNS",
    "FactFilter",
    "FilterOptions",
    "count_facts",
    "facts_table",
    "filter_options",
    "metric_catalog",
    "metric_counts",
    "series_catalog",
    "value_status",
]
