"""Measures the dashboard can plot: metric codes and cross-era series.

A *measure* is either a metric code of loaders/metrics.csv (``requests.received``,
read in the 总计 column unless an applicant is given) or a series of
loaders/series.csv, which says which metric of each era feeds one comparable
line across 2008–today. Series expressions are small:

    requests.received[total]                  one fact, applicant column 'total'
    sum(requests.withheld.*)[total]           every code under a prefix, summed
    legacy.answers.not_this_agency + legacy.answers.not_exist
    text                                      a figure stated in the narrative

Evaluation happens in SQL (:func:`per_report_select`): one row per report with
the measure's value. A report's value is NULL as soon as one of the facts it
adds up is blank — a blank cell is not 0, so the sum is unknown — and the
counts of facts found and facts with a value travel with it so pages can say
how many values were missing. A report without any matching fact has no row.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select

from loaders.catalog import metrics
from nianbao.labels import FORMAT_LABELS, SOURCE_LABELS  # noqa: F401  (re-exported)
from nianbao.models import Fact, Report

_SERIES_CSV = Path(__file__).resolve().parent.parent / "loaders" / "series.csv"

LEGACY_FORMATS: tuple[str, ...] = ("legacy",)
GOV_FORMATS: tuple[str, ...] = ("gov2019", "gov2021")
# Narrative-only reports (2008–2013 without tables) can still state figures in text.
TEXT_FORMATS: tuple[str, ...] = ("gov2019", "gov2021", "narrative")

ERA_LABELS = {"legacy": "2019年前（旧统计表）", "gov": "2019年起（新格式）"}


@dataclass(frozen=True)
class Term:
    """Facts of some metric codes in one applicant column (None: no applicant dim)."""

    metrics: tuple[str, ...]
    applicant: str | None
    source: str  # 'table' or 'text'


@dataclass(frozen=True)
class Era:
    formats: tuple[str, ...]
    terms: tuple[Term, ...]
    expression: str


@dataclass(frozen=True)
class Measure:
    key: str
    name: str
    unit: str
    kind: str  # 'series' or 'metric'
    eras: tuple[Era, ...]
    comparable: str = ""
    note: str = ""


_TERM = re.compile(
    r"^(?:sum\((?P<prefix>[a-z0-9_.]+)\.\*\)|(?P<code>[a-z0-9_.]+))(?:\[(?P<app>\w+)\])?$"
)


def _expand(prefix: str) -> tuple[str, ...]:
    """Codes under a prefix, in catalog order (resolved here so SQL can use IN)."""
    codes = tuple(c for c in metrics() if c.startswith(prefix + "."))
    if not codes:
        raise ValueError(f"no metric code under {prefix}.*")
    return codes


def parse_term(text: str, *, source: str = "table") -> Term:
    m = _TERM.match(text.strip())
    if not m:
        raise ValueError(f"cannot read series term {text!r}")
    if m["prefix"]:
        codes = _expand(m["prefix"])
    else:
        code = m["code"]
        if code not in metrics():
            raise ValueError(f"unknown metric code {code!r}")
        codes = (code,)
    applicant = m["app"]
    if applicant is None and metrics()[codes[0]].has_applicant:
        applicant = "total"  # a Table B row without a column means its 总计
    if metrics()[codes[0]].table == "text":
        source = "text"  # text.* codes are narrative figures
    return Term(metrics=codes, applicant=applicant, source=source)


def parse_expression(expr: str) -> tuple[Term, ...]:
    return tuple(parse_term(part) for part in expr.split("+"))


# Series whose 2019+ figures come from the narrative -> the text.* code holding them.
TEXT_CODES = {
    "staff": "text.staff",
    "funding": "text.funding",
    "fees": "text.fees.processing",
    "proactive_items": "text.proactive.items",
}


def _text_terms(key: str, legacy_expr: str) -> tuple[Term, ...]:
    # Narrative figures are stored under their text.* code (or under the legacy
    # code they correspond to) with source 'text'.
    codes = [TEXT_CODES.get(key, f"text.{key}")]
    for t in parse_expression(legacy_expr):
        codes.extend(t.metrics)
    return (Term(metrics=tuple(codes), applicant=None, source="text"),)


@cache
def series_catalog() -> dict[str, Measure]:
    out: dict[str, Measure] = {}
    with open(_SERIES_CSV, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            key = row["series"]
            eras = [Era(LEGACY_FORMATS, parse_expression(row["legacy"]), row["legacy"])]
            if row["gov"].strip() == "text":
                eras.append(Era(TEXT_FORMATS, _text_terms(key, row["legacy"]), "正文"))
            else:
                eras.append(Era(GOV_FORMATS, parse_expression(row["gov"]), row["gov"]))
            out[key] = Measure(
                key=key,
                name=row["name"],
                unit=row["unit"],
                kind="series",
                eras=tuple(eras),
                comparable=row["comparable"],
                note=row["note"],
            )
    return out


def metric_measure(code: str, applicant: str | None = None) -> Measure:
    m = metrics()[code]
    term = parse_term(f"{code}[{applicant}]" if applicant else code)
    label = m.label if not applicant else f"{m.label}（{applicant}）"
    return Measure(
        key=code if not applicant else f"{code}[{applicant}]",
        name=label,
        unit=m.unit,
        kind="metric",
        eras=(Era(m.formats if m.formats != ("legacy",) else LEGACY_FORMATS, (term,), code),),
    )


def custom_measure(key: str, name: str, unit: str, **exprs: str) -> Measure:
    """A measure defined in code, e.g. one category of the outcome composition.

    ``exprs`` maps 'legacy' and/or 'gov' to a series expression.
    """
    eras = []
    if "legacy" in exprs:
        eras.append(Era(LEGACY_FORMATS, parse_expression(exprs["legacy"]), exprs["legacy"]))
    if "gov" in exprs:
        eras.append(Era(GOV_FORMATS, parse_expression(exprs["gov"]), exprs["gov"]))
    return Measure(key=key, name=name, unit=unit, kind="custom", eras=tuple(eras))


def measure(key: str) -> Measure:
    """A series key (``requests_received``) or a metric code, optionally ``code[applicant]``."""
    if key in series_catalog():
        return series_catalog()[key]
    m = re.match(r"^([a-z0-9_.]+)(?:\[(\w+)\])?$", key)
    if m and m[1] in metrics():
        return metric_measure(m[1], m[2])
    raise KeyError(f"unknown series or metric {key!r}")


def _where(formats: tuple[str, ...], table: str) -> str:
    """Where a metric is read, for a reader: 旧统计表 / 2019年起的表格 / 正文."""
    if table == "text":
        return "正文"
    if set(formats) <= set(LEGACY_FORMATS):
        return "旧统计表"
    return "2019年起的表格"


def metric_label(code: str) -> str:
    """A metric's row label as printed in the official table, with its parent row
    where two rows share a label (e.g. 被依法纠错数 of 复议 and of 诉讼)."""
    cat = metrics()
    m = cat[code]
    same = [c for c, x in cat.items() if x.label == m.label]
    if len(same) > 1 and m.parent and m.parent in cat:
        return f"{cat[m.parent].label} · {m.label}"
    return m.label


def measure_options() -> dict[str, str]:
    """key -> Chinese label for pickers: series first, then every metric (no codes)."""
    out = {k: f"{s.name}（跨时期序列）" for k, s in series_catalog().items()}
    for code, m in metrics().items():
        out[code] = f"{metric_label(code)}（{_where(m.formats, m.table)}）"
    return out


def term_description(term: Term) -> str:
    """A term in the words of the official tables: 「row label」, or the rows it adds up."""
    if term.source == "text" and term.metrics[0].startswith("text."):
        return "正文中写明的数字"
    labels = [metric_label(c) for c in term.metrics]
    if len(labels) == 1:
        text = f"「{labels[0]}」"
    else:
        prefix = _common_prefix(labels)
        listed = "、".join(f"「{x}」" for x in labels)
        text = f"「{prefix}」各项之和" if len(prefix) >= 2 else listed
    if term.applicant == "total":
        text += "（总计列）"
    return text


def _common_prefix(labels: list[str]) -> str:
    first, last = min(labels), max(labels)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n].strip(" 　0123456789.")


def era_description(era: Era) -> str:
    """An era's expression as the official tables' row labels (no metric codes)."""
    if era.expression == "正文":
        return "正文中写明的数字"
    return " ＋ ".join(term_description(t) for t in era.terms)


def _term_condition(term: Term) -> ColumnElement[bool]:
    fact = Fact.__table__.c
    conds = [
        fact.metric.in_(term.metrics) if len(term.metrics) > 1 else fact.metric == term.metrics[0],
        fact.applicant.is_(None) if term.applicant is None else fact.applicant == term.applicant,
        fact.source == term.source,
    ]
    return and_(*conds)


def measure_condition(m: Measure) -> ColumnElement[bool]:
    """Which facts (joined with their report) feed the measure."""
    rep = Report.__table__.c
    parts = []
    for era in m.eras:
        terms = [_term_condition(t) for t in era.terms]
        parts.append(and_(rep.format.in_(era.formats), or_(*terms)))
    return or_(*parts)


def all_codes(m: Measure) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for era in m.eras for t in era.terms for c in t.metrics))


def disjoint_groups(measures: Sequence[Measure]) -> list[list[Measure]]:
    """Measures split into groups whose metric codes do not overlap, so that each
    group is one pass over the facts (a fact then belongs to one measure only)."""
    groups: list[tuple[set[str], list[Measure]]] = []
    for m in measures:
        codes = set(all_codes(m))
        for used, members in groups:
            if not used & codes:
                used |= codes
                members.append(m)
                break
        else:
            groups.append((codes, [m]))
    return [members for _, members in groups]


def codes_by_applicant(measures: Sequence[Measure]) -> dict[str | None, list[str]]:
    """The metric codes the measures read, per applicant column (None: no
    applicant dimension), each code once: one index range per applicant."""
    by_applicant: dict[str | None, list[str]] = {}
    for m in measures:
        for era in m.eras:
            for t in era.terms:
                codes = by_applicant.setdefault(t.applicant, [])
                codes.extend(c for c in t.metrics if c not in codes)
    return by_applicant


def _index_condition(measures: Sequence[Measure]) -> ColumnElement[bool]:
    fact = Fact.__table__.c
    by_applicant = codes_by_applicant(measures)
    parts = [
        and_(
            fact.metric.in_(codes),
            fact.applicant.is_(None) if app is None else fact.applicant == app,
        )
        for app, codes in by_applicant.items()
    ]
    return or_(*parts)


def index_condition(measures: Sequence[Measure]) -> ColumnElement[bool]:
    """Flat (metric, applicant) lists of the measures' facts, for an index range read."""
    return _index_condition(measures)


