"""evaluate() over the bundled corpus, and the scorecard built from its results."""

from __future__ import annotations

from functools import cache

import pytest

from loaders.errors import LoaderError
from loaders.model import CheckResult, ParsedReport
from nianbao.evaluate import evaluate
from nianbao.evaluate.scorecard import DEFAULT_INDICATORS, score, with_weights
from tests.test_evaluate_build import manifest, report


@cache
def corpus() -> tuple[list[ParsedReport], dict[str, tuple[CheckResult, ...]]]:
    reports = []
    for f in manifest():
        if f.endswith(".pdf"):
            continue  # the PDF is the same report as other/2024-001.txt
        try:
            reports.append(report(f))
        except LoaderError:
            continue  # an excerpt the parser refuses (see the manifest notes)
    results = evaluate(reports)
    return reports, {r.source: res for r, res in zip(reports, results, strict=True)}


def _rules(source: str, status: str) -> set[str]:
    return {r.rule for r in corpus()[1][source] if r.status == status}


def test_every_report_gets_its_single_report_rules() -> None:
    reports, results = corpus()
    assert len(reports) > 200
    for r in reports:
        rules = {c.rule for c in results[r.source]}
        assert {"D1", "F1"} <= rules, r.source


def test_known_failures_are_found_with_their_numbers() -> None:
    results = corpus()[1]
    jjf = results["pingtan/2023-jjf-057.txt"]
    t1 = [r for r in jjf if r.rule == "T1" and r.status == "fail"]
    assert len(t1) == 1 and "一、本年新收政府信息公开申请数量 3" in t1[0].detail
    assert "D1" in _rules("pingtan/2025-gyz-045.txt", "fail")
    o1 = [r for r in results["pingtan/2016-gwh-160.txt"] if r.rule == "O1"]
    assert [r.status for r in o1] == ["fail"]
    assert "T1" in _rules("pingtan/2024-zhz-100.txt", "fail")
    assert "V2" in _rules("pingtan/2024-zhz-100.txt", "pass")
    x1 = [r for r in results["pingtan/2023-nyn-078.txt"] if r.rule == "X1"]
    assert [r.status for r in x1] == ["fail"]


def test_reports_that_are_right_come_out_clean() -> None:
    """Reports every rule of this module passes (gwh 2024: on time, 2021 format, six
    sections, narrative agrees with the table, carry-over and 现行有效件数 continue, not
    copied from 2023 nor from a peer)."""
    for source, rules in (
        ("pingtan/2024-gwh-037.txt", {"D1", "F1", "F2", "S1", "T1", "X1", "A1", "O1", "O2", "V1"}),
        ("pingtan/2022-jtj-063.txt", {"D1", "F1", "F2", "S1", "T1", "X1", "A1", "O1", "O2", "V1"}),
        ("pingtan/2020-hzs-047.txt", {"D1", "F1", "F2", "S1", "T1", "X1", "A4", "O1", "O2", "V1"}),
    ):
        res = corpus()[1][source]
        assert {r.status for r in res} == {"pass"}, [r for r in res if r.status != "pass"]
        assert {r.rule for r in res} == rules


def test_series_rules_attach_to_the_later_report() -> None:
    results = corpus()[1]
    subjects = {r.subject for r in results["pingtan/2024-jjf-058.txt"] if r.rule == "X1"}
    assert subjects == {"2023→2024"}
    # No carry-over rule after a pre-2019 table; O1 compares across formats.
    first = results["pingtan/2019-jjf-053.txt"]
    assert not [r for r in first if r.rule == "X1"]
    assert [r.subject for r in first if r.rule == "O1"] == ["与2018年对比"]
    # The first report of a series has no previous one.
    assert not [r for r in results["pingtan/2009-gaj-207.txt"] if r.rule in ("X1", "O1")]


def test_scorecard_of_a_report_with_problems() -> None:
    card = score(corpus()[1]["pingtan/2023-jjf-057.txt"])
    by = {s.indicator.key: s for s in card.indicators}
    assert by["timeliness"].status == "pass" and by["timeliness"].score == 1.0
    assert by["accuracy"].status == "fail"
    assert 0 < (by["accuracy"].score or 0) < 1
    assert card.score is not None and 0 < card.score < 100
    assert card.problems[0].status == "fail"
    assert any(
        p.rule == "T1" and "一、本年新收政府信息公开申请数量 3" in p.detail for p in card.problems
    )


def test_scorecard_of_a_clean_report_is_full_marks() -> None:
    card = score(corpus()[1]["pingtan/2024-gwh-037.txt"])
    assert card.score == pytest.approx(100.0)
    assert card.problems == ()


def test_indicators_without_results_are_not_applicable() -> None:
    card = score([CheckResult("D1", "fail", "late"), CheckResult("S1", "pass", "ok")])
    by = {s.indicator.key: s for s in card.indicators}
    assert by["originality"].status == "n/a" and by["originality"].score is None
    # Only timeliness (15, failed) and completeness (15, passed) apply.
    assert card.score == pytest.approx(50.0)


def test_weights_can_be_adjusted() -> None:
    results = [CheckResult("D1", "fail", "late"), CheckResult("S1", "pass", "ok")]
    card = score(results, with_weights({"timeliness": 0, "completeness": 10}))
    assert card.score == pytest.approx(100.0)
    assert sum(i.weight for i in DEFAULT_INDICATORS) == 100
    with pytest.raises(ValueError, match="unknown indicator"):
        with_weights({"speed": 1})


def test_table_rules_count_under_accuracy() -> None:
    card = score([CheckResult("B1", "fail", "3 + 0 ≠ 0 + 0"), CheckResult("T1", "pass", "")])
    by = {s.indicator.key: s for s in card.indicators}
    assert by["accuracy"].score == pytest.approx(0.5)
    assert [r.rule for r in by["accuracy"].results] == ["B1", "T1"]
