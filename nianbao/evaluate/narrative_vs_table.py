"""T1: figures stated in the narrative against the table cells.

The narrative restates a few table figures (收到申请X件, 予以公开X件,
结转X件, 行政复议X件, 诉讼X件, 占33.9%). Each statement found is compared with
the matching table amount (FORMAT.md §4 T1):

- equal → pass; different → fail with the sentence and both numbers;
- the table cell blank → the known parts are a lower bound (counts are never
  negative): below it fails, equal to it "passes if blanks are zero";
- the text visibly re-groups categories (counts the carry-over in, or 予以公开
  including 部分公开) → uncertain, saying which reading matches.

Sentences about another year (较2022年…) are skipped. Zero statements
(未收到政府信息公开申请, 没有…行政复议) count as 0. Extraction is kept here,
independent of loaders.narrative, because T1 needs the exact categories the
table has.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from loaders.catalog import APPLICANT_COLUMNS
from loaders.catalog import metrics as metrics_catalog
from loaders.model import CheckResult, ParsedReport
from nianbao.evaluate._common import (
    Amount,
    Status,
    amount,
    amount_sum,
    compare,
    fmt_num,
    result,
    table_facts,
)

_UNIT = r"(?:件|条|个|份|项|宗|起|次|例)"
_NUM = r"\s*(?P<n>\d[\d,]*)\s*" + _UNIT
_PCT = re.compile(r"\s*[，,]?\s*占(?:比|总数的|全部的|办结总数的)?\s*(?P<p>\d+(?:\.\d+)?)\s*[%％]")
_GAP = r"[^。；;，,！？!?\d|‖\n]"  # inside one clause, no digits


@dataclass(frozen=True)
class Category:
    key: str
    name: str  # as shown in evidence
    gov: tuple[str, ...]  # metrics summed, 2019/2021 formats
    legacy: tuple[str, ...] = ()  # pre-2019 统计表


_WITHHELD = tuple(
    f"requests.withheld.{k}"
    for k in (
        "state_secret",
        "prohibited_by_law",
        "security_stability",
        "third_party",
        "internal_affairs",
        "deliberative",
        "enforcement_file",
        "query_service",
    )
)
_UNAVAILABLE = tuple(
    f"requests.unavailable.{k}" for k in ("not_held", "needs_creation", "still_unclear")
)
_NOT_PROCESSED = tuple(
    f"requests.not_processed.{k}"
    for k in ("petition", "repeated", "publication", "excessive", "confirmation")
)
_OTHER_2019 = ("requests.other_handling",)
_OTHER_2021 = tuple(
    f"requests.other_handling.{k}" for k in ("no_correction", "unpaid_fee", "other")
)

CATEGORIES = {
    c.key: c
    for c in (
        Category("received", "收到申请", ("requests.received",), ("legacy.requests.received",)),
        Category("carried_over", "上年结转", ("requests.carried_over",)),
        Category("carried_forward", "结转下年度", ("requests.carried_forward",)),
        Category("closed", "答复/办理申请总数", ("requests.closed",)),
        Category(
            "disclosed_or_partial",
            "予以公开及部分公开",
            ("requests.disclosed", "requests.partially_disclosed"),
            ("legacy.answers.disclosed", "legacy.answers.partially_disclosed"),
        ),
        Category("disclosed", "予以公开", ("requests.disclosed",), ("legacy.answers.disclosed",)),
        Category(
            "partially",
            "部分公开",
            ("requests.partially_disclosed",),
            ("legacy.answers.partially_disclosed",),
        ),
        Category("withheld", "不予公开", _WITHHELD, ("legacy.answers.withheld",)),
        Category("unavailable", "无法提供", _UNAVAILABLE),
        Category("not_processed", "不予处理", _NOT_PROCESSED),
        Category("other_handling", "其他处理", _OTHER_2021),
        Category("review", "行政复议", ("review.total",), ("legacy.review.total",)),
        Category(
            "litigation",
            "行政诉讼",
            ("litigation.direct.total", "litigation.after_review.total"),
            ("legacy.litigation.total",),
        ),
    )
}

# (category, pattern, check on the matched text) in priority order; a span
# taken by one pattern is not matched again by a later one.
_Guard = Callable[[re.Match[str]], bool]


def _mid_is_request(m: re.Match[str]) -> bool:
    # 「共受理申请121510件」 at an approval window is not a disclosure request:
    # the words between must say 公开 (信息公开申请, 依申请公开, 公开申请).
    mid = m.group("mid")
    return (
        "申请" in mid
        and "公开" in mid
        and not re.search(r"复议|诉讼|补正|结转|举报|投诉|咨询|撤回", mid)
    )


def _always(_: re.Match[str]) -> bool:
    return True


_POSITIVE: tuple[tuple[str, re.Pattern[str], _Guard], ...] = (
    (
        "carried_over",
        re.compile(r"上一?年度?结转(?:的)?(?:政府信息公开)?(?:申请)?(?:共)?" + _NUM),
        _always,
    ),
    (
        "carried_forward",
        re.compile(
            r"结转(?:至|到)?下一?年度?(?:继续)?(?:办理|答复)?(?:的)?(?:申请)?(?:共)?" + _NUM
        ),
        _always,
    ),
    (
        "carried_forward",
        re.compile(
            r"(?P<n>\d[\d,]*)\s*件(?:申请)?" + _GAP + r"{0,12}?(?:结转|顺延)(?:至|到)?下一?年度"
        ),
        _always,
    ),
    (
        "received",
        re.compile(r"(?:收到|受理)(?P<mid>" + _GAP + r"{0,30}?)(?:共计|合计|共)?\s*" + _NUM),
        _mid_is_request,
    ),
    ("closed", re.compile(r"答复(?:政府信息公开)?申请(?:共)?" + _NUM), _always),
    (
        "disclosed_or_partial",
        re.compile(
            r"(?:予以公开(?:及|和|或|与)部分公开|全部(?:公开)?或部分公开|同意公开(?:及|和)部分公开)"
            r"(?:的)?(?:共)?" + _NUM
        ),
        _always,
    ),
    ("disclosed", re.compile(r"(?:予以公开|同意公开)(?:的)?(?:共)?" + _NUM), _always),
    ("partially", re.compile(r"(?<![及和或与])部分公开(?:的)?(?:共)?" + _NUM), _always),
    ("withheld", re.compile(r"(?:不予公开|不同意公开)(?:的)?(?:共)?" + _NUM), _always),
    ("unavailable", re.compile(r"无法提供(?:的)?(?:共)?" + _NUM), _always),
    ("not_processed", re.compile(r"不予处理(?:的)?(?:共)?" + _NUM), _always),
    ("other_handling", re.compile(r"其他处理(?:的)?(?:共)?" + _NUM), _always),
    ("review", re.compile(r"行政复议(?:案件|申请|案)?(?:共)?" + _NUM), _always),
    ("litigation", re.compile(r"(?<!复议后)诉讼(?:案件|案)?(?:共)?" + _NUM), _always),
)

_NEG = r"(?:没有|未发生|未收到|未接到|未产生|未有|未出现|无)"
_NEGATIVE: tuple[tuple[str, re.Pattern[str], _Guard], ...] = (
    ("review", re.compile(_NEG + r"(?P<mid>" + _GAP + r"{0,25}?)行政复议"), _always),
    ("litigation", re.compile(_NEG + r"(?P<mid>" + _GAP + r"{0,30}?)(?:行政)?诉讼"), _always),
    (
        "received",
        re.compile(
            r"(?:未|没有)(?:收到|受理|接到)过?(?P<mid>" + _GAP + r"{0,12}?)(?:申请|事宜|事项)"
        ),
        lambda m: (
            bool(re.search(r"信息公开|依申请", m.group(0)))
            and not re.search(r"复议|诉讼|补正|该", m.group("mid"))
        ),
    ),
)

_YEAR = re.compile(r"(20\d\d)\s*年")

# Sentences that count documents by disclosure attribute (全年制发政府信息437条，
# 其中主动公开55条、依申请公开…、不予公开41条) talk about 公开属性, not about
# how applications were answered; their 不予公开/予以公开 are not Table B's.
_DOC_COUNTS = re.compile(
    r"(?:制发|制作|印发|发布|获取|产生)[^。；]{0,15}(?:信息|文件|公文)|依申请公开(?:及|和)不予公开|依申请公开信息数"
)
_OUTCOMES = ("disclosed", "disclosed_or_partial", "partially", "withheld")


@dataclass(frozen=True)
class Statement:
    category: str
    value: float
    sentence: str
    percent: float | None = None


# In PDF text a line break inside a clause (「共受理政府信息\n公开申请 3119 件」) is
# not a boundary; one after 。；：！？ is.
_SOFT_BREAK = re.compile(r"(?<=[^。；;：:！？!?\n])[ \t]*\n[ \t]*(?=[^\n])")


def _sentences(text: str, soft_breaks: bool = False) -> list[str]:
    # Clause boundaries: 。；！？ and line breaks (in PDF text only those that end
    # a sentence).
    if soft_breaks:
        text = _SOFT_BREAK.sub("", text)
    return [s for s in re.split(r"(?<=[。；;！？!?])|\n", text) if s.strip()]


_SPAN = re.compile(r"近[0-9一二三四五六七八九十]+年|历年|累计|以来|至今")


def _other_year(sentence: str, start: int, year: int | None) -> bool:
    """True when the figure at ``start`` is about another year (较2022年…) or
    several years (近3年共受理…, 历年累计…)."""
    before = sentence[max(0, start - 25) : start]
    if _SPAN.search(before):
        return True
    if year is None:
        return False
    years = [int(y) for y in _YEAR.findall(before)]
    return bool(years) and years[-1] != year


def statements(text: str, year: int | None = None, pdf: bool = False) -> list[Statement]:
    """Figures the narrative states, by category, with their sentence.

    ``pdf``: the text comes from a PDF, whose lines break inside sentences.
    """
    out: list[Statement] = []
    for sentence in _sentences(text, soft_breaks=pdf):
        taken: list[tuple[int, int]] = []
        doc_counts = bool(_DOC_COUNTS.search(sentence))

        def free(a: int, b: int, taken: list[tuple[int, int]] = taken) -> bool:
            return all(b <= x or a >= y for x, y in taken)

        for key, pattern, guard in _POSITIVE:
            if doc_counts and key in _OUTCOMES:
                continue
            for m in pattern.finditer(sentence):
                if not free(m.start(), m.end()) or not guard(m):
                    continue
                if _other_year(sentence, m.start(), year):
                    continue
                taken.append((m.start(), m.end()))
                pct = _PCT.match(sentence, m.end())
                out.append(
                    Statement(
                        key,
                        float(m.group("n").replace(",", "")),
                        sentence.strip(),
                        float(pct.group("p")) if pct else None,
                    )
                )
        stated = {s.category for s in out if s.sentence == sentence.strip()}
        for key, pattern, guard in _NEGATIVE:
            if key in stated:
                continue
            neg = pattern.search(sentence)
            if neg and free(neg.start(), neg.end()) and guard(neg):
                if _other_year(sentence, neg.start(), year):
                    continue
                out.append(Statement(key, 0.0, sentence.strip()))
    return out


# Figures loaders.narrative reads (facts with source 'text'), for the categories
# this module's own patterns did not find in a report.
_TEXT_METRICS = {
    "text.requests.received": "received",
    "text.requests.closed": "closed",
    "text.review.total": "review",
    "text.litigation.total": "litigation",
}


def _from_narrative_facts(report: ParsedReport, found: set[str]) -> list[Statement]:
    out: list[Statement] = []
    for f in report.facts:
        key = _TEXT_METRICS.get(f.metric)
        if f.source != "text" or key is None or key in found or f.value is None:
            continue
        sentence = (f.evidence or f.location or "").strip()
        out.append(Statement(key, float(f.value), f"{sentence}（正文数字识别读出）"))
    return out


def _metrics(report: ParsedReport, cat: Category) -> tuple[str, ...]:
    if report.format == "legacy":
        return cat.legacy
    if cat.key == "other_handling" and report.format == "gov2019":
        return _OTHER_2019
    return cat.gov


def _narrative_text(report: ParsedReport) -> str:
    if report.sections:
        return "\n".join(s.text for s in report.sections)
    return report.full_text


def check_narrative(report: ParsedReport) -> tuple[CheckResult, ...]:
    """T1 for one report: one result per (category, stated figure)."""
    if report.format not in ("gov2019", "gov2021", "legacy"):
        return ()
    facts = table_facts(report)
    if not facts:
        return ()
    seen: set[tuple[str, float]] = set()
    out: list[CheckResult] = []
    stated = statements(_narrative_text(report), report.year, pdf=report.media_type == "pdf")
    stated += _from_narrative_facts(report, {st.category for st in stated})
    for st in stated:
        cat = CATEGORIES[st.category]
        metrics = _metrics(report, cat)
        if not metrics or (st.category, st.value) in seen:
            continue
        seen.add((st.category, st.value))
        table = amount_sum(facts, metrics, cat.name)
        if table is None:
            continue  # the table does not have this category (e.g. a legacy table)
        status, how = compare(st.value, table)
        note = ""
        if status == "fail":
            status, note = _regrouped(report, st, table, facts, status)
        quote = _quote(st.sentence)
        detail = f"正文：{cat.name} {fmt_num(st.value)}「{quote}」；{how}{note}"
        out.append(result("T1", status, detail, cat.name))
        if st.percent is not None:
            out.append(_percent(st, cat, table, facts, quote))
    if report.format in ("gov2019", "gov2021"):
        out.extend(_outcome_sum(stated, facts))
    return tuple(out)


# The outcome groups of Table B (三、本年度办理结果), as the narrative names them.
_GROUPS = (
    ("disclosed_or_partial", ("disclosed", "partially")),
    ("withheld", ()),
    ("unavailable", ()),
    ("not_processed", ()),
    ("other_handling", ()),
)


def _outcome_sum(stated: list[Statement], facts: dict) -> tuple[CheckResult, ...]:  # type: ignore[type-arg]
    """When the text walks through every outcome group, their sum against （七）总计.

    FORMAT.md §4.1: Shanghai 2019 lists 258 + 35 + 265 + 158 + 0 = 716 of 805
    closed applications; the text leaves 89 out.
    """
    first: dict[str, Statement] = {}
    for st in stated:
        first.setdefault(st.category, st)
    parts: list[Statement] = []
    for key, split in _GROUPS:
        if key in first:
            parts.append(first[key])
        elif split and all(k in first for k in split):
            parts.extend(first[k] for k in split)
        elif key == "other_handling":
            continue  # often left out when it is 0
        else:
            return ()
    closed = amount(facts, "requests.closed")
    if closed is None:
        return ()
    total = sum(p.value for p in parts)
    listed = " + ".join(f"{CATEGORIES[p.category].name} {fmt_num(p.value)}" for p in parts)
    status, how = compare(total, closed)
    detail = f"正文所列各类办理结果 {listed} = {fmt_num(total)}；{how}"
    if status == "fail" and closed.exact:
        gap = closed.low - total
        detail += f"（正文{'少了' if gap > 0 else '多了'} {fmt_num(abs(gap))}）"
    return (result("T1", status, detail, "办理结果合计"),)


def _quote(sentence: str) -> str:
    return sentence if len(sentence) <= 160 else sentence[:160] + "…"


def _regrouped(
    report: ParsedReport,
    st: Statement,
    table: Amount,
    facts: dict,  # type: ignore[type-arg]
    status: Status,
) -> tuple[Status, str]:
    """A failed comparison that one re-grouping of the categories explains."""
    if st.category == "received":
        with_carry = amount_sum(facts, ("requests.received", "requests.carried_over"))
        if with_carry is not None and with_carry.exact and with_carry.low == st.value:
            return "uncertain", "；正文似乎把上年结转也算在内（新收 + 上年结转）"
    if st.category == "disclosed":
        both = amount_sum(facts, ("requests.disclosed", "requests.partially_disclosed"))
        if both is not None and both.exact and both.low == st.value:
            return "uncertain", "；正文似乎把部分公开也算在予以公开内"
    metrics = _metrics(report, CATEGORIES[st.category])
    # Say when the figure equals one part only (无法提供265件 = sub-row 1).
    for metric in metrics:
        part = amount(facts, metric)
        if len(metrics) > 1 and part is not None and part.low == st.value:
            return status, f"；正文数字只等于“{metrics_catalog()[metric].label}”一项"
    # ... or the table's own parts, when the 总计 cell disagrees with them (B4/C1).
    columns = _column_sum(facts, metrics)
    if columns is not None and columns == st.value:
        return status, ("；正文数字等于各申请人栏之和：统计表的总计栏与本行各栏不一致")
    parts = _parts_sum(facts, metrics)
    if parts is not None and parts == st.value:
        return status, (
            "；正文数字等于各结果之和（维持+纠正+其他+尚未审结）：统计表的总计与其各项不一致"
        )
    for metric in metrics:
        f = facts.get((metric, "natural_person"))
        if f is not None and f.value == st.value:
            return status, f"；正文数字只等于“{metrics_catalog()[metric].label}”的自然人栏"
    return status, ""


def _column_sum(facts: dict, metrics: tuple[str, ...]) -> float | None:  # type: ignore[type-arg]
    total = 0.0
    for metric in metrics:
        values = [facts.get((metric, c)) for c in APPLICANT_COLUMNS[:-1]]
        known = [f.value for f in values if f is not None and f.value is not None]
        if not known:
            return None
        total += sum(known)
    return total


def _parts_sum(facts: dict, metrics: tuple[str, ...]) -> float | None:  # type: ignore[type-arg]
    total = 0.0
    for metric in metrics:
        if not metric.endswith(".total"):
            return None
        base = metric[: -len(".total")]
        values = [
            facts.get((f"{base}.{p}", None)) for p in ("upheld", "corrected", "other", "pending")
        ]
        known = [f.value for f in values if f is not None and f.value is not None]
        if not known:
            return None
        total += sum(known)
    return total


def _percent(
    st: Statement,
    cat: Category,
    table: Amount,
    facts: dict,  # type: ignore[type-arg]
    quote: str,
) -> CheckResult:
    assert st.percent is not None
    closed = amount(facts, "requests.closed")
    if closed is None or closed.low == 0:
        return result(
            "T1",
            "uncertain",
            f"正文：{cat.name} 占{st.percent:g}%；统计表没有总计可作分母",
            f"{cat.name} %",
        )
    from_text = 100 * st.value / closed.low
    from_table = 100 * table.low / closed.low
    # Rounding to one decimal allows 0.05; a little more for reports that truncate.
    ok_text = abs(from_text - st.percent) <= 0.15
    ok_table = abs(from_table - st.percent) <= 0.15 and table.exact
    status: Status = "pass" if ok_text and ok_table else "fail"
    if not table.exact and ok_text and abs(from_table - st.percent) <= 0.15:
        status = "uncertain"
    detail = (
        f"正文：{cat.name} 占{st.percent:g}%「{quote}」；按正文数字 "
        f"{fmt_num(st.value)}/{fmt_num(closed.low)} = {from_text:.1f}%，按统计表 "
        f"{fmt_num(table.low)}/{fmt_num(closed.low)} = {from_table:.1f}%（总计 {closed.how}）"
    )
    return result("T1", status, detail, f"{cat.name} %")
