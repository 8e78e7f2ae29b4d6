"""Filters shared by every page (scope / region / bodies / years) and the
building blocks the page queries are made of.

By default only current, non-synthetic reports count: a re-published report
replaces its earlier version, and generated benchmark data never mixes into
real figures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Integer, and_, case, func, literal, or_, select, union_all

from nianbao import rollup
from nianbao.labels import SCOPE_LABELS  # also re-exported
from nianbao.models import CheckResult, Fact, Region, Report
from nianbao.series import (
    Measure,
    disjoint_groups,
    index_condition,
    measure_condition,
    per_report_select,
)

REPORT = Report.__table__
FACT = Fact.__table__
REGION = Region.__table__
CHECK = CheckResult.__table__


@dataclass(frozen=True)
class Filters:
    """Which reports a figure is about. Hashable, so it can key st.cache_data."""

    scope: str | None = None  # government / department / township / other
    region_id: int | None = None  # this region and every region under it
    bodies: tuple[str, ...] = ()  # issuer_key values; empty = all
    year: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    include_synthetic: bool = False
    current_only: bool = True

    def with_(self, **changes: Any) -> Filters:
        return replace(self, **changes)


def region_subtree(region_id: int, name: str = "region_tree") -> Any:
    """A recursive CTE of the region and all regions below it (``name``: two
    uses in one statement need two names)."""
    c = REGION.c
    tree = select(c.id).where(c.id == region_id).cte(name, recursive=True)
    tree = tree.union_all(select(c.id).where(c.parent_id == tree.c.id))
    return select(tree.c.id)


def report_conditions(f: Filters, tree_name: str = "region_tree") -> list[Any]:
    r = REPORT.c
    conds = rollup.filter_conditions(r, f)
    if f.region_id is not None:
        conds.append(r.region_id.in_(region_subtree(f.region_id, tree_name)))
    if f.bodies:
        conds.append(r.issuer_key.in_(f.bodies))
    return conds


def read(engine: Engine, stmt: Any) -> pd.DataFrame:
    """Run a select; database errors stay SQLAlchemy errors (pandas would rewrap them)."""
    with engine.connect() as conn:
        result = conn.execute(stmt)
        # Plain tuples: given Row objects pandas probes each one for
        # namedtuple/dataclass attributes, a quarter of the time at 10k reports.
        rows = [tuple(row) for row in result.fetchall()]
        return pd.DataFrame(rows, columns=list(result.keys()))


def regions(engine: Engine, include_synthetic: bool = False) -> pd.DataFrame:
    """Every region with its path ('福建省 / 福州市 / 平潭综合实验区') and report count."""
    c = REGION.c
    r = REPORT.c
    region_id = (r.region_id + 0).label("region_id")
    counts = (
        select(region_id, func.count().label("n_reports"))
        .where(r.is_current.is_(True), *([] if include_synthetic else [r.synthetic.is_(False)]))
        # "+ 0": grouping by an expression lets SQLite read the narrow filter
        # index instead of walking the (region_id, year) index row by row
        .group_by(region_id)
        .subquery()
    )
    stmt = select(c.id, c.name, c.level, c.parent_id, counts.c.n_reports).outerjoin(
        counts, counts.c.region_id == c.id
    )
    df = read(engine, stmt)
    names = dict(zip(df["id"], df["name"], strict=True))
    parents = dict(zip(df["id"], df["parent_id"], strict=True))

    def path(rid: int) -> str:
        parts: list[str] = []
        seen: set[int] = set()
        cur: Any = rid
        while cur is not None and not pd.isna(cur) and cur not in seen:
            seen.add(cur)
            parts.append(names[cur])
            cur = parents.get(cur)
        return " / ".join(reversed(parts))

    df["path"] = [path(i) for i in df["id"]]
    df["n_reports"] = df["n_reports"].fillna(0).astype(int)  # a count, not a fact value
    return df.sort_values("path").reset_index(drop=True)


def bodies(engine: Engine, f: Filters) -> pd.DataFrame:
    """Bodies (issuer_key) with their scope, region, report count and year span."""
    r = REPORT.c
    key = _as_expression(r.issuer_key)
    stmt = (
        select(
            key,
            # only columns of the narrow report index: no read of the report rows
            func.max(r.scope).label("scope"),
            func.max(r.region_id).label("region_id"),
            func.count().label("n_reports"),
            func.min(r.year).label("first_year"),
            func.max(r.year).label("last_year"),
        )
        .where(*report_conditions(f.with_(bodies=(), year=None)))
        .group_by(key)
        .order_by(key)
    )
    return read(engine, stmt)


def years(engine: Engine, f: Filters) -> list[int]:
    r = REPORT.c
    stmt = (
        select(r.year)
        .where(r.year.is_not(None), *report_conditions(f.with_(year=None)))
        .distinct()
        .order_by(r.year)
    )
    with engine.connect() as conn:
        return [int(y) for (y,) in conn.execute(stmt)]


def reports(engine: Engine, f: Filters) -> pd.DataFrame:
    """The reports a filter selects: id, body, year, format, scope, title."""
    r = REPORT.c
    stmt = (
        select(r.id, r.issuer_key, r.issuer, r.year, r.format, r.scope, r.region_id, r.title)
        .where(*report_conditions(f))
        .order_by(r.issuer_key, r.year, r.id)
    )
    return read(engine, stmt)


def aggregate(
    engine: Engine, f: Filters, measures: Sequence[Measure], by: tuple[str, ...] = ("year",)
) -> pd.DataFrame:
    """Per-report values summed per group in SQL (report columns ``by`` and measure).

    Columns: *by, measure, value (sum of known values; NaN if none), n_reports
    (reports with a known value), n_missing (reports whose value is blank).
    """
    cols = [*by, "measure", "value", "n_reports", "n_missing"]
    if not measures:
        return pd.DataFrame(columns=cols)
    from_rollup = _aggregate_rollup(engine, f, measures, by)
    if from_rollup is not None:
        return from_rollup
    conds = report_conditions(f)
    parts = [per_report_select(g, conds) for g in disjoint_groups(measures)]
    u = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    r = REPORT.c
    keys = [r[b] for b in by]
    stmt = (
        select(
            *keys,
            u.c.measure,
            func.sum(u.c.value).label("value"),
            func.count(u.c.value).label("n_reports"),
            (func.count() - func.count(u.c.value)).label("n_missing"),
        )
        .join(REPORT, r.id == u.c.report_id)
        .group_by(*keys, u.c.measure)
        .order_by(*keys, u.c.measure)
    )
    df = read(engine, stmt)
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    return df


ROLLUP_KEYS = ("scope", "year", "format")
_BUCKET = ["year", "scope", "format"]


def _aggregate_rollup(
    engine: Engine, f: Filters, measures: Sequence[Measure], by: tuple[str, ...]
) -> pd.DataFrame | None:
    """:func:`aggregate` from the fact rollup, or None where it cannot answer.

    At 100k reports the per-report evaluation read and grouped the facts of
    every report (PostgreSQL 1–2 s per page); the rollup holds a few
    thousand rows. It is exact per bucket (year, scope, format) and measure
    when no report has two facts in one cell (the rollup's fact count equals
    its report count) and either
    - the measure reads one cell there: a report's value is its fact,
      unknown when that fact is blank — the sum of the known values, the
      reports with a known value and the blank ones are the cell's total,
      n_values and n_facts − n_values; or
    - it reads several cells (行政诉讼 = two rows of the table), none blank,
      and one of them holds every report of the bucket: every report then
      has a known value (the sum of its facts), and the sum is the cells' sum.
    Anything else — several cells with a blank, where only the facts tell
    whether the blanks fall on one report or on several — returns None and
    the caller evaluates per report.
    """
    if any(b not in ROLLUP_KEYS for b in by) or not rollup.usable(engine, f):
        return None
    c = rollup.ROLLUP.c
    keys = [rollup.year_column(), c.scope, c.format]
    conds = rollup.conditions(f)
    parts = []
    with engine.connect() as conn:
        stmt = (
            select(*keys, func.sum(c.n_reports).label("n_bucket"))
            .where(c.metric == rollup.REPORT_ROW, *conds)
            .group_by(c.year, c.scope, c.format)
        )
        buckets = pd.DataFrame(
            [tuple(r) for r in conn.execute(stmt)], columns=[*_BUCKET, "n_bucket"]
        )
        for m in measures:
            cells = [
                and_(
                    c.format.in_(e.formats),
                    c.metric.in_(t.metrics),
                    rollup.cell_applicant(t.applicant),
                    c.source == t.source,
                )
                for e in m.eras
                for t in e.terms
            ]
            stmt = (
                select(
                    *keys,
                    c.metric,
                    c.applicant,
                    c.source,
                    func.sum(c.total).label("total"),
                    func.sum(c.n_values).label("n_values"),
                    func.sum(c.n_facts).label("n_facts"),
                    func.sum(c.n_reports).label("n_reports"),
                )
                .where(rollup.real_cells(), *rollup.conditions(f), or_(*cells))
                .group_by(c.year, c.scope, c.format, c.metric, c.applicant, c.source)
            )
            result = conn.execute(stmt)
            df = pd.DataFrame([tuple(r) for r in result.fetchall()], columns=list(result.keys()))
            df["measure"] = m.key
            parts.append(df)
    cells_df = pd.concat(parts, ignore_index=True)
    for col in ("n_values", "n_facts", "n_reports"):
        cells_df[col] = cells_df[col].astype("int64")
    cells_df = cells_df[cells_df["n_facts"] > 0]  # cells emptied by demotions
    cols = [*by, "measure", "value", "n_reports", "n_missing"]
    if cells_df.empty:
        return pd.DataFrame(columns=cols)
    if (cells_df["n_facts"] != cells_df["n_reports"]).any():
        return None  # some report has two facts in a cell
    cells_df["total"] = pd.to_numeric(cells_df["total"], errors="coerce")
    grouped = cells_df.groupby([*_BUCKET, "measure"], dropna=False)
    per = grouped.agg(
        n_cells=("n_facts", "size"),
        total=("total", "sum"),
        n_values=("n_values", "sum"),
        n_facts=("n_facts", "sum"),
        max_reports=("n_reports", "max"),
    ).reset_index()
    per = per.merge(buckets, on=_BUCKET, how="left")
    one = per["n_cells"] == 1
    several_ok = (per["n_values"] == per["n_facts"]) & (per["max_reports"] == per["n_bucket"])
    if not (one | several_ok).all():
        return None
    per["n_known"] = per["n_values"].where(one, per["n_bucket"]).astype("int64")
    per["n_blank"] = (per["n_facts"] - per["n_values"]).where(one, 0).astype("int64")
    # the sum of the known values: a cell's total counts only its known facts
    per["value"] = per["total"].where(per["n_known"] > 0)
    out = (
        per.groupby([*by, "measure"], dropna=False)
        .agg(
            value=("value", lambda v: v.sum(min_count=1)),
            n_reports=("n_known", "sum"),
            n_missing=("n_blank", "sum"),
        )
        .reset_index()
    )
    if "year" in by and out["year"].notna().all():
        out["year"] = out["year"].astype("int64")  # as report.year reads
    out = out.sort_values([*by, "measure"], na_position="last", kind="stable")
    return out[cols].reset_index(drop=True)


def ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den only where both are known and den is non-zero; otherwise missing."""
    num = pd.to_numeric(num, errors="coerce")
    den = pd.to_numeric(den, errors="coerce")
    ok = num.notna() & den.notna() & (den != 0)
    out = pd.Series(float("nan"), index=num.index, dtype="float64")
    out[ok] = num[ok] / den[ok]
    return out


