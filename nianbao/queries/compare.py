"""对比: several bodies in one year, and two reports side by side."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, case, func, select, union_all

from loaders.catalog import applicants, metrics
from nianbao.queries.common import FACT, REPORT, Filters, ratio, read, report_conditions
from nianbao.series import disjoint_groups, measure, per_report_select

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
# rate key -> (numerator keys, denominator keys): rate = sum(numerators) / sum(denominators),
# only where every part is known and the denominator is non-zero (also used by 趋势).
RATE_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "disclosure_rate": (("disclosed", "partially_disclosed"), ("requests_closed",)),
    "review_correction_rate": (("reviews_corrected",), ("reviews",)),
    "litigation_correction_rate": (("lawsuits_corrected",), ("lawsuits",)),
    "carry_over_share": (
        ("requests.carried_forward",),
        ("requests_received", "requests.carried_over"),
    ),
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

# Each rate: the counts of its numerator and of its denominator (summed).
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
    (ok / small / zero / missing). A rate is computed only where its counts are
    known and the denominator is not 0.

    The sums are done in SQL, one row per body: at 100k reports a year holds
    ~8k bodies, and shipping their per-report rows to pandas cost seconds.
    A body whose report has no figures still has a row (all values missing).
    """
    r = REPORT.c
    conds = report_conditions(f)
    out = _report_keys(read(engine, select(r.id, r.issuer_key, r.scope).where(*conds)))
    measures = [measure(k) for k in keys]
    parts = [per_report_select(g, conds) for g in disjoint_groups(measures)]
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
        num = _sum_known(out, num_keys)
        den = _sum_known(out, den_keys)
        out[rate] = ratio(num, den)
        out[f"{rate}__n"] = den
        out[f"{rate}__state"] = _rate_state(num, den)
    return out.sort_values("issuer_key").reset_index(drop=True)


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
        (cat[m].label if m in cat else m) + (f"（{app.get(ap, ap)}）" if ap else "")
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
