"""总览: what is loaded, headline figures for a scope and year, and problems."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, case, func, select

from nianbao.labels import SCOPE_LABELS
from nianbao.queries.common import (
    CHECK,
    REPORT,
    Filters,
    _as_expression,
    measure_formats,
    read,
    report_conditions,
    uncertain,
    wide_per_report,
)
from nianbao.series import measure

# (key, label, series behind it). 公开率 is computed from three series.
HEADLINES: tuple[tuple[str, str], ...] = (
    ("requests_received", "收到申请"),
    ("requests_closed", "办结"),
    ("disclosure_rate", "公开率"),
    ("reviews", "行政复议"),
    ("lawsuits", "行政诉讼"),
    ("proactive_items", "主动公开"),
)
_RATE_PARTS = ("disclosed", "partially_disclosed", "requests_closed")


COVERAGE_BODIES = 500  # the grid's data table; the chart draws the first 60


def coverage(engine: Engine, f: Filters, bodies: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Reports per body, year and format (the coverage grid), for ``bodies``
    (e.g. the pages' body list cut to the COVERAGE_BODIES with most reports,
    so a national corpus is not read report by report) or every body of ``f``."""
    r = REPORT.c
    conds = [r.year.is_not(None), *report_conditions(f.with_(year=None))]
    if bodies is not None:
        conds.append(r.issuer_key.in_(bodies))
    stmt = (
        select(
            r.issuer_key,
            r.scope,
            r.region_id,
            r.year,
            r.format,
            func.count().label("n_reports"),
            func.min(r.id).label("report_id"),
        )
        .where(*conds)
        .group_by(r.issuer_key, r.scope, r.region_id, r.year, r.format)
        .order_by(r.region_id, r.scope, r.issuer_key, r.year)
    )
    return read(engine, stmt)


def coverage_summary(engine: Engine, f: Filters) -> pd.DataFrame:
    """Reports per format (of a known year): columns format, n_reports."""
    r = REPORT.c
    conds = [r.year.is_not(None), *report_conditions(f.with_(year=None))]
    # "+ ''": grouping by an expression lets SQLite read the narrow filter
    # index instead of walking the (year, format) index row by row
    fmt = (r.format + "").label("format")
    return read(
        engine,
        select(fmt, func.count().label("n_reports")).where(*conds).group_by(fmt).order_by(fmt),
    )