def reports_by_id(engine: Engine, ids: tuple[int, ...]) -> pd.DataFrame:
    """id, issuer_key, year, format, title of the given reports (for drill-down lists)."""
    r = REPORT.c
    stmt = (
        select(r.id, r.issuer_key, r.year, r.format, r.title)
        .where(r.id.in_(ids))
        .order_by(r.issuer_key, r.year)
    )
    return read(engine, stmt)


# ---------------------------------------------------------------- scopes
# A sum over reports never mixes scopes: a government's report often already
# aggregates its departments' and townships' figures ("汇总…各有关单位"), so
# adding them up would count the same applications twice.

SCOPE_TOTAL_LABELS = {
    "government": "政府",
    "department": "部门合计",
    "township": "乡镇街道合计",
    "other": "其他合计",
}
# The 范围 picker of 总览 and 趋势 (?scope=…); the default is the region's own report.
SCOPE_CHOICES = {
    "government": "政府（本地区政府自己的年报）",
    "department": "部门合计",
    "township": "乡镇街道合计",
    "other": "其他合计",
    "all": "全部（按范围分列，不相加）",
}
NO_GRAND_TOTAL = (
    "按范围分列、不给总计：政府的年报往往已汇总所属部门和乡镇街道的数字，"
    "把不同范围的报告相加会重复计算。"
)
# One sentence per scope for a reader of 总览: what the figures add up, and why not more.
ONE_SCOPE_NOTE = {
    "government": "这里只计本地区政府自己的年报：政府年报往往已汇总所属部门和乡镇街道的数字，"
    "再加上它们会重复计算；部门、乡镇街道的合计可在左侧「范围」中查看。",
    "department": "这里是本地区各部门年报之和，不含政府年报（政府年报往往已包含这些数字）。",
    "township": "这里是本地区各乡镇街道年报之和，不含政府年报（政府年报往往已包含这些数字）。",
    "other": "这里是本地区其他机关年报之和，不与政府、部门、乡镇街道的报告相加。",
}
GAP_NOTE = "某年没有这一范围的报告时记为缺失（图中断开），不是 0，也不是下降。"


