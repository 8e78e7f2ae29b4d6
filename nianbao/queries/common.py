"""Filters shared by every page (scope / region / bodies / years) and the
building blocks the page queries are made of.

By default only current, non-synthetic reports count: a re-published report
replaces its earlier version, and generated benchmark data never mixes into
real figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select, union_all

from nianbao.labels import SCOPE_LABELS  # noqa: F401  (re-exported)
from nianbao.models import CheckResult, Fact, Region, Report
from nianbao.series import Measure, disjoint_groups, per_report_select

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


def region_subtree(region_id: int) -> Any:
    """A recursive CTE of the region and all regions below it."""
    c = REGION.c
    tree = select(c.id).where(c.id == region_id).cte("region_tree", recursive=True)
    tree = tree.union_all(select(c.id).where(c.parent_id == tree.c.id))
    return select(tree.c.id)


def report_conditions(f: Filters) -> list[Any]:
    r = REPORT.c
    conds: list[Any] = []
    if f.current_only:
        conds.append(r.is_current.is_(True))
    if not f.include_synthetic:
        conds.append(r.synthetic.is_(False))
    if f.scope:
        conds.append(r.scope == f.scope)
    if f.region_id is not None:
        conds.append(r.region_id.in_(region_subtree(f.region_id)))
    if f.bodies:
        conds.append(r.issuer_key.in_(f.bodies))
    if f.year is not None:
        conds.append(r.year == f.year)
    if f.year_from is not None:
        conds.append(r.year >= f.year_from)
    if f.year_to is not None:
        conds.append(r.year <= f.year_to)
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
    counts = (
        select(r.region_id, func.count().label("n_reports"))
        .where(r.is_current.is_(True), *([] if include_synthetic else [r.synthetic.is_(False)]))
        .group_by(r.region_id)
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
    stmt = (
        select(
            r.issuer_key,
            func.max(r.issuer).label("issuer"),
            func.max(r.scope).label("scope"),
            func.max(r.region_id).label("region_id"),
            func.count().label("n_reports"),
            func.min(r.year).label("first_year"),
            func.max(r.year).label("last_year"),
        )
        .where(*report_conditions(f.with_(bodies=(), year=None)))
        .group_by(r.issuer_key)
        .order_by(r.issuer_key)
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


PER_REPORT_COLUMNS = [
    "report_id",
    "measure",
    "value",
    "n_facts",
    "n_values",
    "issuer_key",
    "year",
    "format",
    "scope",
    "region_id",
]


def per_report(engine: Engine, f: Filters, measures: Sequence[Measure]) -> pd.DataFrame:
    """One row per (report, measure) that has facts: the value and its report's keys.

    ``value`` is missing (NaN) where a fact behind it is blank; never 0.
    """
    if not measures:
        return pd.DataFrame(columns=PER_REPORT_COLUMNS)
    conds = report_conditions(f)
    parts = [per_report_select(g, conds) for g in disjoint_groups(measures)]
    u = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    r = REPORT.c
    stmt = select(
        u.c.report_id,
        u.c.measure,
        u.c.value,
        u.c.n_facts,
        u.c.n_values,
        r.issuer_key,
        r.year,
        r.format,
        r.scope,
        r.region_id,
    ).join(REPORT, r.id == u.c.report_id)
    df = read(engine, stmt)
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    return df


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


def summarise(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sum per group of per-report values, saying what is behind each figure.

    value      sum of the known values (NaN when no report in the group has one)
    n_reports  reports with a known value
    n_missing  reports whose value is blank (a blank cell; not counted as 0)
    report_ids the reports behind the figure, for drill-down
    """
    if df.empty:
        return pd.DataFrame(columns=[*by, "value", "n_reports", "n_missing", "report_ids"])
    g = df.groupby(by, dropna=False, sort=True)
    # Vectorised: per-group Python lambdas cost seconds with one group per
    # body and measure at 100k reports.
    out = pd.DataFrame(
        {
            "value": g["value"].sum(min_count=1),
            "n_reports": g["value"].count(),
            "n_rows": g.size(),
        }
    )
    # report_ids: every row's id ordered by (group, id), cut at the group sizes.
    codes = g.ngroup().to_numpy()
    ids = df["report_id"].to_numpy(dtype="int64")
    ordered = ids[np.lexsort((ids, codes))].tolist()
    ends = np.cumsum(np.bincount(codes, minlength=len(out))).tolist()
    out["report_ids"] = [tuple(ordered[a:b]) for a, b in zip([0, *ends[:-1]], ends, strict=True)]
    out = out.reset_index()
    out["n_missing"] = out["n_rows"] - out["n_reports"]
    return out.drop(columns="n_rows")


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
