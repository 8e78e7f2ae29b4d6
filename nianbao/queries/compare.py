"""对比: several bodies in one year, and two reports side by side."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from loaders.catalog import applicants, metrics
from nianbao.queries.common import FACT, REPORT, Filters, per_report, ratio, read, summarise
from nianbao.series import measure

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


def compare_bodies(
    engine: Engine, f: Filters, keys: tuple[str, ...] = COMPARE_MEASURES
) -> pd.DataFrame:
    """One row per body for the filter's year: counts, rates and what is behind them.

    Columns: issuer_key, scope, n_reports, report_ids, one column per measure key
    (NaN where missing), ``n_missing`` (blank values in the row), and the rates of
    RATES, each computed only where its denominator is known and non-zero.
    """
    per = per_report(engine, f, [measure(k) for k in keys])
    s = summarise(per, ["issuer_key", "measure"])
    base = (
        per.groupby("issuer_key")
        .agg(
            scope=("scope", "first"),
            n_reports=("report_id", "nunique"),
            report_ids=("report_id", lambda x: tuple(sorted({int(i) for i in x}))),
        )
        .reset_index()
    )
    values = s.set_index(["issuer_key", "measure"])["value"].unstack("measure")
    missing = s.groupby("issuer_key")["n_missing"].sum().rename("n_missing")
    out = base.join(values, on="issuer_key").join(missing, on="issuer_key")
    for k in keys:
        if k not in out:
            out[k] = float("nan")

    def col(k: str) -> pd.Series:
        return out[k] if k in out else pd.Series(float("nan"), index=out.index)

    out["disclosure_rate"] = ratio(
        col("disclosed") + col("partially_disclosed"), col("requests_closed")
    )
    out["review_correction_rate"] = ratio(col("reviews_corrected"), col("reviews"))
    out["litigation_correction_rate"] = ratio(col("lawsuits_corrected"), col("lawsuits"))
    out["carry_over_share"] = ratio(
        col("requests.carried_forward"),
        col("requests_received") + col("requests.carried_over"),
    )
    return out.sort_values("issuer_key").reset_index(drop=True)


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
