"""P1–P7, P11 on the facts parsed from real pre-2019 reports."""

from __future__ import annotations

from pathlib import Path

from loaders.model import CheckResult
from loaders.tables_legacy import parse_legacy_tables
from nianbao.checks.legacy import check

REPORTS = Path(__file__).resolve().parents[1] / "data" / "reports"
BODY_MARK = "==================== 正文 ===================="


def results(name: str) -> list[tuple[str, str, str]]:
    text = (REPORTS / name).read_text(encoding="utf-8")
    _, mark, rest = text.partition(BODY_MARK)
    facts, _ = parse_legacy_tables(rest if mark else text)
    return [(r.rule, r.status, r.detail) for r in check(facts)]


def test_seed_blanks_are_uncertain_not_failures() -> None:
    assert results("seed/000_082f890431297067.txt") == [
        ("P1", "pass", "2 = 0 + 0 + 1 + 1"),
        ("P2", "uncertain", "2 = 2 + blank; passes if blanks are zero"),
        (
            "P3",
            "uncertain",
            "2 = blank + 2 + blank + blank + blank + blank + blank + blank; "
            "passes if blanks are zero",
        ),
        (
            "P4",
            "uncertain",
            "blank = blank + blank + blank + blank + blank + blank; passes if blanks are zero",
        ),
        ("P5", "uncertain", "0 = blank + blank + blank; passes if blanks are zero"),
        ("P6", "uncertain", "0 = blank + blank + blank; passes if blanks are zero"),
        ("P7", "pass", "65 = 0 + 65"),
        ("P11", "pass", "0 ≤ 0"),
        ("P11", "pass", "1 ≤ 2"),
    ]


def test_local_six_channel_table() -> None:
    # 2013 county: 受理 7 = 当面0 + 传真0 + 电子邮件3 + 网上4 + 信函0 + 其它0 (fused digits)
    assert results("pingtan/2013-county-006.txt") == [
        ("P1", "pass", "7 = 0 + 0 + 3 + 4 + 0 + 0"),
        ("P3", "pass", "3 = 2 + 1 + 0"),
    ]


def test_source_inconsistencies_fail() -> None:
    # the manifest notes: table says 13 but its channels sum to 11
    assert results("pingtan/2018-zrz-146.txt")[0] == (
        "P1",
        "fail",
        "13 ≠ 0 + 2 + 9 (parts sum to 11)",
    )
    # 当面申请 3 / 网上申请 3 but 申请总数 0
    assert results("pingtan/2013-shs-204.txt")[0] == (
        "P1",
        "fail",
        "0 ≠ 3 + 0 + 0 + 3 + 0 (parts sum to 6)",
    )


def test_truncated_channel_list_is_uncertain() -> None:
    assert results("pingtan/2011-jjf-208.txt") == [
        (
            "P1",
            "uncertain",
            "7 = 7 + 0 + 0; the table ends after 电子邮件申请数, the other channels are missing",
        )
    ]


def test_older_form_reasons_sum_to_refusals() -> None:
    got = results("pingtan/2013-czj-187.txt")
    assert ("P4", "pass", "0 = 0 + 0 + 0 + 0 + 0 + 0") in got
    # no 对申请的答复 total and no channels in this form: P1 and P3 are not emitted
    assert [r for r, _, _ in got] == ["P4"]


def test_absent_totals_emit_nothing() -> None:
    assert check(()) == ()


def test_results_are_check_results() -> None:
    text = (REPORTS / "pingtan" / "2018-jtj-141.txt").read_text(encoding="utf-8")
    facts, _ = parse_legacy_tables(text.partition(BODY_MARK)[2])
    out = check(facts)
    assert all(isinstance(r, CheckResult) for r in out)
    assert [(r.rule, r.status, r.subject) for r in out] == [
        ("P1", "pass", "legacy.requests.received"),
        ("P3", "pass", "legacy.requests.answered"),
    ]
