"""趋势: a measure over years, outcome composition, applicant mix, disputes,
staffing and funding."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, and_, case, func, or_, select

from loaders.catalog import applicants
from nianbao import rollup
from nianbao.queries.common import (
    FACT,
    REGION,
    REPORT,
    SCOPE_TOTAL_LABELS,
    Filters,
    aggregate,
    fill_years,
    measure_formats,
    ratio,
    read,
    report_conditions,
    report_counts,
    totals,
    wide_per_report,
    year_span,
)
from nianbao.queries.compare import RATE_PARTS, RATES
from nianbao.series import GOV_FORMATS, measure, parse_expression

FORMAT_CHANGE_YEAR = 2019


def _line_keys(key: str) -> tuple[str, str]:
    """(name, unit) of a line: a measure, or a rate of compare.RATES (in %)."""
    if key in RATES:
        return RATES[key], "%"
    m = measure(key)
    return m.name, m.unit


def rate_totals(engine: Engine, f: Filters, key: str, by: tuple[str, ...]) -> pd.DataFrame:
    """A rate of compare.RATE_PARTS per group, pooled over the group's reports:
    sum(numerators) / sum(denominators) over the reports where every part is
    known; missing where no such report or the denominator is 0.

    Columns: *by, value (a fraction), n_reports (reports with every part
    known), n_missing (the group's other reports), report_id (when one report).
    """
    num_keys, den_keys = RATE_PARTS[key]
    ms = [measure(k) for k in (*num_keys, *den_keys)]
    w = wide_per_report(f, ms)
    cols = [w.c[f"m{i}"] for i in range(len(ms))]
    known = and_(*[c.is_not(None) for c in cols])
    num = sum(cols[1 : len(num_keys)], cols[0])
    den = sum(cols[len(num_keys) + 1 :], cols[len(num_keys)])
    r = REPORT.c
    keys = [r[b] for b in by]
    stmt = (
        select(
            *keys,
            func.sum(case((known, num))).label("num"),
            func.sum(case((known, den))).label("den"),
            func.count(case((known, 1))).label("n_reports"),
        )
        .select_from(REPORT.join(w, w.c.report_id == r.id))
        .group_by(*keys)
    )
    df = read(engine, stmt)
    formats = set.intersection(*(set(measure_formats(m)) for m in ms))
    counts = report_counts(engine, f, by)
    counts = counts[counts["format"].isin(formats)]
    cols_out = [*by, "value", "n_reports", "n_missing", "report_id"]
    if counts.empty:
        return pd.DataFrame(columns=cols_out)
    g = counts.groupby(list(by), dropna=False).agg(
        n_total=("n_total", "sum"), first_id=("first_id", "min")
    )
    out = g.join(df.set_index(list(by)), how="left").reset_index()
    out["n_reports"] = out["n_reports"].fillna(0).astype(int)
    out["value"] = ratio(out["num"], out["den"]).where(out["n_reports"] > 0)
    out["n_missing"] = (out["n_total"] - out["n_reports"]).astype(int)
    out["report_id"] = out["first_id"].where(out["n_total"] == 1).astype("Int64")
    return out[cols_out]


def _formats(key: str) -> tuple[str, ...]:
    """The report formats a line can have a value in (a rate: all of its parts)."""
    if key in RATES:
        num, den = RATE_PARTS[key]
        sets = [set(measure_formats(measure(k))) for k in (*num, *den)]
        return tuple(sorted(set.intersection(*sets)))
    return measure_formats(measure(key))


def _line(engine: Engine, f: Filters, key: str, by: tuple[str, ...]) -> pd.DataFrame:
    if key in RATES:
        return rate_totals(engine, f, key, by)
    return totals(engine, f, [measure(key)], by).drop(columns="measure")


def _finish(df: pd.DataFrame, key: str, years: list[int]) -> pd.DataFrame:
    """Explicit gap rows, rates in %, and report_ids / note columns for the page."""
    cols = ["group", "year", "value", "n_reports", "n_missing", "n_uncertain", "report_ids", "note"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    if "n_uncertain" not in df:
        df = df.assign(n_uncertain=0)  # rates: a missing part is missing, whatever the cell
    df = df[["group", "year", "value", "n_reports", "n_missing", "n_uncertain", "report_id"]]
    df = fill_years(df, "group", years)
    df["n_uncertain"] = df["n_uncertain"].fillna(0).astype(int)
    if key in RATES:
        df["value"] = df["value"] * 100  # a percentage: the chart's unit is %
    gap = (df["n_reports"] + df["n_missing"]) == 0
    df["note"] = ""
    df.loc[gap, "note"] = "该年没有可用的报告"
    blank = ~gap & df["value"].isna()
    df.loc[blank, "note"] = "报告中没有这一数值"
    df.loc[df["n_uncertain"] > 0, "note"] = "有数字无法确定（原文数字连写，无法拆分）"
    if key in RATES:  # every part known but the denominator is 0
        df.loc[blank & (df["n_reports"] > 0), "note"] = "分母为0，无法计算"
    df["report_ids"] = [() if pd.isna(i) else (int(i),) for i in df["report_id"]]
    df["year"] = df["year"].astype(int)
    # 政府 first, then 部门合计, 乡镇街道合计 (scope order), other groups by name
    order = {label: i for i, label in enumerate(SCOPE_TOTAL_LABELS.values())}
    df["_o"] = df["group"].map(order).fillna(len(order))
    df = df.sort_values(["_o", "group", "year"], kind="stable")
    return df.reset_index(drop=True)[cols]


def series_by_year(engine: Engine, f: Filters, key: str, group_by: str = "body") -> pd.DataFrame:
    """A measure (or a rate of compare.RATES) per year: one line per body
    (``group_by='body'``) or, over the filter ('all'), one line per scope —
    reports of different scopes are never added together.

    Columns: group, year, value, n_reports, n_missing, report_ids (the report
    when only one is behind the point), note (why a value is missing). Every
    year of the filter's span has a row: a year without a report is a gap.
    """
    if group_by == "body":
        df = _line(engine, f, key, ("issuer_key", "year"))
        df["group"] = df["issuer_key"]
    else:
        df = _line(engine, f, key, ("scope", "year"))
        df["group"] = df["scope"].map(SCOPE_TOTAL_LABELS).fillna(df["scope"])
    return _finish(df, key, year_span(engine, f, _formats(key)))


def series_by_region(
    engine: Engine, f: Filters, key: str, region_ids: tuple[int, ...]
) -> pd.DataFrame:
    """A measure per year for each region (the region and below), one line per
    region and scope (``f.scope`` picks one scope; scopes are never added).

    Columns as :func:`series_by_year`; ``group`` is the region's name (and scope).
    """
    names = dict(zip(*regions_named(engine, region_ids), strict=True))
    parts = []
    span: set[int] = set()
    for rid in region_ids:
        fr = f.with_(region_id=rid)
        df = _line(engine, fr, key, ("scope", "year"))
        name = names.get(rid, str(rid))
        scope_label = df["scope"].map(SCOPE_TOTAL_LABELS).fillna(df["scope"])
        df["group"] = name if f.scope else name + " · " + scope_label
        parts.append(df)
        span |= set(year_span(engine, fr, _formats(key)))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return _finish(pd.DataFrame(), key, [])
    return _finish(pd.concat(parts, ignore_index=True), key, sorted(span))


def regions_named(engine: Engine, region_ids: tuple[int, ...]) -> tuple[list[int], list[str]]:
    rc = REGION.c
    with engine.connect() as conn:
        rows = conn.execute(select(rc.id, rc.name).where(rc.id.in_(region_ids))).all()
    return [r.id for r in rows], [r.name for r in rows]


# Outcome categories of each era. Legacy categories are different questions
# (answers, not outcomes of closed applications) and are plotted apart.
GOV_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("予以公开", "requests.disclosed[total]"),
    ("部分公开", "requests.partially_disclosed[total]"),
    ("不予公开", "sum(requests.withheld.*)[total]"),
    ("无法提供", "sum(requests.unavailable.*)[total]"),
    ("不予处理", "sum(requests.not_processed.*)[total]"),
    ("其他处理", "requests.other_handling[total] + sum(requests.other_handling.*)[total]"),
)
LEGACY_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("属于已主动公开范围", "legacy.answers.already_public"),
    ("同意公开", "legacy.answers.disclosed"),
    ("同意部分公开", "legacy.answers.partially_disclosed"),
    ("不同意公开", "legacy.answers.withheld"),
    ("不属于本机关", "legacy.answers.not_this_agency"),
    ("信息不存在", "legacy.answers.not_exist"),
    ("告知更改补充", "legacy.answers.correction_requested"),
    ("告知其他途径", "legacy.answers.other_channel"),
    ("其他类型答复", "legacy.answers.other"),
)


def _composition_codes() -> dict[str, tuple[str, str]]:
    """metric code -> (era, category) for every code an outcome category adds up."""
    out: dict[str, tuple[str, str]] = {}
    for era, table in (("gov", GOV_OUTCOMES), ("legacy", LEGACY_OUTCOMES)):
        for label, expr in table:
            for term in parse_expression(expr):
                for code in term.metrics:
                    out[code] = (era, label)
    return out


def outcome_composition(engine: Engine, f: Filters) -> pd.DataFrame:
    """Per year and category: value, n_reports, n_missing, era ('gov' / 'legacy').

    Summed in SQL per (year, metric) and then per category: value is the sum of
    the known cells, ``n_missing`` the number of blank cells behind it (not
    counted as 0), ``n_reports`` the number of reports with a known cell.
    One range read of the (metric, report_id) index; a per-report evaluation
    of 15 categories would cost several times more at 10,000 reports.
    """
    codes = _composition_codes()
    r = REPORT.c
    fc = FACT.c
    stmt = (
        select(
            r.year,
            fc.metric,
            func.sum(fc.value).label("value"),
            func.count(func.distinct(case((fc.value.is_not(None), fc.report_id)))).label(
                "n_reports"
            ),
            (func.count() - func.count(fc.value)).label("n_missing"),
        )
        .join(REPORT, r.id == fc.report_id)
        .where(
            fc.metric.in_(tuple(codes)),
            or_(fc.applicant == "total", fc.applicant.is_(None)),
            fc.source == "table",
            *report_conditions(f),
        )
        .group_by(r.year, fc.metric)
    )
    if rollup.usable(engine, f):  # the same sums from the pre-summed cells
        rc = rollup.ROLLUP.c
        where = [rc.metric.in_(tuple(codes)), rc.applicant.in_(("total", "")), rc.source == "table"]
        df = rollup.read_cells(engine, f, ("year", "metric"), where)
        df["n_reports"] = df["n_value_reports"]
        df["n_missing"] = df["n_facts"] - df["n_values"]
    else:
        df = read(engine, stmt)
    cols = ["year", "era", "category", "value", "n_reports", "n_missing", "order"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    df["era"] = df["metric"].map(lambda c: codes[c][0])
    df["category"] = df["metric"].map(lambda c: codes[c][1])
    out = (
        df.groupby(["year", "era", "category"])
        .agg(
            value=("value", lambda s: s.sum(min_count=1)),
            n_reports=("n_reports", "max"),
            n_missing=("n_missing", "sum"),
        )
        .reset_index()
    )
    order = {label: i for i, (label, _) in enumerate(GOV_OUTCOMES + LEGACY_OUTCOMES)}
    out["order"] = out["category"].map(order)
    return out.sort_values(["year", "order"]).reset_index(drop=True)[cols]


def applicant_mix(engine: Engine, f: Filters) -> pd.DataFrame:
    """本年新收申请 by applicant column (Table B, 2019+) per year, in SQL.

    Columns: year, applicant, label, value, n_reports, n_missing.
    """
    r = REPORT.c
    fc = FACT.c
    stmt = (
        select(
            r.year,
            fc.applicant,
            func.sum(fc.value).label("value"),
            func.count(fc.value).label("n_reports"),
            (func.count() - func.count(fc.value)).label("n_missing"),
        )
        .join(REPORT, r.id == fc.report_id)
        .where(
            fc.metric == "requests.received",
            fc.applicant.is_not(None),
            fc.applicant != "total",
            r.format.in_(GOV_FORMATS),
            *report_conditions(f),
        )
        .group_by(r.year, fc.applicant)
    )
    if rollup.usable(engine, f):  # the same sums from the pre-summed cells
        rc = rollup.ROLLUP.c
        where = [
            rc.metric == "requests.received",
            rc.applicant.not_in(("", "total")),
            rc.format.in_(GOV_FORMATS),
        ]
        df = rollup.read_cells(engine, f, ("year", "applicant"), where)
        df["n_reports"] = df["n_values"]
        df["n_missing"] = df["n_facts"] - df["n_values"]
        df = df[["year", "applicant", "value", "n_reports", "n_missing"]]
    else:
        df = read(engine, stmt)
    labels = applicants()
    order = {k: i for i, k in enumerate(labels)}
    df["label"] = df["applicant"].map(labels)
    df["order"] = df["applicant"].map(order)
    return df.sort_values(["year", "order"]).drop(columns="order").reset_index(drop=True)


DISPUTE_SERIES = ("reviews", "reviews_corrected", "lawsuits", "lawsuits_corrected")


def disputes(engine: Engine, f: Filters) -> pd.DataFrame:
    """复议 / 诉讼 per year with 纠错率 = corrected / total (where total is known and > 0).

    Columns: year, kind (行政复议 / 行政诉讼), total, corrected, rate, n_reports
    and n_missing (of the total).
    """
    s = aggregate(engine, f, [measure(k) for k in DISPUTE_SERIES])
    rows = []
    for kind, tot, cor in (
        ("行政复议", "reviews", "reviews_corrected"),
        ("行政诉讼", "lawsuits", "lawsuits_corrected"),
    ):
        t = s[s["measure"] == tot].set_index("year")
        c = s[s["measure"] == cor].set_index("year")
        for y in sorted(set(t.index) | set(c.index)):
            total = t["value"].get(y, float("nan"))
            corrected = c["value"].get(y, float("nan"))
            rows.append(
                {
                    "year": int(y),
                    "kind": kind,
                    "total": total,
                    "corrected": corrected,
                    "n_reports": int(t["n_reports"].get(y, 0)),
                    "n_missing": int(t["n_missing"].get(y, 0)),
                }
            )
    out = pd.DataFrame(
        rows,
        columns=["year", "kind", "total", "corrected", "n_reports", "n_missing"],
    )
    out["rate"] = ratio(out["corrected"], out["total"])
    return out


# Staffing and funding: legacy table rows, and narrative figures (text.*).
STAFF_FUNDING_METRICS: tuple[str, ...] = (
    "legacy.staff.total",
    "legacy.staff.full_time",
    "legacy.staff.part_time",
    "legacy.org.dedicated_units",
    "legacy.funding",
    "legacy.fees",
)
# The same figures stated in the narrative (2019+ reports have no such table).
STAFF_FUNDING_TEXT: tuple[str, ...] = ("text.staff", "text.funding", "text.fees.processing")


def staffing_funding(engine: Engine, f: Filters) -> pd.DataFrame:
    """Staff and money facts per year, metric and source (统计表 / 正文).

    Columns: year, metric, source, value, n_reports, n_missing, unit.
    """
    r = REPORT.c
    c = FACT.c
    codes = (*STAFF_FUNDING_METRICS, *STAFF_FUNDING_TEXT)
    stmt = (
        select(
            r.year,
            c.metric,
            c.source,
            func.max(c.unit).label("unit"),
            func.sum(c.value).label("value"),
            func.count(c.value).label("n_reports"),
            (func.count() - func.count(c.value)).label("n_missing"),
        )
        .join(REPORT, r.id == c.report_id)
        .where(c.metric.in_(codes), *report_conditions(f))
        .group_by(r.year, c.metric, c.source)
        .order_by(r.year, c.metric)
    )
    if not rollup.usable(engine, f):
        return read(engine, stmt)
    # The same sums from the pre-summed cells.
    df = rollup.read_cells(
        engine, f, ("year", "metric", "source"), [rollup.ROLLUP.c.metric.in_(codes)]
    )
    df["n_reports"] = df["n_values"]
    df["n_missing"] = df["n_facts"] - df["n_values"]
    df = df.sort_values(["year", "metric"], na_position="first", kind="stable")
    cols = ["year", "metric", "source", "unit", "value", "n_reports", "n_missing"]
    return df[cols].reset_index(drop=True)