def measure_formats(m: Measure) -> tuple[str, ...]:
    """The report formats a measure can be read from (its eras' formats)."""
    return tuple(dict.fromkeys(f for era in m.eras for f in era.formats))


def wide_per_report(f: Filters, measures: Sequence[Measure]) -> Any:
    """Subquery: one row per report with a column ``m0``, ``m1``… per measure.

    A column is NULL where the report's value is blank or not stated: unknown,
    never 0. Reports without any of the measures have no row (outer-join it).
    """
    conds = report_conditions(f, "region_tree_w")
    parts = [per_report_select(g, conds) for g in disjoint_groups(measures)]
    u = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    cols = [
        func.max(case((u.c.measure == m.key, u.c.value), else_=None)).label(f"m{i}")
        for i, m in enumerate(measures)
    ]
    return select(u.c.report_id, *cols).group_by(u.c.report_id).subquery()


def _as_expression(col: Any) -> Any:
    """``col + 0`` / ``col || ''`` under the column's name: grouping by an
    expression lets SQLite read the narrow filter index instead of walking an
    index in group order and reading every report row (PostgreSQL: same result)."""
    expr = col + 0 if isinstance(col.type, Integer) else col + ""
    return expr.label(col.name)


def report_counts(engine: Engine, f: Filters, by: tuple[str, ...]) -> pd.DataFrame:
    """Reports per group and format (to count the reports a figure is missing from)."""
    r = REPORT.c
    keys = [_as_expression(r[b]) for b in (*by, "format")]
    stmt = (
        select(*keys, func.count().label("n_total"), func.min(r.id).label("first_id"))
        .where(*report_conditions(f))
        .group_by(*keys)
    )
    return read(engine, stmt)


