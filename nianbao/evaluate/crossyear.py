"""Rules between a body's consecutive reports (FORMAT.md §4.1).

- X1: this year's 二、上年结转 = last year's 四、结转下年度继续办理, per
  applicant column. Not applicable when last year's table had no carry-over
  row (pre-2019 formats).
- A1 (2021 format): 现行有效件数(N) = 现行有效件数(N−1) + 本年制发件数(N)
  − 本年废止件数(N), for 规章 and 行政规范性文件. Soft: 清理 campaigns and
  amendments counted as 制发 break it legitimately; the detail says so.
- A4 (2019 trial format): 上一年项目数量(N) = 上一年项目数量(N−1) + 本年增/减(N−1)
  for （五）（六）（八）. Soft too.

All take the previous and the current report of the same body; the caller
pairs them (:func:`pairs`). A gap of more than one year is not compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from loaders.catalog import APPLICANT_COLUMNS, applicants
from loaders.model import CheckResult, ParsedReport
from nianbao.evaluate._common import GOV_FORMATS, Status, fmt_num, result, table_facts, worst


def pairs(reports: Sequence[ParsedReport]) -> list[tuple[ParsedReport, ParsedReport]]:
    """Consecutive-year pairs (previous, current) of one body's reports."""
    by_year = sorted((r for r in reports if r.year is not None), key=lambda r: r.year or 0)
    return [(a, b) for a, b in pairwise(by_year) if a.year is not None and b.year == a.year + 1]


def _span(prev: ParsedReport, cur: ParsedReport) -> str:
    return f"{prev.year}→{cur.year}"


def check_carry_over(prev: ParsedReport, cur: ParsedReport) -> tuple[CheckResult, ...]:
    """X1."""
    if prev.format not in GOV_FORMATS or cur.format not in GOV_FORMATS:
        return ()
    pf, cf = table_facts(prev), table_facts(cur)
    labels = applicants()
    lines: list[str] = []
    statuses = []
    for col in APPLICANT_COLUMNS:
        a = pf.get(("requests.carried_forward", col))
        b = cf.get(("requests.carried_over", col))
        if a is None and b is None:
            continue
        va = a.value if a else None
        vb = b.value if b else None
        name = labels.get(col, col)
        if va is None or vb is None:
            zero = (va or 0) == (vb or 0)
            statuses.append("uncertain")
            lines.append(
                f"{name}：{prev.year}年结转下年度 {fmt_num(va)}，{cur.year}年上年结转 {fmt_num(vb)}"
                + ("（空白格按 0 计则一致）" if zero else "")
            )
        elif va != vb:
            statuses.append("fail")
            lines.append(
                f"{name}：{prev.year}年结转下年度 {fmt_num(va)} ≠ "
                f"{cur.year}年上年结转 {fmt_num(vb)}"
            )
        else:
            statuses.append("pass")
    if not statuses:
        return (
            result(
                "X1",
                "uncertain",
                "两份报告中有一份没有结转的行",
                _span(prev, cur),
            ),
        )
    status = worst(statuses)  # type: ignore[arg-type]
    if status == "pass":
        total = pf.get(("requests.carried_forward", "total"))
        shown = fmt_num(total.value if total else None)
        detail = f"各栏的上年结转都等于上年报告的结转下年度（总计 {shown}）"
    else:
        detail = "；".join(lines)
    return (result("X1", status, detail, _span(prev, cur)),)


_A1_ROWS = (("proactive.rules", "规章"), ("proactive.normative_docs", "行政规范性文件"))
_A4_ROWS = (
    ("proactive.licensing", "行政许可"),
    ("proactive.other_services", "其他对外管理服务事项"),
    ("proactive.penalties", "行政处罚"),
    ("proactive.coercion", "行政强制"),
    ("proactive.fees", "行政事业性收费"),
)
_SOFT = "参考性规则：集中清理、修订计入制发或项目口径调整都可能造成差异"


