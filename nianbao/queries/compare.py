"""对比: several bodies in one year, and two reports side by side."""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Select, case, func, literal, select, union_all

from loaders.catalog import applicants, metrics
from nianbao.labels import APPLICANT_LABELS, FORMAT_LABELS, label
from nianbao.queries.common import FACT, REPORT, Filters, ratio, read, report_conditions
from nianbao.series import (
    GOV_FORMATS,
    LEGACY_FORMATS,
    Measure,
    codes_by_applicant,
    disjoint_groups,
    measure,
    measure_condition,
    per_report_select,
    series_catalog,
)

# Counts compared across bodies (series keys or metric codes), in table order.
COMPARE_MEASURES: tuple[str, ...] = (
    "requests_received",
    "requests.carried_over",
    "requests_closed",
    "disclosed",
    "partially_disclosed",
    "withheld",
    "unavailable",
    "requests.carried_forward",
    "reviews",
    "reviews_corrected",
    "lawsuits",
    "lawsuits_corrected",
)
RATES: dict[str, str] = {
    "disclosure_rate": "公开率",
    "review_correction_rate": "复议纠错率",
    "litigation_correction_rate": "诉讼纠错率",
    "carry_over_share": "结转率",
}


def measure_label(key: str) -> str:
    if key in RATES:
        return RATES[key]
    short = {
        "requests.carried_over": "上年结转",
        "requests.carried_forward": "结转下年",
    }
    return short.get(key) or measure(key).name


# A rate over fewer cases than this is flagged 样本小 and, by default, ranked
# after every rate with a real base: 1 of 1 application disclosed (100 %) says
# little next to 42 of 81. Ten is a plain, explainable threshold (one more or
# less case moves the rate by at most 10 points below it).
SMALL_N = 10

# Each rate: the counts of its numerator and of its denominator (summed);
# 趋势 (queries/trends.py) computes its rate lines from this table too.
RATE_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "disclosure_rate": (("disclosed", "partially_disclosed"), ("requests_closed",)),
    "review_correction_rate": (("reviews_corrected",), ("reviews",)),
    "litigation_correction_rate": (("lawsuits_corrected",), ("lawsuits",)),
    "carry_over_share": (
        ("requests.carried_forward",),
        ("requests_received", "requests.carried_over"),
    ),
}
# What the denominator of each rate counts, for column headers.
DENOMINATOR_LABELS = {
    "disclosure_rate": "办结数",
    "review_correction_rate": "复议数",
    "litigation_correction_rate": "诉讼数",
    "carry_over_share": "新收与结转数",
}
# The state of a rate: computed over a real base, over a small one, over 0
# (无法计算: nothing to divide by — not a blank in the report), or missing
# (a count behind it is blank or absent).
RATE_STATES = {"ok": "", "small": "样本小", "zero": "无法计算", "missing": "缺失"}


def keys_for(key: str) -> tuple[str, ...]:
    """The counts a ranking by ``key`` needs: the key itself, or a rate's parts."""
    if key in RATE_PARTS:
        num, den = RATE_PARTS[key]
        return tuple(dict.fromkeys((*num, *den)))
    return (key,)


def _rate_state(num: pd.Series, den: pd.Series) -> pd.Series:
    state = pd.Series("missing", index=den.index, dtype="object")
    known = num.notna() & den.notna()
    state[known & (den == 0)] = "zero"
    state[known & (den > 0) & (den < SMALL_N)] = "small"
    state[known & (den >= SMALL_N)] = "ok"
    return state


def compare_bodies(
    engine: Engine, f: Filters, keys: tuple[str, ...] = COMPARE_MEASURES
) -> pd.DataFrame:
    """One row per body with a report that the filter selects (usually one year).

    Columns: issuer_key, scope, n_reports, report_ids, one column per measure
    key (the sum of the known per-report values; NaN where none is known),
    ``n_missing`` (blank per-report values in the row), and for each rate of
    RATES the rate, ``<rate>__n`` (its denominator) and ``<rate>__state``
    (ok / small / zero / missing), for the rates whose counts are among ``keys``.
    A rate is computed only where its counts are known and the denominator is not 0.

    The sums are done in SQL, one row per body: at 100k reports a year holds
    ~8k bodies, and shipping their per-report rows to pandas cost seconds.
    A body whose report has no figures still has a row (all values missing).
    """
    r = REPORT.c
    conds = report_conditions(f)
    out = _report_keys(read(engine, select(r.id, r.issuer_key, r.scope).where(*conds)))
    measures = [measure(k) for k in keys]
    parts = [_per_report(g, conds) for g in disjoint_groups(measures)]
    u = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    # Positional labels: metric codes contain dots.
    cols = [
        func.sum(case((u.c.measure == k, u.c.value))).label(f"m{i}") for i, k in enumerate(keys)
    ]
    stmt = (
        select(
            r.issuer_key,
            *cols,
            func.sum(case((u.c.value.is_(None), 1), else_=0)).label("n_missing"),
        )
        .join(REPORT, r.id == u.c.report_id)
        .group_by(r.issuer_key)
    )
    sums = read(engine, stmt).rename(columns={f"m{i}": k for i, k in enumerate(keys)})
    for k in keys:
        sums[k] = pd.to_numeric(sums[k], errors="coerce")
    out = out.merge(sums, on="issuer_key", how="left")
    out["n_missing"] = out["n_missing"].fillna(0).astype(int)
    for rate, (num_keys, den_keys) in RATE_PARTS.items():
        if not set(num_keys + den_keys) <= set(keys):
            continue  # a ranking by one count only (a large scope) leaves the rates out
        num = _sum_known(out, num_keys)
        den = _sum_known(out, den_keys)
        out[rate] = ratio(num, den)
        out[f"{rate}__n"] = den
        out[f"{rate}__state"] = _rate_state(num, den)
    return out.sort_values("issuer_key").reset_index(drop=True)