def totals(
    engine: Engine, f: Filters, measures: Sequence[Measure], by: tuple[str, ...] = ("scope", "year")
) -> pd.DataFrame:
    """Each measure summed per group of report columns ``by``, in SQL.

    Columns: *by, measure, value (sum of the known values; NaN if none),
    n_reports (reports with a known value), n_missing (reports of the group
    in a format that has the measure, whose value is blank or not stated),
    report_id (the report, when exactly one report is behind the figure),
    n_uncertain (of n_missing: a cell behind the value could not be read).
    Keep "scope" in ``by`` unless the filter fixes one scope or body.
    """
    cols = [*by, "measure", "value", "n_reports", "n_missing", "report_id", "n_uncertain"]
    if not measures:
        return pd.DataFrame(columns=cols)
    sums = aggregate(engine, f, measures, by)
    counts = report_counts(engine, f, by)
    rows = []
    for m in measures:
        c = counts[counts["format"].isin(measure_formats(m))]
        if c.empty:
            continue
        g = c.groupby(list(by), dropna=False).agg(
            n_total=("n_total", "sum"), first_id=("first_id", "min")
        )
        s = sums[sums["measure"] == m.key].set_index(list(by))[["value", "n_reports"]]
        t = g.join(s, how="left").reset_index()
        t["measure"] = m.key
        rows.append(t)
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.concat(rows, ignore_index=True)
    out["n_reports"] = out["n_reports"].fillna(0).astype(int)
    out["n_missing"] = (out["n_total"] - out["n_reports"]).astype(int)
    one = out["n_total"] == 1
    out["report_id"] = out["first_id"].where(one).astype("Int64")
    # only when some report's value is blank or unreadable (aggregate's n_missing)
    unc = uncertain(engine, f, measures, by) if sums["n_missing"].sum() else pd.DataFrame()
    out = out.merge(unc, on=[*by, "measure"], how="left") if len(unc) else out
    out["n_uncertain"] = out["n_uncertain"].fillna(0).astype(int) if len(unc) else 0
    return out[cols]


