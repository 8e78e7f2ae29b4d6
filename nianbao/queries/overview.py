"""总览: what is loaded, headline figures for a scope and year, and problems."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, select

from nianbao.queries.common import (
    CHECK,
    REPORT,
    Filters,
    per_report,
    ratio,
    read,
    report_conditions,
    summarise,
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


def coverage(engine: Engine, f: Filters) -> pd.DataFrame:
    """Reports per body, year and format (the coverage grid), grouped by region and scope."""
    r = REPORT.c
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
        .where(r.year.is_not(None), *report_conditions(f.with_(year=None)))
        .group_by(r.issuer_key, r.scope, r.region_id, r.year, r.format)
        .order_by(r.region_id, r.scope, r.issuer_key, r.year)
    )
    return read(engine, stmt)


def disclosure_rate(per: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """公开率 = (予以公开 + 部分公开) / 办结总数, over reports where all three are known.

    ``per`` is :func:`per_report` output containing the three series.
    """
    cols = [*by, "value", "n_reports", "n_missing", "report_ids"]
    if per.empty:
        return pd.DataFrame(columns=cols)
    wide = (
        per.drop_duplicates(["report_id", "measure"])
        .set_index(["report_id", *by, "measure"])["value"]
        .unstack("measure")
    )
    for m in _RATE_PARTS:
        if m not in wide:
            wide[m] = float("nan")
    wide = wide.reset_index()
    wide["num"] = wide["disclosed"] + wide["partially_disclosed"]  # NaN if either blank
    known = wide["num"].notna() & wide["requests_closed"].notna()
    rows = []
    for key, grp in wide.groupby(by, dropna=False) if by else [((), wide)]:
        k = grp[known.loc[grp.index]]
        den = k["requests_closed"].sum()
        rate = ratio(pd.Series([k["num"].sum()]), pd.Series([den if len(k) else None]))[0]
        keys = key if isinstance(key, tuple) else (key,)
        rows.append(
            (
                *keys,
                rate,
                len(k),
                len(grp) - len(k),
                tuple(sorted(int(x) for x in k["report_id"])),
            )
        )
    return pd.DataFrame(rows, columns=cols)


def headline(engine: Engine, f: Filters, year: int) -> pd.DataFrame:
    """One row per headline figure for ``year`` and the year before.

    Columns: key, label, unit, value, n_reports, n_missing, prev_value,
    prev_n_reports, change, report_ids.
    """
    keys = [k for k, _ in HEADLINES if k != "disclosure_rate"]
    measures = [measure(k) for k in {*keys, *_RATE_PARTS}]
    per = per_report(engine, f.with_(year=None, year_from=year - 1, year_to=year), measures)
    sums = summarise(per, ["measure", "year"])
    rate = disclosure_rate(per[per["measure"].isin(_RATE_PARTS)], ["year"])
    rate["measure"] = "disclosure_rate"
    both = pd.concat([sums, rate], ignore_index=True)
    rows = []
    for key, label in HEADLINES:
        cur = both[(both["measure"] == key) & (both["year"] == year)]
        prev = both[(both["measure"] == key) & (both["year"] == year - 1)]
        value = cur["value"].iloc[0] if len(cur) else float("nan")
        prev_value = prev["value"].iloc[0] if len(prev) else float("nan")
        unit = "%" if key == "disclosure_rate" else measure(key).unit
        rows.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "value": value,
                "n_reports": int(cur["n_reports"].iloc[0]) if len(cur) else 0,
                "n_missing": int(cur["n_missing"].iloc[0]) if len(cur) else 0,
                "prev_value": prev_value,
                "prev_n_reports": int(prev["n_reports"].iloc[0]) if len(prev) else 0,
                "change": value - prev_value,  # NaN unless both known
                "report_ids": cur["report_ids"].iloc[0] if len(cur) else (),
            }
        )
    return pd.DataFrame(rows)


def failed_checks(engine: Engine, f: Filters) -> pd.DataFrame:
    """Failed checks, one row per (report, rule): the report, its body and year."""
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
        .where(c.status == "fail", *report_conditions(f))
        .group_by(c.report_id, r.issuer_key, r.year, c.rule)
        .order_by(c.rule, r.issuer_key, r.year)
    )
    return read(engine, stmt)


def failed_by_rule(engine: Engine, f: Filters) -> pd.DataFrame:
    """Per rule: how many reports failed it."""
    r = REPORT.c
    c = CHECK.c
    stmt = (
        select(c.rule, func.count(func.distinct(c.report_id)).label("n_reports"))
        .join(REPORT, r.id == c.report_id)
        .where(c.status == "fail", *report_conditions(f))
        .group_by(c.rule)
        .order_by(func.count(func.distinct(c.report_id)).desc(), c.rule)
    )
    return read(engine, stmt)


def gaps(cov: pd.DataFrame) -> pd.DataFrame:
    """(body, year) with no report between the body's first and last year."""
    rows = []
    for body, grp in cov.groupby("issuer_key"):
        have = {int(y) for y in grp["year"].dropna()}
        if not have:
            continue
        for y in range(min(have), max(have) + 1):
            if y not in have:
                rows.append((body, y, min(have), max(have)))
    return pd.DataFrame(rows, columns=["issuer_key", "year", "first_year", "last_year"])