def _per_report(measures: list[Measure], conds: list[Any]) -> Select[Any]:
    """series.per_report_select, with one plain ``metric IN … AND applicant = …``
    branch per applicant column instead of an OR of them: each branch can then
    seek the (metric, applicant, report_id) index per report of the year, where
    the OR made SQLite read every fact of every report (0.3 s for 8k reports).
    Same rows: report_id, measure, value (NULL if a fact behind it is blank)."""
    fact = FACT.c
    key = case(*[(measure_condition(m), literal(m.key)) for m in measures], else_=None)
    codes = codes_by_applicant(measures)
    branches = [
        select(fact.report_id.label("report_id"), key.label("measure"), fact.value.label("value"))
        .select_from(FACT.join(REPORT, REPORT.c.id == fact.report_id))
        .where(
            fact.metric.in_(cs),
            fact.applicant.is_(None) if app is None else fact.applicant == app,
            *conds,
        )
        for app, cs in codes.items()
    ]
    inner = (branches[0] if len(branches) == 1 else union_all(*branches)).subquery()
    n_facts = func.count()
    n_values = func.count(inner.c.value)
    return (
        select(
            inner.c.report_id,
            inner.c.measure,
            case((n_values == n_facts, func.sum(inner.c.value)), else_=None).label("value"),
        )
        .where(inner.c.measure.is_not(None))
        .group_by(inner.c.report_id, inner.c.measure)
    )


def _sum_known(df: pd.DataFrame, keys: tuple[str, ...]) -> pd.Series:
    """Row sum of the columns, missing as soon as one of them is missing."""
    total = pd.Series(0.0, index=df.index)
    for k in keys:
        total = total + (df[k] if k in df else float("nan"))
    return total


def _report_keys(reps: pd.DataFrame) -> pd.DataFrame:
    """Per body: scope, n_reports, report_ids (vectorised: ~8k bodies at 100k reports)."""
    cols = ["issuer_key", "scope", "n_reports", "report_ids"]
    if reps.empty:
        return pd.DataFrame(columns=cols)
    # Sorted here, not in SQL: PostgreSQL's collation may order names differently.
    reps = reps.sort_values(["issuer_key", "id"], kind="stable")
    g = reps.groupby("issuer_key", sort=True)
    out = pd.DataFrame({"scope": g["scope"].max(), "n_reports": g.size()})
    ids = reps["id"].astype("int64").tolist()
    ends = out["n_reports"].cumsum().tolist()
    out["report_ids"] = [tuple(ids[a:b]) for a, b in zip([0, *ends[:-1]], ends, strict=True)]
    return out.reset_index()[cols]


def rank_bodies(df: pd.DataFrame, key: str, small_ranked: bool = False) -> pd.DataFrame:
    """``df`` (from compare_bodies) sorted for the ranking, with a ``rank`` column.

    Counts: highest first; a missing value is listed last without a rank.
    Rates: rates over a real base (denominator >= SMALL_N) are ranked first;
    rates over a small one follow, marked 样本小 and without a rank unless
    ``small_ranked``; then 无法计算 (denominator 0) and 缺失, never ranked.
    """
    d = df.copy()
    value = pd.to_numeric(d[key], errors="coerce")
    if key in RATES:
        state = d[f"{key}__state"]
        tier = state.map({"ok": 0, "small": 0 if small_ranked else 1, "zero": 2, "missing": 3})
        ranked = tier == 0
    else:
        tier = value.isna().astype(int)
        ranked = value.notna()
    d["_tier"] = tier.to_numpy()
    d["_v"] = -value.fillna(float("-inf"))
    d["_ranked"] = ranked.to_numpy()
    d = d.sort_values(["_tier", "_v", "issuer_key"], kind="stable").reset_index(drop=True)
    d["rank"] = pd.Series(range(1, len(d) + 1), dtype="float64").where(d["_ranked"])
    return d.drop(columns=["_tier", "_v", "_ranked"])