def uncertain(
    engine: Engine, f: Filters, measures: Sequence[Measure], by: tuple[str, ...]
) -> pd.DataFrame:
    """Reports per group and measure whose value is missing because a cell
    behind it could not be read (digits the parser could not split, kept in
    ``raw``; a blank cell has an empty ``raw``). Columns: *by, measure, n_uncertain.

    Only facts without a value are looked at, so this is a short read.
    """
    cols = [*by, "measure", "n_uncertain"]
    if not measures:
        return pd.DataFrame(columns=cols)
    fc = FACT.c
    r = REPORT.c
    key = case(*[(measure_condition(m), literal(m.key)) for m in measures], else_=None)
    inner = (
        select(*[r[b] for b in by], key.label("measure"), fc.report_id)
        .select_from(FACT.join(REPORT, r.id == fc.report_id))
        .where(index_condition(measures), fc.value.is_(None), fc.raw != "", *report_conditions(f))
        .subquery()
    )
    stmt = (
        select(
            *[inner.c[b] for b in by],
            inner.c.measure,
            func.count(func.distinct(inner.c.report_id)).label("n_uncertain"),
        )
        .where(inner.c.measure.is_not(None))
        .group_by(*[inner.c[b] for b in by], inner.c.measure)
    )
    return read(engine, stmt)


def fill_years(df: pd.DataFrame, group: str, years: Sequence[int]) -> pd.DataFrame:
    """A row for every year of ``years`` in each group: a year without a report
    is an explicit gap (value NaN, 0 reports), so lines break there instead of
    joining across it."""
    if df.empty or not len(years):
        return df
    full = pd.MultiIndex.from_product(
        [list(dict.fromkeys(df[group])), sorted({int(y) for y in years})], names=[group, "year"]
    )
    out = df.set_index([group, "year"]).reindex(full).reset_index()
    for c in ("n_reports", "n_missing"):
        if c in out:
            out[c] = out[c].fillna(0).astype(int)
    return out


