"""A scorecard per report: indicators, weights, a score and a problem list (问题清单).

The default indicator set follows FORMAT.md §5.3, the synthesis of the official
expectations (30号: 按时、准确全面、不雷同) and the CASS evaluations (按时发布率,
要素齐全, 数据准确, 与上年重复率). Weights are a documented starting point the
evaluator adjusts and saves; they are plain data here.

Scoring: each result counts pass = 1, uncertain = 0.5, fail = 0; an
indicator's score is the mean over its results; an indicator without any
result is "n/a" and its weight is shared among the others, so a 2010 report is
not punished for having no Table B.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from loaders.model import CheckResult


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str  # shown to the evaluator
    rules: tuple[str, ...]  # rule IDs (a prefix "B" matches B1…B5)
    weight: float
    note: str = ""


DEFAULT_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "timeliness",
        "按时发布",
        ("D1",),
        15,
        "《条例》第四十九条（2019年起）/ 第三十一条（2008年）规定的发布期限",
    ),
    Indicator("availability", "逐年发布", ("D2",), 5, "首末两份报告之间每年都有报告"),
    Indicator("format", "格式规范", ("F1", "F2"), 10, "采用30号文/60号文规定的表格，模板行齐全"),
    Indicator(
        "completeness",
        "要素齐全",
        ("S1",),
        15,
        "《条例》第五十条规定的各部分齐全，第五部分写得具体",
    ),
    Indicator(
        "accuracy",
        "数据准确",
        ("B", "C", "P", "T1"),
        25,
        "统计表的勾稽关系，正文数字与统计表一致",
    ),
    Indicator(
        "cross_year", "前后衔接", ("X1", "A1", "A4"), 10, "结转数、现行有效件数等前后年度衔接"
    ),
    Indicator(
        "originality",
        "内容不雷同",
        ("O1", "O2"),
        15,
        "与上年报告、其他机关报告不雷同（社科院评估发现约九成报告有重复）",
    ),
    Indicator(
        "plausibility", "数据可信", ("V1", "V3"), 5, "数值没有异常跳变，汇总数与所属机关一致"
    ),
)

_POINTS = {"pass": 1.0, "uncertain": 0.5, "fail": 0.0}


def _matches(rule: str, patterns: Sequence[str]) -> bool:
    for p in patterns:
        if rule == p or (len(p) == 1 and rule.startswith(p) and rule[1:].isdigit()):
            return True
    return False


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    score: float | None  # 0..1, None = n/a
    results: tuple[CheckResult, ...]

    @property
    def status(self) -> str:
        if not self.results:
            return "n/a"
        statuses = {r.status for r in self.results}
        return (
            "fail" if "fail" in statuses else ("uncertain" if "uncertain" in statuses else "pass")
        )


@dataclass(frozen=True)
class Scorecard:
    indicators: tuple[IndicatorScore, ...]
    score: float | None  # 0..100 over the indicators that apply
    problems: tuple[CheckResult, ...]  # fails first, then uncertain, in indicator order


def score(
    results: Iterable[CheckResult],
    indicators: Sequence[Indicator] = DEFAULT_INDICATORS,
) -> Scorecard:
    results = tuple(results)
    scored: list[IndicatorScore] = []
    for ind in indicators:
        mine = tuple(r for r in results if _matches(r.rule, ind.rules))
        value = sum(_POINTS[r.status] for r in mine) / len(mine) if mine else None
        scored.append(IndicatorScore(ind, value, mine))
    applicable = [s for s in scored if s.score is not None and s.indicator.weight > 0]
    weight = sum(s.indicator.weight for s in applicable)
    total = (
        100 * sum(s.indicator.weight * (s.score or 0) for s in applicable) / weight
        if weight
        else None
    )
    problems = tuple(
        r
        for status in ("fail", "uncertain")
        for s in scored
        for r in s.results
        if r.status == status
    )
    return Scorecard(tuple(scored), total, problems)


def with_weights(weights: Mapping[str, float]) -> tuple[Indicator, ...]:
    """The default indicators with the evaluator's weights (by indicator key)."""
    unknown = set(weights) - {i.key for i in DEFAULT_INDICATORS}
    if unknown:
        raise ValueError(f"unknown indicator(s): {', '.join(sorted(unknown))}")
    return tuple(
        Indicator(i.key, i.name, i.rules, float(weights.get(i.key, i.weight)), i.note)
        for i in DEFAULT_INDICATORS
    )
