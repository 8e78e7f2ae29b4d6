"""评估: scorecards, ranking and problem lists from the stored results.

A report's results are its table rules computed at ingest (check_result:
B…, C1, P…) and the evaluator's rules (evaluation_result: D1 … V2, see
nianbao.evaluation_store). :func:`workbench` scores every selected report with
the evaluator's weights (nianbao.evaluate.scorecard) and returns three tables
the page shows and the Excel export writes as they are: one row per report,
one row per (report, indicator), one row per problem.

Sample size: the number of distinct rules with a result for the report. A
report with fewer than the user's threshold is left out of the ranking (its
score rests on too little), but keeps its scorecard.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, insert, select, union_all, update
from sqlalchemy import literal as sql_literal
from sqlalchemy.exc import IntegrityError

from loaders.model import CheckResult
from nianbao.evaluate.scorecard import DEFAULT_INDICATORS, Indicator, score, with_weights
from nianbao.labels import STATUS_LABELS
from nianbao.models import CheckResult as CheckRow
from nianbao.models_eval import EvaluationResult, EvaluationRun, IndicatorProfile, ensure_tables
from nianbao.queries.common import SCOPE_LABELS, Filters, read, reports

ORIGIN_LABELS = {"check": "入库检查", "evaluation": "评估"}

DEFAULT_PROFILE = "默认（参照中国社会科学院评估实践）"
DEFAULT_MIN_RULES = 5

Weights = tuple[tuple[str, float], ...]  # hashable, for st.cache_data

CARD_COLUMNS = [
    "report_id",
    "主体",
    "年份",
    "范围",
    "总分",
    "样本量（有结果的规则数）",
    "结果数",
    "不通过",
    "无法判断",
]
INDICATOR_COLUMNS = [
    "report_id",
    "指标",
    "权重",
    "状态",
    "得分",
    "结果数",
    "规则",
    "证据",
]
PROBLEM_COLUMNS = ["report_id", "序号", "状态", "指标", "规则", "对象", "说明", "来源"]


def default_weights() -> Weights:
    return tuple((i.key, float(i.weight)) for i in DEFAULT_INDICATORS)


def indicators(weights: Weights | None) -> tuple[Indicator, ...]:
    return with_weights(dict(weights)) if weights else DEFAULT_INDICATORS


def indicator_info() -> pd.DataFrame:
    """The default indicator set as documented on the page."""
    return pd.DataFrame(
        [
            {
                "key": i.key,
                "指标": i.name,
                "默认权重": i.weight,
                "规则": "、".join(i.rules),
                "依据": i.note,
            }
            for i in DEFAULT_INDICATORS
        ]
    )


# --- stored results ------------------------------------------------------------------


def results_for(engine: Engine, report_ids: Sequence[int]) -> pd.DataFrame:
    """Every stored result of the reports: report_id, rule, status, subject, detail, origin."""
    cols = ["report_id", "rule", "status", "subject", "detail", "origin"]
    ids = sorted({int(i) for i in report_ids})
    if not ids:
        return pd.DataFrame(columns=cols)
    ensure_tables(engine)
    frames = []
    c, e = CheckRow.__table__.c, EvaluationResult.__table__.c
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        stmt = union_all(
            select(
                c.report_id,
                c.rule,
                c.status,
                c.subject,
                c.detail,
                sql_literal("check").label("origin"),
                c.id.label("n"),
            ).where(c.report_id.in_(part)),
            select(
                e.report_id,
                e.rule,
                e.status,
                e.subject,
                e.detail,
                sql_literal("evaluation").label("origin"),
                e.id.label("n"),
            ).where(e.report_id.in_(part)),
        )
        frames.append(read(engine, stmt))
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*cols, "n"])
    df = df.sort_values(["report_id", "origin", "n"], kind="stable")
    return df[cols].reset_index(drop=True)


@dataclass(frozen=True)
class Workbench:
    cards: pd.DataFrame  # CARD_COLUMNS + one status column per indicator
    indicators: pd.DataFrame  # INDICATOR_COLUMNS
    problems: pd.DataFrame  # PROBLEM_COLUMNS


def _status_cell(status: str, value: float | None) -> str:
    label = STATUS_LABELS[status]
    return label if value is None else f"{label} {value * 100:.0f}"


def workbench(engine: Engine, f: Filters, weights: Weights | None = None) -> Workbench:
    """Scorecards, indicator rows and problem lists of the reports ``f`` selects."""
    inds = indicators(weights)
    rep = reports(engine, f)
    res = results_for(engine, list(rep["id"]))
    by_report: dict[int, list[tuple[CheckResult, str]]] = {}
    for row in res.itertuples():
        by_report.setdefault(int(row.report_id), []).append(
            (CheckResult(row.rule, row.status, row.detail, row.subject or ""), row.origin)
        )
    cards, ind_rows, problems = [], [], []
    for r in rep.itertuples():
        rid = int(r.id)
        pairs = by_report.get(rid, [])
        origin = {id(c): o for c, o in pairs}
        card = score([c for c, _o in pairs], inds)
        row = {
            "report_id": rid,
            "主体": r.issuer or r.issuer_key,
            "年份": r.year,
            "范围": SCOPE_LABELS.get(r.scope, r.scope),
            "总分": None if card.score is None else round(card.score, 1),
            "样本量（有结果的规则数）": len({c.rule for c, _o in pairs}),
            "结果数": len(pairs),
            "不通过": sum(1 for c, _o in pairs if c.status == "fail"),
            "无法判断": sum(1 for c, _o in pairs if c.status == "uncertain"),
        }
        owner: dict[int, str] = {}
        for s in card.indicators:
            row[s.indicator.name] = _status_cell(s.status, s.score)
            worst = next(
                (x for st in ("fail", "uncertain") for x in s.results if x.status == st), None
            )
            ind_rows.append(
                {
                    "report_id": rid,
                    "指标": s.indicator.name,
                    "权重": s.indicator.weight,
                    "状态": STATUS_LABELS[s.status],
                    "得分": None if s.score is None else round(s.score * 100, 1),
                    "结果数": len(s.results),
                    "规则": "、".join(sorted({x.rule for x in s.results})),
                    "证据": ""
                    if worst is None
                    else f"{worst.rule} {worst.subject}: {worst.detail}".strip(),
                }
            )
            for x in s.results:
                owner.setdefault(id(x), s.indicator.name)
        cards.append(row)
        for n, p in enumerate(card.problems, start=1):
            problems.append(
                {
                    "report_id": rid,
                    "序号": n,
                    "状态": STATUS_LABELS[p.status],
                    "指标": owner.get(id(p), ""),
                    "规则": p.rule,
                    "对象": p.subject,
                    "说明": p.detail,
                    "来源": ORIGIN_LABELS.get(origin.get(id(p), ""), ""),
                }
            )
    card_cols = [*CARD_COLUMNS, *(i.name for i in inds)]
    cards_df = pd.DataFrame(cards, columns=card_cols)
    cards_df["年份"] = cards_df["年份"].astype("Int64")
    cards_df["总分"] = cards_df["总分"].astype("float64")
    return Workbench(
        cards_df,
        pd.DataFrame(ind_rows, columns=INDICATOR_COLUMNS),
        pd.DataFrame(problems, columns=PROBLEM_COLUMNS),
    )


def ranking(cards: pd.DataFrame, min_rules: int = DEFAULT_MIN_RULES) -> tuple[pd.DataFrame, int]:
    """Reports ranked by score, those with fewer than ``min_rules`` rules left out;
    returns the ranking and how many were left out."""
    n = "样本量（有结果的规则数）"
    enough = cards[(cards[n] >= min_rules) & cards["总分"].notna()]
    hidden = len(cards) - len(enough)
    out = enough.sort_values(["总分", n], ascending=[False, False], kind="stable").reset_index(
        drop=True
    )
    out.insert(0, "排名", out["总分"].rank(method="min", ascending=False).astype(int))
    return out[
        ["排名", "report_id", "主体", "年份", "范围", "总分", n, "不通过", "无法判断"]
    ], hidden


# --- state and profiles --------------------------------------------------------------


def evaluation_state(engine: Engine) -> dict[str, object]:
    """The last full run: rules version, when, how many reports; and whether it is stale."""
    from nianbao.evaluation_store import RULES_VERSION, is_stale

    ensure_tables(engine)
    run = read(
        engine,
        select(EvaluationRun.__table__)
        .where(EvaluationRun.scope == "all")
        .order_by(EvaluationRun.id.desc())
        .limit(1),
    )
    if run.empty:
        return {"evaluated": False, "stale": True, "rules_version": RULES_VERSION}
    row = run.iloc[0]
    return {
        "evaluated": True,
        "stale": is_stale(engine),
        "rules_version": RULES_VERSION,
        "stored_version": row["rules_version"],
        "evaluated_at": str(row["evaluated_at"])[:19],
        "n_reports": int(row["n_reports"]),
    }


def profiles(engine: Engine) -> dict[str, Weights]:
    """Saved weight profiles by name (the default first, always present)."""
    ensure_tables(engine)
    out: dict[str, Weights] = {DEFAULT_PROFILE: default_weights()}
    known = {i.key for i in DEFAULT_INDICATORS}
    rows = read(
        engine,
        select(IndicatorProfile.name, IndicatorProfile.weights).order_by(IndicatorProfile.name),
    )
    for row in rows.itertuples():
        try:
            data = json.loads(row.weights)
        except json.JSONDecodeError:
            continue  # a hand-edited row: skip it rather than fail the page
        if isinstance(data, dict):
            w = dict(default_weights())
            w.update({k: float(v) for k, v in data.items() if k in known})
            out[row.name] = tuple(w.items())
    return out


def save_profile(engine: Engine, name: str, weights: Weights) -> None:
    """Create or replace the named profile."""
    name = name.strip()
    if not name or name == DEFAULT_PROFILE:
        raise ValueError("请为方案另起一个名称（默认方案不能覆盖）")
    bad = [k for k, v in weights if v < 0]
    if bad:
        raise ValueError("权重不能为负数")
    with_weights(dict(weights))  # unknown keys raise ValueError
    ensure_tables(engine)
    payload = json.dumps(dict(weights), ensure_ascii=False, sort_keys=True)
    with engine.begin() as conn:
        updated = conn.execute(
            update(IndicatorProfile).where(IndicatorProfile.name == name).values(weights=payload)
        )
        if updated.rowcount == 0:
            try:
                conn.execute(
                    insert(IndicatorProfile).values(
                        name=name,
                        weights=payload,
                        created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                    )
                )
            except IntegrityError:  # saved at the same moment by someone else: theirs stays
                raise ValueError(f"方案「{name}」刚被另一位用户保存，请刷新后重试") from None
