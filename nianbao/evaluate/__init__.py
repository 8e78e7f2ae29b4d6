"""The evaluator's mechanical checks, as pure functions over parsed reports.

Each rule takes ParsedReport values and returns CheckResult values whose
detail carries the evidence (numbers, dates, the sentence, the passages side
by side). Rule IDs:

    D1 timeliness          D2 missing years         (timeliness)
    F1 format for the year F2 template rows          (conformity)
    S1 required sections, section 五, 考核评议追究   (completeness)
    T1 narrative vs table                            (narrative_vs_table)
    X1 carry-over, A1 现行有效件数, A4 项目数量      (crossyear)
    O1 vs previous year, O2 vs other bodies          (originality)
    V1 jumps, V2 all-zero tables, V3 aggregates      (plausibility)

:func:`evaluate` runs everything over a collection (one body's series and
each year's peers) in time linear in the number of reports; :mod:`scorecard`
turns results into indicator scores and a problem list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from itertools import pairwise

from loaders.model import CheckResult, ParsedReport
from nianbao.evaluate import (
    completeness,
    conformity,
    crossyear,
    narrative_vs_table,
    originality,
    plausibility,
    timeliness,
)

BodyKey = Callable[[ParsedReport], Hashable]


def default_body(report: ParsedReport) -> Hashable:
    """Reports of the same body: same issuer (as written) in the same region."""
    r = report.region
    return (report.issuer or report.source, r.code or (r.province, r.city, r.county))


def check_report(report: ParsedReport) -> tuple[CheckResult, ...]:
    """The rules that need only the report itself: D1 F1 F2 S1 T1 V2."""
    return (
        timeliness.check_timeliness(report),
        conformity.check_format(report),
        *conformity.check_template_rows(report),
        *completeness.check_sections(report),
        *narrative_vs_table.check_narrative(report),
        *plausibility.check_all_zero(report),
    )


def check_pair(
    prev: ParsedReport,
    cur: ParsedReport,
    fp_prev: originality.Fingerprint | None = None,
    fp_cur: originality.Fingerprint | None = None,
) -> tuple[CheckResult, ...]:
    """Rules between a body's consecutive reports, attached to the later one."""
    return (
        *crossyear.check_carry_over(prev, cur),
        *crossyear.check_in_force(prev, cur),
        *crossyear.check_items(prev, cur),
        originality.check_previous(prev, cur, fp_prev, fp_cur),
        *plausibility.check_jumps(prev, cur),
    )


def evaluate(
    reports: Sequence[ParsedReport],
    body: BodyKey = default_body,
    include_report_checks: bool = True,
) -> list[tuple[CheckResult, ...]]:
    """All rules over a collection; one tuple of results per report, same order.

    ``include_report_checks`` puts the report's own table rules (B1…, P1…,
    already in ``report.checks``) first, so a scorecard sees everything.
    """
    fps = [originality.fingerprint(r) for r in reports]
    out: list[list[CheckResult]] = [
        [*(r.checks if include_report_checks else ()), *check_report(r)] for r in reports
    ]
    series: dict[Hashable, list[int]] = defaultdict(list)
    for i, r in enumerate(reports):
        series[body(r)].append(i)
    for members in series.values():
        ordered = sorted(members, key=lambda i: reports[i].year or 0)
        for a, b in pairwise(ordered):
            ya, yb = reports[a].year, reports[b].year
            if ya is not None and yb == ya + 1:
                out[b].extend(check_pair(reports[a], reports[b], fps[a], fps[b]))
        out[ordered[-1]].append(timeliness.check_missing_years([reports[i] for i in ordered]))
    by_year: dict[int | None, list[int]] = defaultdict(list)
    for i, r in enumerate(reports):
        by_year[r.year].append(i)
    for year, members in by_year.items():
        if year is None or len(members) < 2:
            continue
        peers = originality.check_peers(
            [reports[i] for i in members], body=body, fingerprints=[fps[i] for i in members]
        )
        for i, res in zip(members, peers, strict=True):
            out[i].extend(res)
    return [tuple(r) for r in out]


__all__ = [
    "check_pair",
    "check_report",
    "default_body",
    "evaluate",
]