def per_report_select(measures: Sequence[Measure], report_conditions: list[Any]) -> Select[Any]:
    """SELECT report_id, measure, value, n_facts, n_values: one row per report and measure.

    ``measures`` must not share metric codes (see :func:`disjoint_groups`); they
    are evaluated in one pass over the (metric, report_id) index. ``value`` is
    NULL when any fact behind it is blank (COUNT(value) < COUNT(*)).
    """
    fact = Fact.__table__.c
    rep = Report.__table__.c
    key = case(*[(measure_condition(m), literal(m.key)) for m in measures], else_=None)
    n_facts = func.count()
    n_values = func.count(fact.value)
    inner = (
        select(fact.report_id.label("report_id"), key.label("measure"), fact.value)
        .select_from(Fact.__table__.join(Report.__table__, rep.id == fact.report_id))
        # Flat (metric, applicant) lists let the database go through an index
        # instead of evaluating the CASE on every fact of the report.
        .where(_index_condition(measures), *report_conditions)
        .subquery()
    )
    n_facts = func.count()
    n_values = func.count(inner.c.value)
    return (
        select(
            inner.c.report_id,
            inner.c.measure,
            case((n_values == n_facts, func.sum(inner.c.value)), else_=None).label("value"),
            n_facts.label("n_facts"),
            n_values.label("n_values"),
        )
        .where(inner.c.measure.is_not(None))
        .group_by(inner.c.report_id, inner.c.measure)
    )
