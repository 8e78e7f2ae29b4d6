"""B1, B3, B4, C1 (nianbao/checks/gov.py) on facts parsed from real reports."""

from __future__ import annotations

from pathlib import Path

from loaders.catalog import APPLICANT_COLUMNS
from loaders.model import CheckResult, Fact
from loaders.tables_gov import parse_gov_tables
from nianbao.checks.gov import check

REPORTS = Path(__file__).parent.parent / "data" / "reports"
BODY = "==================== 正文 ===================="


def results(name: str, fmt: str) -> dict[tuple[str, str], CheckResult]:
    text = (REPORTS / "pingtan" / name).read_text(encoding="utf-8").split(BODY, 1)[1]
    facts, _ = parse_gov_tables(text, fmt)
    out = check(facts, fmt)
    index = {(r.rule, r.subject): r for r in out}
    assert len(index) == len(out), "one result per rule and subject"
    return index


def statuses(index: dict[tuple[str, str], CheckResult], rule: str) -> dict[str, str]:
    return {s: r.status for (ru, s), r in index.items() if ru == rule}


def test_consistent_report_passes_everything() -> None:
    # 2021-jsp-124: 5 + 0 = 5 + 0 for 自然人, 3 for 其他, 8 in total
    index = results("2021-jsp-124.txt", "gov2021")
    assert {r.status for r in index.values()} == {"pass"}
    assert statuses(index, "B1").keys() == set(APPLICANT_COLUMNS)
    assert len(statuses(index, "B4")) == 25
    assert statuses(index, "C1").keys() == {
        "行政复议",
        "行政诉讼 未经复议直接起诉",
        "行政诉讼 复议后起诉",
    }
    assert index[("B1", "natural_person")].detail == (
        "自然人：本年新收 5 + 上年结转 0 = 办理结果总计 5 + 结转下年 0"
    )
    assert index[("B1", "other_org")].detail == (
        "其他法人或组织：本年新收 3 + 上年结转 0 = 办理结果总计 3 + 结转下年 0"
    )
    # the rows of an outcome group are summed under the group's name
    assert index[("B3", "total")].detail == (
        "总计：办理结果总计 8 = （一）予以公开 2 + （二）部分公开 0"
        " + （三）不予公开（0 + 0 + 0 + 0 + 0 + 0 + 0 + 0） + （四）无法提供（5 + 0 + 0）"
        " + （五）不予处理（0 + 0 + 0 + 0 + 0） + （六）其他处理（0 + 0 + 1）"
    )


def test_b1_fails_when_the_total_row_is_zero() -> None:
    # 2023-jjf-057: row 一 3,0,0,0,0,0,3 but （七）总计 all 0
    index = results("2023-jjf-057.txt", "gov2021")
    b1 = statuses(index, "B1")
    assert b1 == {
        col: "fail" if col in ("natural_person", "total") else "pass" for col in APPLICANT_COLUMNS
    }
    assert index[("B1", "natural_person")].detail == (
        "自然人：本年新收 3 + 上年结转 0 ≠ 办理结果总计 0 + 结转下年 0"
    )
    assert set(statuses(index, "B3").values()) == {"pass"}
    assert set(statuses(index, "B4").values()) == {"pass"}


def test_b3_and_b1_fail_for_a_total_that_lost_its_rows() -> None:
    # 2024-jjf-058: 3 applications, 无法提供 3, but （七）总计 0
    index = results("2024-jjf-058.txt", "gov2021")
    assert index[("B3", "natural_person")].status == "fail"
    assert index[("B3", "natural_person")].detail.startswith(
        "自然人：办理结果总计 0 ≠ （一）予以公开 0 + （二）部分公开 0"
    )
    assert index[("B1", "total")].status == "fail"


def test_b4_fails_when_the_total_column_is_shifted() -> None:
    # 2023-nyn-078: 一 "6100000" (total 0) and 二 "0000007"
    index = results("2023-nyn-078.txt", "gov2021")
    one = index[("B4", "一、本年新收政府信息公开申请数量")]
    assert one.status == "fail"
    assert one.detail == (
        "一、本年新收政府信息公开申请数量：总计 0 ≠ 自然人 6 + 商业企业 1 + 科研机构 0"
        " + 社会公益组织 0 + 法律服务机构 0 + 其他法人或组织 0"
    )
    assert index[("B4", "二、上年结转政府信息公开申请数量")].status == "fail"
    assert index[("B4", "（七）总计")].status == "pass"


def test_c1_fails_for_an_upheld_review_without_total() -> None:
    # 2024-hzs-051: 行政复议 100000000000000
    index = results("2024-hzs-051.txt", "gov2021")
    c1 = index[("C1", "行政复议")]
    assert (c1.status, c1.detail) == (
        "fail",
        "行政复议：总计 0 ≠ 结果维持 1 + 结果纠正 0 + 其他结果 0 + 尚未审结 0",
    )
    assert index[("C1", "行政诉讼 复议后起诉")].status == "pass"


