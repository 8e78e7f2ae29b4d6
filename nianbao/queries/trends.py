"""趋势: a measure over years, outcome composition, applicant mix, disputes,
staffing and funding."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, case, func, or_, select

from loaders.catalog import applicants
from nianbao import rollup
from nianbao.queries.common import (
    FACT,
    REGION,
    REPORT,
    Filters,
    aggregate,
    per_report,
    ratio,
    read,
    report_conditions,
    summarise,
)
from nianbao.series import GOV_FORMATS, measure, parse_expression

FORMAT_CHANGE_YEAR = 2019


def series_by_year(engine: Engine, f: Filters, key: str, group_by: str = "body") -> pd.DataFrame:
    """A measure per year, summed per body (``group_by='body'``) or over the filter ('all').

    Columns: group, year, value, n_reports, n_missing, report_ids.
    """
    per = per_report(engine, f, [measure(key)])
    if group_by == "body":
        per["group"] = per["issuer_key"]
    else:
        per["group"] = "合计"
    out = summarise(per, ["group", "year"])
    return out


def series_by_region(
    engine: Engine, f: Filters, key: str, region_ids: tuple[int, ...]
) -> pd.DataFrame:
    """A measure per year summed over each region's reports (the region and below).

    Columns as :func:`series_by_year`; ``group`` is the region's name.
    """
    names = dict(zip(*regions_named(engine, region_ids), strict=True))
    parts = []
    for rid in region_ids:
        per = per_report(engine, f.with_(region_id=rid), [measure(key)])
        per["group"] = names.get(rid, str(rid))
        parts.append(summarise(per, ["group", "year"]))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return summarise(per_report(engine, f, []), ["group", "year"])
    return pd.concat(parts, ignore_index=True)


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
        where = [
            rc.metric.in_(tuple(codes)),
            rc.applicant.in_(("total", "")),
            rc.source == "table",
        ]
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