def _value(facts: dict, metric: str) -> float | None:  # type: ignore[type-arg]
    f = facts.get((metric, None)) or facts.get((metric, "total"))
    return f.value if f is not None else None


def _show(facts: dict, metric: str) -> str:  # type: ignore[type-arg]
    """A value for the evidence: the number, 'blank', or 'no row' when not printed."""
    f = facts.get((metric, None)) or facts.get((metric, "total"))
    if f is None:
        return "无此行"
    if f.value is None and f.raw.strip():
        return f"无法确定（原文 {f.raw}）"  # e.g. fused digits the parser would not guess
    return fmt_num(f.value)


def check_in_force(prev: ParsedReport, cur: ParsedReport) -> tuple[CheckResult, ...]:
    """A1, both reports in the 2021 format."""
    if prev.format != "gov2021" or cur.format != "gov2021":
        return ()
    pf, cf = table_facts(prev), table_facts(cur)
    out: list[CheckResult] = []
    for base, name in _A1_ROWS:
        before = _value(pf, f"{base}.in_force")
        now = _value(cf, f"{base}.in_force")
        issued = _value(cf, f"{base}.issued")
        repealed = _value(cf, f"{base}.repealed")
        subject = f"{name} {_span(prev, cur)}"
        if now is None and before is None:
            continue
        if None in (before, now, issued, repealed):
            out.append(
                result(
                    "A1",
                    "uncertain",
                    f"{name}：现行有效 {prev.year}年 {_show(pf, f'{base}.in_force')}，"
                    f"{cur.year}年 {_show(cf, f'{base}.in_force')}，制发 "
                    f"{_show(cf, f'{base}.issued')}，废止 {_show(cf, f'{base}.repealed')}："
                    "有数值空白或没有印出，无法核对",
                    subject,
                )
            )
            continue
        assert before is not None and issued is not None and repealed is not None
        expect = before + issued - repealed
        calc = (
            f"{prev.year}年现行有效 {fmt_num(before)} + 制发 {fmt_num(issued)} − 废止 "
            f"{fmt_num(repealed)} = {fmt_num(expect)}；{cur.year}年现行有效 {fmt_num(now)}"
        )
        if now == expect:
            out.append(result("A1", "pass", f"{name}：{calc}", subject))
        else:
            out.append(result("A1", "fail", f"{name}：{calc}（{_SOFT}）", subject))
    return tuple(out)


def check_items(prev: ParsedReport, cur: ParsedReport) -> tuple[CheckResult, ...]:
    """A4, both reports in the 2019 trial format."""
    if prev.format != "gov2019" or cur.format != "gov2019":
        return ()
    pf, cf = table_facts(prev), table_facts(cur)
    out: list[CheckResult] = []
    for base, name in _A4_ROWS:
        last = _value(pf, f"{base}.items_last_year")
        change = _value(pf, f"{base}.items_change")
        now = _value(cf, f"{base}.items_last_year")
        if last is None and now is None:
            continue
        subject = f"{name} {_span(prev, cur)}"
        if None in (last, change, now):
            out.append(
                result(
                    "A4",
                    "uncertain",
                    f"{name}：上一年项目数量 {prev.year}年 {_show(pf, f'{base}.items_last_year')}，"
                    f"本年增/减 {_show(pf, f'{base}.items_change')}，{cur.year}年上一年项目数量 "
                    f"{_show(cf, f'{base}.items_last_year')}：有数值空白或没有印出，无法核对",
                    subject,
                )
            )
            continue
        assert last is not None and change is not None
        expect = last + change
        calc = (
            f"{prev.year}年上一年项目数量 {fmt_num(last)} + 本年增/减 {fmt_num(change)} = "
            f"{fmt_num(expect)}；{cur.year}年上一年项目数量 {fmt_num(now)}"
        )
        status: Status = "pass" if now == expect else "fail"
        out.append(
            result(
                "A4",
                status,
                f"{name}：{calc}" + ("" if status == "pass" else f"（{_SOFT}）"),
                subject,
            )
        )
    return tuple(out)