def year_span(engine: Engine, f: Filters, formats: Sequence[str] | None = None) -> list[int]:
    """Every year from the first to the last report of the filter, any scope
    (only reports in ``formats``: a 2019+ table row has no years before 2019)."""
    r = REPORT.c
    year = _as_expression(r.year)
    conds = [r.year.is_not(None), *report_conditions(f.with_(scope=None, year=None))]
    if formats is not None:
        conds.append(r.format.in_(tuple(formats)))
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(year), func.max(year)).where(*conds)).one()
    return list(range(int(first), int(last) + 1)) if first is not None else []


def report_ids(engine: Engine, f: Filters, limit: int = 300) -> tuple[int, tuple[int, ...]]:
    """How many reports the filter selects, and their ids when there are at most ``limit``."""
    r = REPORT.c
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).where(*report_conditions(f))).scalar_one()
        if n > limit:
            return int(n), ()
        ids = conn.execute(select(r.id).where(*report_conditions(f)).order_by(r.id)).scalars()
        return int(n), tuple(int(i) for i in ids)


# ---------------------------------------------------------------- same-region reports
SHARED_GROUPS = 20  # (region, year) pairs listed; more are counted, not named


def shared_region_reports(
    engine: Engine, f: Filters, limit: int = SHARED_GROUPS
) -> tuple[int, pd.DataFrame]:
    """Years in which one region has two or more reports of ``f.scope``.

    A scope total adds them (平潭 2011–2013: 平潭县人民政府 and 平潭综合实验区
    are both 政府 reports of one region); whether one already contains the
    other cannot be read from the reports, so the pages say the sum may count
    twice. Reports of different regions (a prefecture's counties) are normal.

    Returns (number of such (region, year) pairs, their reports: region_id,
    region, year, id, issuer — the first ``limit`` pairs by year and region).
    One grouped read of the narrow filter index; the reports are read only
    when a pair exists.
    """
    r = REPORT.c
    cols = ["region_id", "region", "year", "id", "issuer"]
    conds = [r.region_id.is_not(None), r.year.is_not(None), *report_conditions(f)]
    region_id, year = _as_expression(r.region_id), _as_expression(r.year)
    pairs = read(
        engine,
        select(region_id, year)
        .where(*conds)
        .group_by(region_id, year)
        .having(func.count() > 1)
        .order_by(year, region_id),
    )
    if pairs.empty:
        return 0, pd.DataFrame(columns=cols)
    shown = pairs.head(limit)
    which = [
        and_(r.region_id == int(g), r.year == int(y))
        for g, y in zip(shown["region_id"], shown["year"], strict=True)
    ]
    stmt = (
        select(r.region_id, REGION.c.name.label("region"), r.year, r.id, r.issuer)
        .join(REGION, REGION.c.id == r.region_id)
        .where(or_(*which), *report_conditions(f))
        .order_by(r.year, r.region_id, r.issuer_key, r.id)
    )
    return len(pairs), read(engine, stmt)[cols]


_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def _md(text: object) -> str:
    """``text`` shown literally inside markdown (a name cannot become a link or emphasis)."""
    return _MD.sub(r"\\\1", str(text))


def shared_region_notes(shared: pd.DataFrame, scope: str, region_id: int | None) -> list[str]:
    """One markdown sentence per (region, year) of :func:`shared_region_reports`,
    naming the reports with a link to each; the region is named when it is not
    the one selected (``region_id``)."""
    notes = []
    for (rid, year), grp in shared.groupby(["region_id", "year"], sort=False):
        links = "、".join(
            f"[{_md(i)}](/report?id={int(n)})"
            for n, i in zip(grp["id"], grp["issuer"], strict=True)
        )
        where = "" if region_id == int(rid) else f"「{_md(grp['region'].iloc[0])}」"
        notes.append(
            f"{int(year)}年有 {len(grp)} 份{SCOPE_LABELS.get(scope, scope)}年报属于同一地区{where}"
            f"（{links}），是否互相包含无法从报告判断，合计可能重复。"
        )
    return notes