def _rate_cols(cols: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(known, numerator, denominator) of 公开率 over one report's columns."""
    d, p, c = (cols[k] for k in _RATE_PARTS)
    return and_(d.is_not(None), p.is_not(None), c.is_not(None)), d + p, c


def headline(engine: Engine, f: Filters, year: int) -> pd.DataFrame:
    """One row per scope and headline figure for ``year``, with a like-for-like
    change from the year before.

    Figures are summed per scope (政府 / 部门 / 乡镇街道 / 其他), never across
    scopes: a government's report often already contains its departments'.
    The change compares only bodies (issuer_key) with a known value in both
    years, so a body that reported in one year only does not move the figure.

    Columns: scope, key, label, unit, value, n_reports (reports with a known
    value), n_missing (the scope's other reports of the year), cmp_value and
    prev_value (the comparable bodies' sums this year and last year), change,
    n_comparable (bodies compared), n_cur_left / n_prev_left (reports with a
    known value this year / last year left out of the comparison), n_uncertain
    (of n_missing: a cell behind the value could not be read; 公开率: 0).
    All sums are computed in SQL.
    """
    keys = [k for k, _ in HEADLINES if k != "disclosure_rate"]
    all_keys = list(dict.fromkeys([*keys, *_RATE_PARTS]))
    ms = [measure(k) for k in all_keys]
    f2 = f.with_(year=None, year_from=year - 1, year_to=year)
    w = wide_per_report(f2, ms)
    r = REPORT.c
    b = (
        select(
            # Expressions, not the columns: SQLite then reads the narrow filter
            # index and sorts for the window, instead of walking the (issuer,
            # year, version) index in window order and reading every report
            # row with its full text (100k: 0.8 s -> see bench-out).
            _as_expression(r.issuer_key),
            _as_expression(r.scope),
            r.year,
            r.format,
            *[w.c[f"m{i}"].label(k.replace(".", "_")) for i, k in enumerate(all_keys)],
        )
        .select_from(REPORT.outerjoin(w, w.c.report_id == r.id))
        .where(*report_conditions(f2))
        .subquery("per_report")
    )
    # One pass: each report next to the same body's report of the year before
    # (a window over body and scope, ordered by year), so the per-report values
    # are computed once and no self-join is planned (a join of the two years
    # cost seconds on PostgreSQL).
    body: dict[str, Any] = {"partition_by": [b.c.issuer_key, b.c.scope], "order_by": b.c.year}
    names = [k.replace(".", "_") for k in all_keys]
    lagged = select(
        b,
        func.lag(b.c.year).over(**body).label("prev_year"),
        *[func.lag(b.c[n]).over(**body).label(f"prev_{n}") for n in names],
    ).subquery("lagged")
    cur = lagged
    has_prev = lagged.c.prev_year == lagged.c.year - 1
    ccol = {k: lagged.c[n] for k, n in zip(all_keys, names, strict=True)}
    pcol = {
        k: case((has_prev, lagged.c[f"prev_{n}"]), else_=None)
        for k, n in zip(all_keys, names, strict=True)
    }

    # Per scope and year: sums and counts (over cur).
    cols: list[Any] = [cur.c.scope, cur.c.year]
    for k, m in zip(all_keys, ms, strict=True):
        c = ccol[k]
        cols += [
            func.sum(c).label(f"{k}__sum"),
            func.count(c).label(f"{k}__n"),
            func.count(case((cur.c.format.in_(measure_formats(m)), 1))).label(f"{k}__all"),
        ]
    known, num, den = _rate_cols(ccol)
    rate_formats = set.intersection(*(set(measure_formats(measure(k))) for k in _RATE_PARTS))
    cols += [
        func.sum(case((known, num))).label("rate__num"),
        func.sum(case((known, den))).label("rate__den"),
        func.count(case((known, 1))).label("rate__n"),
        func.count(case((cur.c.format.in_(tuple(rate_formats)), 1))).label("rate__all"),
    ]
    # Like for like: the same body (and scope) with a value in both years.
    for k in all_keys:
        both = and_(ccol[k].is_not(None), pcol[k].is_not(None))
        cols += [
            func.sum(case((both, ccol[k]))).label(f"{k}__cur"),
            func.sum(case((both, pcol[k]))).label(f"{k}__prev"),
            func.count(case((both, 1))).label(f"{k}__cmp"),
        ]
    pk, pn, pd_ = _rate_cols(pcol)
    both = and_(known, pk)
    cols += [
        func.sum(case((both, num))).label("rate__cur_num"),
        func.sum(case((both, den))).label("rate__cur_den"),
        func.sum(case((both, pn))).label("rate__prev_num"),
        func.sum(case((both, pd_))).label("rate__prev_den"),
        func.count(case((both, 1))).label("rate__cmp"),
    ]
    years_df = read(engine, select(*cols).group_by(cur.c.scope, cur.c.year))
    pairs_df = years_df[years_df["year"] == year]
    out = _headline_rows(years_df, pairs_df, year)
    # of the missing: values whose cell could not be read (not blank)
    unc = uncertain(engine, f.with_(year=year, year_from=None, year_to=None), ms, ("scope",))
    counts = {(s_, m_): n for s_, m_, n in unc.itertuples(index=False)}
    keys_ = zip(out["scope"], out["key"], strict=True)
    out["n_uncertain"] = [counts.get(k, 0) for k in keys_]
    return out


def _num(v: Any) -> float:
    return float("nan") if v is None or pd.isna(v) else float(v)


def _rate(num: Any, den: Any) -> float:
    """num / den where both are known and den is non-zero; otherwise missing."""
    n, d = _num(num), _num(den)
    return n / d if not (pd.isna(n) or pd.isna(d) or d == 0) else float("nan")


def _headline_rows(years_df: pd.DataFrame, pairs_df: pd.DataFrame, year: int) -> pd.DataFrame:
    cols = [
        "scope",
        "key",
        "label",
        "unit",
        "value",
        "n_reports",
        "n_missing",
        "cmp_value",
        "prev_value",
        "change",
        "n_comparable",
        "n_cur_left",
        "n_prev_left",
    ]
    rows = []
    scopes = [s for s in SCOPE_LABELS if s in set(years_df.loc[years_df["year"] == year, "scope"])]
    for scope in scopes:
        y = years_df[(years_df["scope"] == scope) & (years_df["year"] == year)].iloc[0]
        prev_rows = years_df[(years_df["scope"] == scope) & (years_df["year"] == year - 1)]
        py: Any = prev_rows.iloc[0] if len(prev_rows) else None
        pair_rows = pairs_df[pairs_df["scope"] == scope]
        pr: Any = pair_rows.iloc[0] if len(pair_rows) else None
        for key, label in HEADLINES:
            if key == "disclosure_rate":
                n = int(y["rate__n"])
                value = _rate(y["rate__num"], y["rate__den"])
                n_all = int(y["rate__all"])
                n_prev = int(py["rate__n"]) if py is not None else 0
                n_cmp = int(pr["rate__cmp"]) if pr is not None else 0
                cmp_v = _rate(pr["rate__cur_num"], pr["rate__cur_den"]) if n_cmp else float("nan")
                prev_v = (
                    _rate(pr["rate__prev_num"], pr["rate__prev_den"]) if n_cmp else float("nan")
                )
                unit = "%"
            else:
                n = int(y[f"{key}__n"])
                value = _num(y[f"{key}__sum"]) if n else float("nan")
                n_all = int(y[f"{key}__all"])
                n_prev = int(py[f"{key}__n"]) if py is not None else 0
                n_cmp = int(pr[f"{key}__cmp"]) if pr is not None else 0
                cmp_v = _num(pr[f"{key}__cur"]) if n_cmp else float("nan")
                prev_v = _num(pr[f"{key}__prev"]) if n_cmp else float("nan")
                unit = measure(key).unit
            rows.append(
                {
                    "scope": scope,
                    "key": key,
                    "label": label,
                    "unit": unit,
                    "value": value,
                    "n_reports": n,
                    "n_missing": n_all - n,
                    "cmp_value": cmp_v,
                    "prev_value": prev_v,
                    "change": cmp_v - prev_v,  # NaN unless some body is comparable
                    "n_comparable": n_cmp,
                    "n_cur_left": n - n_cmp,
                    "n_prev_left": n_prev - n_cmp,
                }
            )
    return pd.DataFrame(rows, columns=cols)


def _rules_present() -> Any:
    """The distinct rule codes of check_result, by a loose index scan (one
    index seek per rule): the (rule, status) index then answers status =
    'fail' per rule instead of a scan of every check (2.7 million at 100k
    reports, 2–3 s on SQLite)."""
    c = CHECK.c
    rules = select(func.min(c.rule).label("rule")).cte("rules_present", recursive=True)
    after = select(func.min(c.rule)).where(c.rule > rules.c.rule).scalar_subquery()
    rules = rules.union_all(select(after).where(rules.c.rule.is_not(None)))
    return select(rules.c.rule).where(rules.c.rule.is_not(None))


FAILED_ROWS = 500  # the 问题 table lists this many; the count says how many there are


def failed_checks(engine: Engine, f: Filters, limit: int = FAILED_ROWS) -> pd.DataFrame:
    """Failed checks, one row per (report, rule): the report, its body and year
    (the first ``limit`` by rule, body and year)."""
    r = REPORT.c
    c = CHECK.c
    stmt = (
        select(
            c.report_id,
            r.issuer_key,
            r.year,
            c.rule,
            func.count().label("n_failed"),
            func.min(c.detail).label("detail"),
        )
        .join(REPORT, r.id == c.report_id)
        .where(c.rule.in_(_rules_present()), c.status == "fail", *report_conditions(f))
        .group_by(c.report_id, r.issuer_key, r.year, c.rule)
        .order_by(c.rule, r.issuer_key, r.year)
        .limit(limit)
    )
    return read(engine, stmt)


def failed_by_rule(engine: Engine, f: Filters) -> pd.DataFrame:
    """Per rule: how many reports failed it."""
    r = REPORT.c
    c = CHECK.c
    conds = report_conditions(f)
    # The reports as a set of ids read from the narrow filter index, not a
    # join: SQLite joined by reading each failed report's row (full text
    # inline), 10k rows at 100k reports, 1.1 s; "+ 0" keeps it on the
    # (rule, status) index instead of walking check_result by report (0.2 s).
    in_filter = [(c.report_id + 0).in_(select(r.id).where(*conds))] if conds else []
    stmt = (
        select(c.rule, func.count(func.distinct(c.report_id)).label("n_reports"))
        .where(c.rule.in_(_rules_present()), c.status == "fail", *in_filter)
        .group_by(c.rule)
        .order_by(func.count(func.distinct(c.report_id)).desc(), c.rule)
    )
    return read(engine, stmt)


GAP_BODIES = 200


def gap_candidates(bodies: pd.DataFrame, limit: int = GAP_BODIES) -> tuple[str, ...]:
    """Bodies of :func:`common.bodies` with fewer reports than years in their
    span (one current report per body and year), the first ``limit`` by name."""
    span = bodies["last_year"] - bodies["first_year"] + 1
    holed = bodies.loc[bodies["n_reports"] < span, "issuer_key"]
    return tuple(sorted(holed)[:limit])


def gaps(engine: Engine, f: Filters, bodies: tuple[str, ...]) -> pd.DataFrame:
    """(body, year) with no report between the body's first and last year, for
    ``bodies`` (see :func:`gap_candidates`): only their years are read."""
    cols = ["issuer_key", "year", "first_year", "last_year"]
    if not bodies:
        return pd.DataFrame(columns=cols)
    r = REPORT.c
    conds = [r.year.is_not(None), r.issuer_key.in_(bodies), *report_conditions(f.with_(year=None))]
    have = read(engine, select(r.issuer_key, r.year).where(*conds).distinct())
    rows = []
    for body, grp in have.groupby("issuer_key"):
        years_ = {int(y) for y in grp["year"]}
        for y in range(min(years_), max(years_) + 1):
            if y not in years_:
                rows.append((body, y, min(years_), max(years_)))
    return pd.DataFrame(rows, columns=cols)