def normalise(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Each metric scaled to 0–1 over the bodies (max = 1); missing stays missing."""
    out = pd.DataFrame(index=df.index)
    for k in keys:
        v = pd.to_numeric(df[k], errors="coerce")
        lo, hi = v.min(), v.max()
        if pd.isna(hi):
            out[k] = v
        elif hi == lo:
            out[k] = v.where(v.isna(), 0.5)
        else:
            out[k] = (v - lo) / (hi - lo)
    return out


def row_label(code: str) -> str:
    """The official row label of a metric. A label the catalog uses for more than
    one row (the legacy table's "（二）被依法纠错数" under both 行政复议 and 行政诉讼)
    is prefixed with its parent's label, so that every row reads on its own."""
    cat = metrics()
    m = cat.get(code)
    if m is None:
        return code  # not in the catalog: the stored code is all there is
    if m.parent in cat and m.label in _shared_labels():
        return f"{cat[m.parent].label} · {m.label}"
    return m.label


@cache
def _shared_labels() -> frozenset[str]:
    seen = Counter(m.label for m in metrics().values())
    return frozenset(k for k, n in seen.items() if n > 1)


def report_pair(engine: Engine, a: int, b: int) -> pd.DataFrame:
    """Every fact of two reports, aligned by (metric, applicant, source).

    Columns: metric, applicant, source, label, value_a, value_b, raw_a, raw_b,
    diff (b − a, only where both are known), differs (bool).
    """
    fc = FACT.c
    stmt = select(fc.report_id, fc.metric, fc.applicant, fc.source, fc.value, fc.raw).where(
        fc.report_id.in_((a, b))
    )
    df = read(engine, stmt)
    df["applicant"] = df["applicant"].fillna("")  # a key for alignment, not a value
    df["side"] = df["report_id"].map({a: "a", b: "b"})
    wide = (
        df.drop_duplicates(["metric", "applicant", "source", "side"])
        .set_index(["metric", "applicant", "source", "side"])[["value", "raw"]]
        .unstack("side")
    )
    wide.columns = [f"{v}_{s}" for v, s in wide.columns]
    wide = wide.reset_index()
    for c in ("value_a", "value_b", "raw_a", "raw_b"):
        if c not in wide:
            wide[c] = None
    wide["value_a"] = pd.to_numeric(wide["value_a"], errors="coerce")
    wide["value_b"] = pd.to_numeric(wide["value_b"], errors="coerce")
    wide["diff"] = wide["value_b"] - wide["value_a"]
    both_blank = wide["value_a"].isna() & wide["value_b"].isna()
    wide["differs"] = ~both_blank & ((wide["diff"] != 0) | wide["diff"].isna())
    cat = metrics()
    app = applicants()
    order = {c: i for i, c in enumerate(cat)}
    wide["label"] = [
        row_label(m) + (f"（{label(APPLICANT_LABELS, ap)}）" if ap else "")
        for m, ap in zip(wide["metric"], wide["applicant"], strict=True)
    ]
    app_order = {k: i for i, k in enumerate(app)}
    wide["_o1"] = wide["metric"].map(order).fillna(len(order))
    wide["_o2"] = wide["applicant"].map(app_order).fillna(-1)
    wide = wide.sort_values(["_o1", "metric", "_o2"]).drop(columns=["_o1", "_o2"])
    return wide[
        [
            "metric",
            "applicant",
            "source",
            "label",
            "value_a",
            "value_b",
            "raw_a",
            "raw_b",
            "diff",
            "differs",
        ]
    ].reset_index(drop=True)


def report_titles(engine: Engine, ids: tuple[int, ...]) -> pd.DataFrame:
    r = REPORT.c
    stmt = select(r.id, r.issuer_key, r.year, r.format, r.title).where(r.id.in_(ids))
    return read(engine, stmt)


# ---------------------------------------------------------------- two reports side by side

# The two table eras: rows of a legacy table (2008–2018) and of the 2019/2021
# tables are different questions, so a row-by-row pair across them is
# meaningless; only the series of series.csv bridge them.
ERA_LABELS = {"legacy": "2019年前的旧统计表", "gov": "2019年起的新统计表", "narrative": "仅正文"}


def era_of(fmt: str | None) -> str:
    if fmt in LEGACY_FORMATS:
        return "legacy"
    if fmt in GOV_FORMATS:
        return "gov"
    return "narrative"


def era_label(fmt: str | None) -> str:
    """'旧统计表（2019年前）', '2021格式（2019年起的新统计表）', '仅正文的报告（没有统计表）'."""
    era = era_of(fmt)
    if era == "legacy":
        return "旧统计表（2019年前）"
    if era == "gov":
        return f"{label(FORMAT_LABELS, fmt)}（2019年起的新统计表）"
    return "仅正文的报告（没有统计表）"


def default_pair(
    reps: pd.DataFrame, chosen: list[str], year: int, ranked: list[int]
) -> tuple[int | None, int | None]:
    """Reports A and B shown side by side before the user picks any.

    ``reps`` (id, issuer_key, year, format) are the reports on offer, ``chosen``
    the chosen bodies in the order they were chosen, ``ranked`` the report ids
    of the ranking (best first). A is the first chosen body's report of the year
    (else the top-ranked report). B is, in this order: another chosen body's
    report of the same year, the same body's latest earlier year, the next
    ranked report of the year, the same body's next later year — always in A's
    table era. None when nothing fits (B is then left for the user to pick).
    """
    if reps.empty:
        return None, None
    reps = reps.sort_values(["year", "id"])
    of_year = reps[reps["year"] == year]
    a_row = None
    for body in chosen:
        hit = of_year[of_year["issuer_key"] == body]
        if not hit.empty:
            a_row = hit.iloc[0]
            break
    if a_row is None and chosen:
        mine = reps[reps["issuer_key"] == chosen[0]]
        if not mine.empty:
            a_row = mine.iloc[-1]
    if a_row is None:
        by_id = of_year.set_index("id")
        first = next((i for i in ranked if i in by_id.index), None)
        if first is None and not of_year.empty:
            first = int(of_year["id"].iloc[0])
        if first is None:
            return None, None
        a_row = reps[reps["id"] == first].iloc[0]
    a = int(a_row["id"])
    era = era_of(a_row["format"])
    same_era = reps[(reps["format"].map(era_of) == era) & (reps["id"] != a)]
    a_year = int(a_row["year"])
    same_body = same_era[same_era["issuer_key"] == a_row["issuer_key"]]
    same_year = same_era[same_era["year"] == a_year]
    candidates: list[int] = []
    for body in chosen:  # 1. another chosen body, the same year
        if body != a_row["issuer_key"]:
            candidates += same_year.loc[same_year["issuer_key"] == body, "id"].tolist()
    # 2. the same body, the latest earlier year
    candidates += same_body.loc[same_body["year"] < a_year, "id"].tolist()[::-1]
    # 3. the next ranked report of that year
    of_same_year = set(same_year["id"])
    candidates += [i for i in ranked if i in of_same_year]
    # 4. the same body, the next later year
    candidates += same_body.loc[same_body["year"] > a_year, "id"].tolist()
    return a, (int(candidates[0]) if candidates else None)


def series_pair(engine: Engine, a: int, b: int) -> pd.DataFrame:
    """The series of series.csv for two reports of different table eras.

    Columns: key, name, unit, comparable (可比 / 近似 / 2019年起取自正文),
    value_a, value_b, diff. A series that neither report has is left out;
    a blank value is missing, never 0.
    """
    cat = series_catalog()
    ms = list(cat.values())
    conds = [REPORT.c.id.in_((a, b))]
    parts = [per_report_select(g, conds) for g in disjoint_groups(ms)]
    u = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    df = read(engine, select(u.c.report_id, u.c.measure, u.c.value))
    cols = ["key", "name", "unit", "comparable", "value_a", "value_b", "diff"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    wide = df.pivot_table(
        index="measure", columns="report_id", values="value", aggfunc="first", dropna=False
    )
    rows = []
    for key, m in cat.items():
        if key not in wide.index:
            continue
        va = wide.loc[key].get(a, float("nan"))
        vb = wide.loc[key].get(b, float("nan"))
        rows.append(
            {
                "key": key,
                "name": m.name,
                "unit": m.unit,
                "comparable": COMPARABLE_LABELS.get(m.comparable, "近似"),
                "value_a": va,
                "value_b": vb,
                "diff": vb - va,
            }
        )
    return pd.DataFrame(rows, columns=cols)


# series.csv's "comparable" column, for readers.
COMPARABLE_LABELS = {
    "yes": "可比",
    "approx": "近似（两个时期口径略有不同）",
    "text-only after 2019": "2019年起取自正文",
}


def bodies_with_reports(engine: Engine, f: Filters) -> list[str]:
    """The bodies with a report the filter selects (e.g. in the chosen year), sorted."""
    r = REPORT.c
    stmt = select(r.issuer_key).where(*report_conditions(f.with_(bodies=()))).distinct()
    with engine.connect() as conn:
        return sorted(k for (k,) in conn.execute(stmt) if k is not None)
