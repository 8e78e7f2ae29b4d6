"""Plausibility flags (HEURISTIC: they ask for a look, they do not prove an error).

- V1: a metric jumps ×5 or ÷5 from one year to the next, where at least one of
  the two years has 20 or more (small counts jump all the time).
- V2: Tables B and C entirely zero. That is valid (a body that received no
  applications), so it is a 'pass' carrying a note the evaluator may want.
- V3: a government report that says it aggregates its region (全市/全区/全县
  共收到…, 汇总) against the sum of its member bodies' reports; only run when
  the report says so, because a government's own report need not aggregate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from loaders.catalog import metrics
from loaders.model import CheckResult, ParsedReport
from nianbao.evaluate._common import fmt_num, result, table_facts

JUMP_FACTOR = 5.0
MIN_VOLUME = 20.0


def _totals(report: ParsedReport) -> dict[str, float]:
    """metric → value of the total column (or the single value), blanks left out."""
    out: dict[str, float] = {}
    for (metric, applicant), f in table_facts(report).items():
        if applicant not in (None, "total") or f.value is None:
            continue
        out.setdefault(metric, float(f.value))
    return out


def check_jumps(prev: ParsedReport, cur: ParsedReport) -> tuple[CheckResult, ...]:
    """V1 between two consecutive reports of a body (any formats: same codes compared)."""
    a, b = _totals(prev), _totals(cur)
    common = sorted(set(a) & set(b))
    if not common:
        return ()
    span = f"{prev.year}→{cur.year}"
    catalog = metrics()
    jumps: list[str] = []
    for m in common:
        if m.endswith(".items_change"):
            continue  # 本年增/减 is a signed change, not a volume
        x, y = a[m], b[m]
        if max(x, y) < MIN_VOLUME or x < 0 or y < 0:
            continue
        if y >= JUMP_FACTOR * x or x >= JUMP_FACTOR * y:
            ratio = "由 0 增加" if x == 0 else ("降为 0" if y == 0 else f"×{y / x:.2g}")
            label = catalog[m].label if m in catalog else m
            jumps.append(f"{label} {fmt_num(x)} → {fmt_num(y)}（{ratio}）")
    if jumps:
        return (
            result(
                "V1",
                "fail",
                f"与上年相比增至 {JUMP_FACTOR:g} 倍以上或降至 1/{JUMP_FACTOR:g} 以下"
                f"（数量不少于 {MIN_VOLUME:g}），请核实：" + "；".join(jumps),
                span,
            ),
        )
    return (
        result(
            "V1",
            "pass",
            f"两年共有的 {len(common)} 个指标都没有 {JUMP_FACTOR:g} 倍以上的变化",
            span,
        ),
    )


def check_all_zero(report: ParsedReport) -> tuple[CheckResult, ...]:
    """V2: an informational pass when every Table B and C cell is 0."""
    cells = [
        f
        for f in report.facts
        if f.source == "table" and (f.metric.startswith(("requests.", "review.", "litigation.")))
    ]
    if not cells or any(f.value is None or f.value != 0 for f in cells):
        return ()
    return (
        result(
            "V2",
            "pass",
            f"依申请公开表和复议诉讼表全为零（{len(cells)} 格）：可以成立，即该机关没有"
            "收到申请、复议或诉讼；请与正文对照（T1）",
        ),
    )


_AGGREGATE = re.compile(
    r"(全(?:省|市|区|县|州|旗|盟)(?:各级行政机关|各级政府|各部门)?共(?:收到|受理|新收)|汇总|全(?:省|市|区|县)范围内共)"
)


def says_aggregate(report: ParsedReport) -> str | None:
    """The sentence in which a report says it aggregates its region, if any."""
    m = _AGGREGATE.search(report.full_text)
    if m is None:
        return None
    start = max(report.full_text.rfind("。", 0, m.start()) + 1, m.start() - 60)
    end = report.full_text.find("。", m.end())
    return report.full_text[start : end + 1 if end >= 0 else m.end() + 60].strip()


def check_aggregate(
    government: ParsedReport,
    members: Sequence[ParsedReport],
    metric: str = "requests.received",
    tolerance: float = 0.2,
) -> tuple[CheckResult, ...]:
    """V3: the government's total against the sum of its members' (same year)."""
    sentence = says_aggregate(government)
    if sentence is None:
        return ()
    gov = _totals(government).get(metric)
    vals = [(r, _totals(r).get(metric)) for r in members]
    known = [(r, v) for r, v in vals if v is not None]
    if gov is None or not known:
        return (
            result(
                "V3",
                "uncertain",
                f"汇总报告「{sentence}」，但“{metrics()[metric].label}”的数值不明",
                metric,
            ),
        )
    total = sum(v for _, v in known)
    missing = len(vals) - len(known)
    detail = (
        f"「{sentence}」：本报告 {fmt_num(gov)}，{len(known)} 份所属机关报告之和 "
        f"{fmt_num(total)}" + (f"（{missing} 份所属机关报告没有该数值）" if missing else "")
    )
    far = abs(gov - total) > max(5.0, tolerance * max(gov, total))
    if far and gov < total:
        return (result("V3", "fail", detail + "：汇总数小于各部分之和", metric),)
    if far:
        # Members missing from the collection can explain a larger aggregate.
        return (result("V3", "uncertain", detail + "：可能缺少部分所属机关的报告", metric),)
    return (result("V3", "pass", detail, metric),)