def test_blank_operands_are_uncertain() -> None:
    # 2024-shs-093: Table C is garbled and left blank by the parser
    index = results("2024-shs-093.txt", "gov2021")
    c1 = index[("C1", "行政复议")]
    assert c1.status == "uncertain"
    assert c1.detail == (
        "行政复议：总计 空白 与 结果维持 空白 + 结果纠正 空白 + 其他结果 空白 + 尚未审结 空白"
        "（有空白格，空白格按 0 计则成立）"
    )


def test_ambiguous_row_makes_its_rules_uncertain() -> None:
    # 2024-jjp-120: 四、结转下年度继续办理 "000000" is six digits for seven cells: left blank
    index = results("2024-jjp-120.txt", "gov2021")
    b4 = index[("B4", "四、结转下年度继续办理")]
    assert b4.status == "uncertain"
    b1 = index[("B1", "natural_person")]
    assert (b1.status, b1.detail) == (
        "uncertain",
        "自然人：本年新收 8 + 上年结转 0 与 办理结果总计 8 + 结转下年 空白"
        "（有空白格，空白格按 0 计则成立）",
    )


def test_total_read_by_column_sums_keeps_its_own_failures() -> None:
    # 2023-zrz-106: （七）总计 "191000019" is read as 19|1|0|0|0|0|19 by B3; its own
    # B4 and the 商业企业 column of B1 fail, as printed in the report.
    index = results("2023-zrz-106.txt", "gov2021")
    b4 = index[("B4", "（七）总计")]
    assert (b4.status, b4.detail) == (
        "fail",
        "（七）总计：总计 19 ≠ 自然人 19 + 商业企业 1 + 科研机构 0 + 社会公益组织 0"
        " + 法律服务机构 0 + 其他法人或组织 0",
    )
    assert index[("B1", "commercial")].detail == (
        "商业企业：本年新收 0 + 上年结转 0 ≠ 办理结果总计 1 + 结转下年 0"
    )
    assert index[("B1", "natural_person")].status == "pass"
    assert {k[1] for k, r in index.items() if k[0] == "B3" and r.status == "pass"} == {
        "natural_person", "commercial", "research", "social_org", "legal_services",
        "other_org", "total",
    }  # fmt: skip


def _facts(values: dict[str, list[float | None]]) -> list[Fact]:
    return [
        Fact(metric, col, v, "" if v is None else str(v), "件")
        for metric, row in values.items()
        for col, v in zip(APPLICANT_COLUMNS, row, strict=True)
    ]


def test_shanghai_2019_numbers_from_format_md() -> None:
    # FORMAT.md §4.1: 自然人 821 + 18 = 767 + 72; 总计 859 + 18 = 805 + 72; blanks elsewhere
    blank = [None] * 7
    facts = _facts(
        {
            "requests.received": [821, 35, None, None, 2, 1, 859],
            "requests.carried_over": [18, None, None, None, None, None, 18],
            "requests.closed": [767, 35, None, None, 2, 1, 805],
            "requests.carried_forward": [72, None, None, None, None, None, 72],
            "requests.disclosed": [258, 12, None, None, 1, 1, None],
            "requests.other_handling": blank,
        }
    )
    index = {(r.rule, r.subject): r for r in check(facts, "gov2019")}
    assert index[("B1", "natural_person")].status == "pass"
    assert index[("B1", "natural_person")].detail == (
        "自然人：本年新收 821 + 上年结转 18 = 办理结果总计 767 + 结转下年 72"
    )
    assert index[("B1", "total")].detail == (
        "总计：本年新收 859 + 上年结转 18 = 办理结果总计 805 + 结转下年 72"
    )
    commercial = index[("B1", "commercial")]
    assert commercial.status == "uncertain"
    assert commercial.detail.endswith("（有空白格，空白格按 0 计则成立）")
    disclosed = index[("B4", "（一）予以公开")]
    assert disclosed.status == "uncertain"
    assert disclosed.detail.endswith("（有空白格，即使空白格按 0 计也不成立）")
    # rows that were not parsed at all make B3 uncertain, not failed
    b3 = index[("B3", "natural_person")]
    assert b3.status == "uncertain"
    assert "（该行缺失）" in b3.detail and b3.detail.endswith("（有行缺失，无法核对）")


def test_no_table_no_results() -> None:
    assert check([], "gov2021") == ()
    text_only = [Fact("requests.received", "total", 5.0, "5", "件", source="text")]
    assert check(text_only, "gov2021") == ()
