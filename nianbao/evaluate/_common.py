"""Reading table values out of a ParsedReport, blanks kept as blanks.

A blank cell is unknown, never 0. But every count in Tables B and C is
non-negative, so the sum of the known parts is a *lower bound*: a narrative
figure below it is wrong whatever the blanks hold, one equal to it is right
only "if blanks are zero". :class:`Amount` carries that bound and says how it
was obtained, so every check can show its arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from loaders.catalog import APPLICANT_COLUMNS, metrics
from loaders.model import CheckResult, Fact, ParsedReport

Status = Literal["pass", "fail", "uncertain"]

GOV_FORMATS = ("gov2019", "gov2021")
_MEMBER_COLUMNS = APPLICANT_COLUMNS[:-1]  # all but "total"


def fmt_num(v: float | None) -> str:
    if v is None:
        return "空白"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


@dataclass(frozen=True)
class Amount:
    """A table quantity: ``low`` is exact when ``exact``, else a lower bound."""

    low: float
    exact: bool
    how: str  # the arithmetic as shown to the evaluator

    def __add__(self, other: Amount) -> Amount:
        return Amount(self.low + other.low, self.exact and other.exact, f"{self.how} + {other.how}")


def table_facts(report: ParsedReport) -> dict[tuple[str, str | None], Fact]:
    """Facts from the tables keyed by (metric, applicant); the first one wins."""
    out: dict[tuple[str, str | None], Fact] = {}
    for f in report.facts:
        if f.source == "table":
            out.setdefault((f.metric, f.applicant), f)
    return out


def has_metric(report: ParsedReport, metric: str) -> bool:
    return any(f.metric == metric and f.source == "table" for f in report.facts)


def amount(
    facts: dict[tuple[str, str | None], Fact], metric: str, label: str = ""
) -> Amount | None:
    """The 总计 of a metric; when that cell is blank, the sum of the applicant columns.

    Returns None when the table has no value at all for the metric.
    """
    name = label or metrics()[metric].label
    for applicant in ("total", None):
        f = facts.get((metric, applicant))
        if f is not None and f.value is not None:
            return Amount(float(f.value), True, f"{name} {fmt_num(f.value)}")
    parts = [facts.get((metric, c)) for c in _MEMBER_COLUMNS]
    known = [p for p in parts if p is not None and p.value is not None]
    if not known:
        return None
    blanks = sum(1 for p in parts if p is None or p.value is None)
    total = sum(float(p.value) for p in known if p.value is not None)
    how = "+".join(fmt_num(p.value) for p in known)
    if blanks:
        how = f"{name} {how}（总计栏空白，取各申请人栏之和；其中 {blanks} 栏空白，按 0 计）"
        return Amount(total, False, how)
    return Amount(total, True, f"{name} {how}（总计栏空白，取各申请人栏之和）")


def amount_sum(
    facts: dict[tuple[str, str | None], Fact], metrics: Sequence[str], label: str = ""
) -> Amount | None:
    """Sum of several metrics; blank ones make the result a lower bound."""
    parts = [amount(facts, m) for m in metrics]
    known = [p for p in parts if p is not None]
    if not known:
        return None
    low = sum(p.low for p in known)
    exact = all(p is not None and p.exact for p in parts)
    inner = " + ".join(p.how for p in known)
    missing = len(parts) - len(known)
    how = f"{label} {fmt_num(low)} = {inner}" if label else inner
    if missing:
        how += f"（{missing} 行空白，按 0 计）"
    return Amount(low, exact, how)


def compare(stated: float, table: Amount | None) -> tuple[Status, str]:
    """Compare a figure with a table amount; returns the status and a phrase."""
    if table is None:
        return "uncertain", "统计表中没有可比较的数值"
    if table.exact:
        if stated == table.low:
            return "pass", f"统计表：{table.how}"
        return "fail", f"统计表：{table.how}"
    if stated < table.low:
        return "fail", f"统计表至少为：{table.how}"
    if stated == table.low:
        return "uncertain", f"空白格按 0 计则一致，统计表：{table.how}"
    return "uncertain", f"统计表：{table.how}；差额可能在空白格中"


def result(rule: str, status: Status, detail: str, subject: str = "") -> CheckResult:
    return CheckResult(rule=rule, status=status, detail=detail, subject=subject)


def worst(statuses: Iterable[Status]) -> Status:
    s = set(statuses)
    if "fail" in s:
        return "fail"
    if "uncertain" in s:
        return "uncertain"
    return "pass"


_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def sentences(text: str) -> list[str]:
    """Split narrative into sentences at 。！？； (and line breaks)."""
    out: list[str] = []
    for line in text.splitlines():
        out.extend(s.strip() for s in _SENTENCE_END.split(line) if s.strip())
    return out


def report_label(report: ParsedReport) -> str:
    """How a report is named in evidence: issuer, year and file."""
    who = report.issuer or "发布机关不明"
    year = f"{report.year}年" if report.year else "年度不明"
    return f"{who} {year}（{report.source}）"
