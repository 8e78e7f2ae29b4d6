"""Tables A, B, C of the 2019/2021 formats on real reports (loaders/tables_gov.py).

Every expected number below was read by hand from the report file named in
the test (the body after the "正文" line for the Pingtan text files; the
<table> cells for the Shanghai HTML).
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from loaders.catalog import APPLICANT_COLUMNS
from loaders.model import CELL_SEP, Fact
from loaders.tables_gov import parse_gov_tables

REPORTS = Path(__file__).parent.parent / "data" / "reports"
BODY = "==================== 正文 ===================="


def body(name: str) -> str:
    text = (REPORTS / "pingtan" / name).read_text(encoding="utf-8")
    return text.split(BODY, 1)[1]


def parse(name: str, fmt: str) -> tuple[dict[tuple[str, str | None], Fact], tuple[str, ...]]:
    facts, warnings = parse_gov_tables(body(name), fmt)
    index = {(f.metric, f.applicant): f for f in facts}
    assert len(index) == len(facts), "one fact per metric and applicant"
    return index, warnings


def row(index: dict[tuple[str, str | None], Fact], metric: str) -> list[float | None]:
    return [index[(metric, col)].value for col in APPLICANT_COLUMNS]


def c_row(index: dict[tuple[str, str | None], Fact]) -> list[float | None]:
    return [
        index[(f"{block}.{part}", None)].value
        for block in ("review", "litigation.direct", "litigation.after_review")
        for part in ("upheld", "corrected", "other", "pending", "total")
    ]


B_2019_ROWS = 23
B_2021_ROWS = 25


# --- plain text, cells run together -------------------------------------------------


def test_2019_fused_main_report() -> None:
    # 2019-main-001: "一、本年新收政府信息公开申请数量230 000023", "（七）总计23 0 00 0 023"
    facts, warnings = parse("2019-main-001.txt", "gov2019")
    assert sum(1 for m, _ in facts if m.startswith("requests.")) == B_2019_ROWS * 7
    assert row(facts, "requests.received") == [23, 0, 0, 0, 0, 0, 23]
    assert row(facts, "requests.carried_over") == [0] * 7
    assert row(facts, "requests.disclosed") == [7, 0, 0, 0, 0, 0, 7]
    assert row(facts, "requests.partially_disclosed") == [1, 0, 0, 0, 0, 0, 1]
    assert row(facts, "requests.unavailable.not_held") == [7, 0, 0, 0, 0, 0, 7]
    assert row(facts, "requests.unavailable.still_unclear") == [5, 0, 0, 0, 0, 0, 5]
    assert row(facts, "requests.not_processed.repeated") == [3, 0, 0, 0, 0, 0, 3]
    assert row(facts, "requests.other_handling") == [0] * 7  # "0 0 0 0 0 00"
    assert row(facts, "requests.closed") == [23, 0, 0, 0, 0, 0, 23]
    assert row(facts, "requests.carried_forward") == [0] * 7  # " 0 0 00 00 0 "
    assert facts[("requests.received", "natural_person")].raw == "23"
    assert facts[("requests.received", "natural_person")].location == (
        "B 一、本年新收政府信息公开申请数量 / 自然人"
    )
    assert c_row(facts) == [0] * 15
    # Table A: 规章000 is three zeros; 规范性文件898989 cannot be split without guessing
    assert [
        facts[(f"proactive.rules.{c}", None)].value
        for c in ("made", "published", "published_total")
    ] == [0, 0, 0]
    ambiguous = facts[("proactive.normative_docs.made", None)]
    assert (ambiguous.value, ambiguous.raw) == (None, "898989")
    assert any("原文为 898989，可能的拆分有 10 种" in w and "89|89|89" in w for w in warnings)
    # 采购: "13575394432.52元" — count and amount fused
    amount = facts[("proactive.procurement.amount", None)]
    assert (amount.value, amount.raw, amount.unit) == (None, "13575394432.52元", "万元")
    assert any(
        "政府集中采购" in w and "13|575394432.52" in w and "标记为存疑" in w for w in warnings
    )
    # the 2021 metrics are not produced for a 2019 table
    assert ("proactive.rules.issued", None) not in facts


def test_2021_fused_b1_inconsistency_is_kept() -> None:
    # 2023-jjf-057: row 一 "3000003" but （七）总计 "0000000" (the report says 0 requests)
    facts, warnings = parse("2023-jjf-057.txt", "gov2021")
    assert sum(1 for m, _ in facts if m.startswith("requests.")) == B_2021_ROWS * 7
    assert row(facts, "requests.received") == [3, 0, 0, 0, 0, 0, 3]
    assert row(facts, "requests.closed") == [0] * 7
    assert row(facts, "requests.other_handling.other") == [0] * 7
    assert ("requests.other_handling", "total") not in facts
    # 行政规范性文件606: three digits, three columns
    assert [
        facts[(f"proactive.normative_docs.{c}", None)].value
        for c in ("issued", "repealed", "in_force")
    ] == [6, 0, 6]
    assert facts[("proactive.licensing.decisions", None)].value == 0
    assert facts[("proactive.fees.amount", None)].value == 0
    assert facts[("proactive.fees.amount", None)].unit == "万元"
    assert c_row(facts) == [0] * 15
    assert warnings == ()


def test_2021_fused_resolved_by_column_sums() -> None:
    # 2021-main-015: B4 leaves two readings of "270020130" (予以公开); B1/B3 pick one
    facts, warnings = parse("2021-main-015.txt", "gov2021")
    assert row(facts, "requests.received") == [64, 0, 0, 2, 0, 4, 70]
    assert row(facts, "requests.disclosed") == [27, 0, 0, 2, 0, 1, 30]
    assert row(facts, "requests.unavailable.not_held") == [22, 0, 0, 0, 0, 3, 25]
    assert row(facts, "requests.closed") == [63, 0, 0, 2, 0, 4, 69]
    assert row(facts, "requests.carried_forward") == [1, 0, 0, 0, 0, 0, 1]
    assert any("原文为 270020130，读作 27|0|0|2|0|1|30" in w for w in warnings)
    # Table C "10203120001200000" (17 digits): the only split where each 总计 adds up
    assert c_row(facts) == [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]
    # 行政事业性收费24252.311082 (万元), one column
    assert facts[("proactive.fees.amount", None)].value == 24252.311082


def test_2021_space_separated() -> None:
    # 2021-jsp-124: "一、本年新收政府信息公开申请数量 5 0 0 0 0 3 8", labels "（三） 不予 公开"
    facts, warnings = parse("2021-jsp-124.txt", "gov2021")
    assert row(facts, "requests.received") == [5, 0, 0, 0, 0, 3, 8]
    assert row(facts, "requests.disclosed") == [1, 0, 0, 0, 0, 1, 2]
    assert row(facts, "requests.unavailable.not_held") == [3, 0, 0, 0, 0, 2, 5]
    assert row(facts, "requests.other_handling.other") == [1, 0, 0, 0, 0, 0, 1]
    assert row(facts, "requests.closed") == [5, 0, 0, 0, 0, 3, 8]
    assert row(facts, "requests.carried_forward") == [0] * 7
    assert [
        facts[(f"proactive.normative_docs.{c}", None)].value
        for c in ("issued", "repealed", "in_force")
    ] == [0, 0, 11]
    assert facts[("proactive.licensing.decisions", None)].value == 1
    assert facts[("proactive.penalties.decisions", None)].value == 0
    assert c_row(facts) == [0] * 15
    assert warnings == ()


def test_2021_inconsistent_rows_read_as_single_digits() -> None:
    # 2021-nyn-076: "2000013" (自然人2, 其他1, total 3), 不掌握 "1000012", 总计 "3000003";
    # 行政处罚 written with a full-width space "行政处罚　71"
    facts, warnings = parse("2021-nyn-076.txt", "gov2021")
    assert row(facts, "requests.received") == [2, 0, 0, 0, 0, 1, 3]
    assert row(facts, "requests.disclosed") == [1, 0, 0, 0, 0, 0, 1]
    assert row(facts, "requests.unavailable.not_held") == [1, 0, 0, 0, 0, 1, 2]
    assert row(facts, "requests.closed") == [3, 0, 0, 0, 0, 0, 3]
    assert facts[("proactive.penalties.decisions", None)].value == 71
    assert facts[("proactive.coercion.decisions", None)].value == 0
    # 行政规范性文件3021: 3|0|21 or 30|2|1
    assert facts[("proactive.normative_docs.issued", None)].value is None
    assert facts[("proactive.normative_docs.issued", None)].raw == "3021"
    assert any("原文为 3021，可能的拆分有 2 种：3|0|21、30|2|1；" in w for w in warnings)


def test_table_c_single_digit_fallback() -> None:
    # 2024-hzs-051: 行政复议 row "100000000000000" — 维持 1, 总计 0, no split adds up
    facts, warnings = parse("2024-hzs-051.txt", "gov2021")
    assert c_row(facts) == [1] + [0] * 14
    assert any(
        w.startswith("政府信息公开行政复议、行政诉讼情况表：原文为 100000000000000，")
        and w.endswith("按每格一位数读取")
        for w in warnings
    )
    assert row(facts, "requests.received") == [28, 0, 0, 0, 0, 0, 28]
    assert row(facts, "requests.disclosed") == [18, 0, 0, 0, 0, 0, 18]
    assert row(facts, "requests.partially_disclosed") == [6, 0, 0, 0, 0, 0, 6]
    assert row(facts, "requests.unavailable.not_held") == [4, 0, 0, 0, 0, 0, 4]
    assert facts[("proactive.licensing.decisions", None)].value == 3


def test_table_c_garbled_is_left_blank() -> None:
    # 2024-shs-093: 17 digits "00202000001324015", no reading where each 总计 adds up
    facts, warnings = parse("2024-shs-093.txt", "gov2021")
    assert c_row(facts) == [None] * 15
    assert facts[("review.total", None)].raw == "00202000001324015"
    assert any(
        w.startswith(
            "政府信息公开行政复议、行政诉讼情况表：原文为 00202000001324015，无法从中读出 15 个数"
        )
        for w in warnings
    )


def test_procurement_ambiguity_2020() -> None:
    # 2020-jjp-116: "采购总金额（元）" header, cell "178810055" = count and amount fused
    facts, warnings = parse("2020-jjp-116.txt", "gov2019")
    projects = facts[("proactive.procurement.projects", None)]
    amount = facts[("proactive.procurement.amount", None)]
    assert (projects.value, projects.raw) == (None, "178810055")
    assert (amount.value, amount.raw) == (None, "178810055")
    assert any("政府集中采购" in w and "17|8810055" in w and "1|78810055" in w for w in warnings)
    # the rest of the report: 规范性文件555, 行政许可 "00 0", all-zero Table B, Table C
    assert [
        facts[(f"proactive.normative_docs.{c}", None)].value
        for c in ("made", "published", "published_total")
    ] == [5, 5, 5]
    assert [
        facts[(f"proactive.licensing.{c}", None)].value
        for c in ("items_last_year", "items_change", "decisions")
    ] == [0, 0, 0]
    assert all(f.value == 0 for (m, _), f in facts.items() if m.startswith("requests."))
    assert c_row(facts) == [0] * 15  # "00 00 0 0 0 000 00 0 00"


def test_all_zero_table() -> None:
    # 2022-gyz-042: every Table B and C cell "0"; zeros are facts with value 0, raw "0"
    facts, warnings = parse("2022-gyz-042.txt", "gov2021")
    b = [f for (m, _), f in facts.items() if m.startswith("requests.")]
    assert len(b) == B_2021_ROWS * 7
    assert all(f.value == 0 and f.raw == "0" for f in b)
    assert c_row(facts) == [0] * 15
    assert not any(w.startswith(("收到和处理", "政府信息公开行政复议")) for w in warnings)


def test_dash_cells_are_blank_not_zero() -> None:
    # 2021-jsp-124 with the zero cells of two rows printed as '—' / '-' (a common variant)
    text = body("2021-jsp-124.txt")
    text = text.replace("（一）予以公开 1 0 0 0 0 1 2", "（一）予以公开 1 — — — — 1 2").replace(
        "2.重复申请 0 0 0 0 0 0 0", "2.重复申请 - - - - - - -"
    )
    facts, warnings = parse_gov_tables(text, "gov2021")
    index = {(f.metric, f.applicant): f for f in facts}
    assert row(index, "requests.disclosed") == [1, None, None, None, None, 1, 2]
    assert index[("requests.disclosed", "commercial")].raw == "—"
    assert row(index, "requests.not_processed.repeated") == [None] * 7
    assert row(index, "requests.received") == [5, 0, 0, 0, 0, 3, 8]
    assert warnings == ()


def test_subtotal_row_is_ignored_with_a_warning() -> None:
    text = body("2021-jsp-124.txt").replace(
        "3.补正后申请内容仍不明确 0 0 0 0 0 0 0",
        "3.补正后申请内容仍不明确 0 0 0 0 0 0 0 小计 3 0 0 0 0 2 5",
    )
    facts, warnings = parse_gov_tables(text, "gov2021")
    index = {(f.metric, f.applicant): f for f in facts}
    assert row(index, "requests.unavailable.still_unclear") == [0] * 7
    assert any("后面带数字的多余文字已忽略" in w and "小计 3 0 0 0 0 2 5" in w for w in warnings)


# --- label typos and variants --------------------------------------------------------


def test_label_typos_are_matched_and_reported() -> None:
    # 2024-jsp-127: "2.其他法律和行政法规禁止公开", "行政机关不再受理" (for 不再处理)
    facts, warnings = parse("2024-jsp-127.txt", "gov2021")
    assert row(facts, "requests.withheld.prohibited_by_law") == [0] * 7
    assert row(facts, "requests.withheld.state_secret") == [0] * 7
    assert any("行名“2.其他法律和行政法规禁止公开”与模板不完全一致" in w for w in warnings)
    assert sum("不再受理" in w for w in warnings) == 2
    # 2025-scj-087: "7.属于行政执法案件" (for 案卷); the 收费 cell and row 四 run into
    # the next sentence "2025年，我局…"
    facts, warnings = parse("2025-scj-087.txt", "gov2021")
    assert row(facts, "requests.withheld.enforcement_file") == [3, 0, 0, 0, 0, 0, 3]
    assert any(
        "“7.属于行政执法案件”与模板不完全一致，按“7.属于行政执法案卷”读取" in w for w in warnings
    )
    assert facts[("proactive.fees.amount", None)].value == 0
    assert row(facts, "requests.carried_forward") == [2, 0, 0, 0, 0, 0, 2]
    # "110000011" (部分公开) is 11|0|0|0|0|0|11 by the column sums
    assert row(facts, "requests.partially_disclosed") == [11, 0, 0, 0, 0, 0, 11]
    assert row(facts, "requests.closed") == [19, 0, 0, 0, 0, 0, 19]
    # 规章 row is absent from this report's Table A
    assert ("proactive.rules.issued", None) not in facts
    assert "主动公开政府信息情况表第二十条第（一）项中未找到“规章”行，该行没有数据" in warnings


def test_header_typo_is_reported() -> None:
    # 2021-gaj-029: header "本年废纸件数"
    _, warnings = parse("2021-gaj-029.txt", "gov2021")
    assert warnings == (
        "主动公开政府信息情况表第二十条第（一）项的表头“本年废纸件数”与模板不完全一致，"
        "按“本年废止件数”读取",
    )


def test_missing_caption_rows_still_read() -> None:
    # 2019-lyy-067: 行政处罚/行政强制 printed right after （五）'s rows, no （六） caption
    facts, warnings = parse("2019-lyy-067.txt", "gov2019")
    # "行政处罚3000": with no leading zeros the only reading is 30 | 0 | 0
    assert [
        facts[(f"proactive.penalties.{c}", None)].value
        for c in ("items_last_year", "items_change", "decisions")
    ] == [30, 0, 0]
    assert [
        facts[(f"proactive.licensing.{c}", None)].value
        for c in ("items_last_year", "items_change", "decisions")
    ] == [2, 1, 5]  # "行政许可215"
    assert any("第二十条第（六）项的标题缺失" in w for w in warnings)
    # 采购 "1个246900元": the count unit and the money unit separate the cells
    assert facts[("proactive.procurement.projects", None)].value == 1
    assert facts[("proactive.procurement.amount", None)].value == pytest.approx(24.69)


# --- grids (one table row per line, cells joined by " ‖ ") ---------------------------


def _grid_lines(html: str) -> str:
    """Linear text of an HTML fragment, merged cells repeated like the readers do."""
    doc = lxml.html.fromstring(html)
    out: list[str] = []
    for table in doc.iter("table"):
        grid: dict[tuple[int, int], str] = {}
        for r, tr in enumerate(table.iter("tr")):
            c = 0
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                while (r, c) in grid:
                    c += 1
                text = " ".join(td.text_content().split())
                for dr in range(int(td.get("rowspan", 1))):
                    for dc in range(int(td.get("colspan", 1))):
                        grid[(r + dr, c + dc)] = text
                c += int(td.get("colspan", 1))
        n_rows = max(r for r, _ in grid) + 1
        n_cols = max(c for _, c in grid) + 1
        for r in range(n_rows):
            out.append(CELL_SEP.join(grid.get((r, c), "") for c in range(n_cols)))
    return "\n".join(out)


@pytest.fixture(scope="module")
def shanghai() -> tuple[dict[tuple[str, str | None], Fact], tuple[str, ...]]:
    html = (REPORTS / "other" / "2019-002.html").read_text(encoding="utf-8")
    facts, warnings = parse_gov_tables(_grid_lines(html), "gov2019")
    return {(f.metric, f.applicant): f for f in facts}, warnings


def test_shanghai_grid_table_b(shanghai) -> None:  # type: ignore[no-untyped-def]
    facts, warnings = shanghai
    assert warnings == ()
    assert row(facts, "requests.received") == [821, 35, None, None, 2, 1, 859]
    assert row(facts, "requests.carried_over") == [18, None, None, None, None, None, 18]
    assert row(facts, "requests.closed") == [767, 35, None, None, 2, 1, 805]
    assert row(facts, "requests.carried_forward") == [72, None, None, None, None, None, 72]
    # detail rows leave 总计 blank: a fact with value None and raw ''
    assert row(facts, "requests.disclosed") == [258, 12, None, None, 1, 1, None]
    assert facts[("requests.disclosed", "total")].raw == ""
    assert row(facts, "requests.unavailable.not_held") == [252, 12, None, None, 1, None, None]
    assert row(facts, "requests.other_handling") == [None] * 7


def test_shanghai_grid_tables_a_and_c(shanghai) -> None:  # type: ignore[no-untyped-def]
    facts, _ = shanghai
    # colspans repeat "13" in the grid: 规章 | 13 | 13 | 13 | 524 is 13, 13, 524
    assert [
        facts[(f"proactive.rules.{c}", None)].value
        for c in ("made", "published", "published_total")
    ] == [13, 13, 524]
    assert [
        facts[(f"proactive.normative_docs.{c}", None)].value
        for c in ("made", "published", "published_total")
    ] == [60, 60, 368]
    assert facts[("proactive.procurement.projects", None)].value == 6
    amount = facts[("proactive.procurement.amount", None)]
    assert (amount.value, amount.raw, amount.unit) == (25.1, "251000元", "万元")
    assert c_row(facts) == [5, None, None, 2, 7, 8, None, None, 1, 9] + [None] * 5


def test_pdf_text_layout() -> None:
    # other/2024-001.txt (淮安 2024, pypdf text): page footers "- 5 -" inside Table B, the
    # label "（四）无法提供" cut across pages, wrapped labels with numbers on the last line
    text = (REPORTS / "other" / "2024-001.txt").read_text(encoding="utf-8")
    facts, warnings = parse_gov_tables(text, "gov2021")
    index = {(f.metric, f.applicant): f for f in facts}
    assert warnings == ()
    assert row(index, "requests.received") == [3001, 53, 0, 0, 61, 4, 3119]
    assert row(index, "requests.partially_disclosed") == [447, 7, 0, 0, 0, 0, 454]
    assert row(index, "requests.unavailable.not_held") == [746, 12, 0, 0, 10, 1, 769]
    assert row(index, "requests.unavailable.needs_creation") == [11, 0, 0, 0, 0, 0, 11]
    assert row(index, "requests.other_handling.no_correction") == [67, 3, 0, 0, 1, 0, 71]
    assert row(index, "requests.closed") == [2932, 53, 0, 0, 61, 4, 3050]
    assert row(index, "requests.carried_forward") == [103, 0, 0, 0, 0, 0, 103]
    assert c_row(index) == [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]
    assert index[("proactive.penalties.decisions", None)].value == 3985758
    assert index[("proactive.normative_docs.repealed", None)].value == 26
    assert index[("proactive.fees.amount", None)].value == 96171.6


def test_label_without_its_note_is_reported() -> None:
    # 2021-jsp-124 with （二）部分公开 printed without "（区分处理的，只计这一情形，不计其他情形）"
    text = body("2021-jsp-124.txt").replace("（区分处理的，只计这一情形，不计其他情形）", "")
    facts, warnings = parse_gov_tables(text, "gov2021")
    index = {(f.metric, f.applicant): f for f in facts}
    assert row(index, "requests.partially_disclosed") == [0] * 7
    assert warnings == (
        "收到和处理政府信息公开申请情况表的行名“（二）部分公开”与模板不完全一致，"
        "按“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”读取",
    )


def test_full_width_digits_keep_their_raw_token() -> None:
    text = body("2021-jsp-124.txt").replace(
        "一、本年新收政府信息公开申请数量 5 0 0 0 0 3 8",
        "一、本年新收政府信息公开申请数量 ５ ０ ０ ０ ０ ３ ８",
    )
    facts, warnings = parse_gov_tables(text, "gov2021")
    index = {(f.metric, f.applicant): f for f in facts}
    assert row(index, "requests.received") == [5, 0, 0, 0, 0, 3, 8]
    assert index[("requests.received", "natural_person")].raw == "５"
    assert warnings == ()


def test_table_c_extra_header_text_is_skipped() -> None:
    text = body("2021-jsp-124.txt").replace("审结 总计 0 0 0", "审结 总计 （单位：件） 0 0 0")
    facts, warnings = parse_gov_tables(text, "gov2021")
    index = {(f.metric, f.applicant): f for f in facts}
    assert c_row(index) == [0] * 15
    assert warnings == ("政府信息公开行政复议、行政诉讼情况表表头后的文字“（单位：件）”已跳过",)


def test_added_subtotal_column_is_read_and_left_out() -> None:
    # 2021-jsp-124 with a 法人小计 column after 其他 (added by some tools, FORMAT.md §6.9):
    # every Table B row gets the sum of its five 法人 cells before 总计
    text = body("2021-jsp-124.txt").replace("法律服务机构 其 他", "法律服务机构 其 他 小计")
    start, end = text.index("申请人情况"), text.index("四、政府信息公开行政复议")

    def with_subtotal(m: re.Match[str]) -> str:
        v = m.group(1).split()
        return " " + " ".join([*v[:6], str(sum(map(int, v[1:6]))), v[6]]) + " "

    table_b = re.sub(r" ((?:\d+ ){6}\d+) ", with_subtotal, text[start:end])
    assert "一、本年新收政府信息公开申请数量 5 0 0 0 0 3 3 8 " in table_b
    fused = table_b.replace("数量 5 0 0 0 0 3 3 8 ", "数量50000338")  # and one fused row
    facts, warnings = parse_gov_tables(text[:start] + fused + text[end:], "gov2021")
    index = {(f.metric, f.applicant): f for f in facts}
    assert row(index, "requests.received") == [5, 0, 0, 0, 0, 3, 8]
    assert row(index, "requests.unavailable.not_held") == [3, 0, 0, 0, 0, 2, 5]
    assert row(index, "requests.closed") == [5, 0, 0, 0, 0, 3, 8]
    assert warnings == ("收到和处理政府信息公开申请情况表多出模板没有的“小计”栏，该栏数值未保存",)


def test_tables_in_another_order() -> None:
    # 2021-jsp-124 with Table A moved after Table C
    text = body("2021-jsp-124.txt")
    a_start, b_start = text.index("第二十条第（一）项"), text.index("三、收到和处理")
    c_end = text.index("五、存在的主要问题")
    moved = text[:a_start] + text[b_start:c_end] + " " + text[a_start:b_start] + text[c_end:]
    facts, warnings = parse_gov_tables(moved, "gov2021")
    index = {(f.metric, f.applicant): f for f in facts}
    assert row(index, "requests.received") == [5, 0, 0, 0, 0, 3, 8]
    assert c_row(index) == [0] * 15
    assert index[("proactive.normative_docs.in_force", None)].value == 11
    assert index[("proactive.licensing.decisions", None)].value == 1
    assert warnings == ()


# --- through the project's readers (Document.linear()) --------------------------------


def test_shanghai_through_the_html_reader() -> None:
    from loaders.readers import load

    doc = load(REPORTS / "other" / "2019-002.html")
    facts, warnings = parse_gov_tables(doc.linear(), "gov2019")
    index = {(f.metric, f.applicant): f for f in facts}
    assert warnings == ()
    assert row(index, "requests.received") == [821, 35, None, None, 2, 1, 859]
    assert row(index, "requests.closed") == [767, 35, None, None, 2, 1, 805]
    assert index[("proactive.procurement.amount", None)].value == 25.1
    assert c_row(index)[:5] == [5, None, None, 2, 7]


def test_huaian_through_the_pdf_reader() -> None:
    from loaders.readers import load

    doc = load(REPORTS / "other" / "2024-huaian-szfgs2024.pdf")
    facts, warnings = parse_gov_tables(doc.linear(), "gov2021")
    index = {(f.metric, f.applicant): f for f in facts}
    assert warnings == ()
    assert row(index, "requests.received") == [3001, 53, 0, 0, 61, 4, 3119]
    assert row(index, "requests.unavailable.needs_creation") == [11, 0, 0, 0, 0, 0, 11]
    assert c_row(index) == [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]
    assert index[("proactive.fees.amount", None)].value == 96171.6


# --- a row whose own B4 rules out every split -------------------------------------


def test_total_without_b4_split_read_by_column_sums() -> None:
    # 2023-zrz-106: "（七）总计 191000019" = 19 persons + 1 company, 总计 19: no split
    # satisfies B4 and it is not 7 digits. B3 down the columns (（一）6 + （二）8 +
    # 不掌握 4 + 其他 1 persons; the 1 company of 部分公开 "8100008") gives
    # 19|1|0|0|0|0|19, a split of the run; B1 (一 = 19|0|…|19) gives none.
    facts, warnings = parse("2023-zrz-106.txt", "gov2021")
    assert row(facts, "requests.closed") == [19, 1, 0, 0, 0, 0, 19]
    assert [facts[("requests.closed", c)].raw for c in APPLICANT_COLUMNS] == [
        "19", "1", "0", "0", "0", "0", "19",
    ]  # fmt: skip
    # the 7-digit single-digit reading of 部分公开 is unchanged
    assert row(facts, "requests.partially_disclosed") == [8, 1, 0, 0, 0, 0, 8]
    assert row(facts, "requests.received") == [19, 0, 0, 0, 0, 0, 19]
    assert (
        "收到和处理政府信息公开申请情况表“（七）总计”行：原文为 191000019，没有一种拆法能使"
        "“总计”栏等于各类申请人栏之和；按各栏的纵向关系读作 19|1|0|0|0|0|19，"
        "这是唯一使每一栏都满足“（七）总计等于各项办理结果之和”的拆法"
    ) in warnings
    assert not any("无法从中读出 7 个数" in w and "191000019" in w for w in warnings)


def _zrz_106_with(*changes: tuple[str, str]) -> str:
    # The real 2023-zrz-106 text with some Table B runs replaced (each context unique).
    text = body("2023-zrz-106.txt")
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def _index(text: str) -> tuple[dict[tuple[str, str | None], Fact], tuple[str, ...]]:
    facts, warnings = parse_gov_tables(text, "gov2021")
    return {(f.metric, f.applicant): f for f in facts}, warnings


def test_total_without_b4_split_stays_blank_when_no_column_sum_is_a_split() -> None:
    # 191000018: B3 gives 19|1|0|0|0|0|19, B1 gives 19|0|…|19, neither is a split.
    facts, warnings = _index(_zrz_106_with(("总计 191000019", "总计 191000018")))
    assert row(facts, "requests.closed") == [None] * 7
    assert {facts[("requests.closed", c)].raw for c in APPLICANT_COLUMNS} == {"191000018"}
    assert any(
        w.startswith(
            "收到和处理政府信息公开申请情况表“（七）总计”行：原文为 191000018，无法从中读出 7 个数"
        )
        for w in warnings
    )


def test_rows_decided_by_column_sums_do_not_decide_each_other() -> None:
    # 一 printed like （七）: both lack a B4 split. （七） still follows from B3 (the
    # outcome rows are read); 一 would need （七） through B1, which was not read
    # before this step, so 一 stays blank: no chains of column arithmetic.
    facts, warnings = _index(_zrz_106_with(("申请数量 190000019", "申请数量 191000019")))
    assert row(facts, "requests.closed") == [19, 1, 0, 0, 0, 0, 19]
    assert row(facts, "requests.received") == [None] * 7
    assert any(
        w.startswith("收到和处理政府信息公开申请情况表“一、本年新收政府信息公开申请数量”行：")
        and "无法从中读出 7 个数" in w
        for w in warnings
    )


def test_total_without_b4_split_read_by_b1() -> None:
    # B3 cannot be computed (a blank 商业企业 cell in （六）3.其他); B1 can:
    # 一 9|1|0|0|0|0|9 (single digits) + 二 1|0|…|1 - 四 0 = 10|1|0|0|0|0|10.
    facts, warnings = _index(
        _zrz_106_with(
            ("申请数量 190000019", "申请数量 9100009"),
            ("申请数量 0000000", "申请数量 1000001"),
            ("3.其他 1000001", "3.其他 1 - 0 0 0 0 1"),
            ("总计 191000019", "总计 101000010"),
        )
    )
    assert row(facts, "requests.received") == [9, 1, 0, 0, 0, 0, 9]
    assert row(facts, "requests.other_handling.other") == [1, None, 0, 0, 0, 0, 1]
    assert row(facts, "requests.closed") == [10, 1, 0, 0, 0, 0, 10]
    assert any(
        w.startswith("收到和处理政府信息公开申请情况表“（七）总计”行：原文为 101000010，")
        and "读作 10|1|0|0|0|0|10" in w
        and "“一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年”" in w
        for w in warnings
    )


def test_signed_change_run_keeps_the_certain_cell() -> None:
    # 2020-jtj-061 行政许可 "88-720": 88|-7|20 or 88|-72|0. 上一年项目数量 88 comes
    # before the sign and is certain; the other two cells are blank. The raw
    # joins the tokens read ('88', '-720') with a space, as the reviewed golden
    # file expects (the source prints 「88-720」 without one; MISSES-gov-A).
    facts, warnings = parse("2020-jtj-061.txt", "gov2019")
    assert facts[("proactive.licensing.items_last_year", None)].value == 88
    assert facts[("proactive.licensing.items_last_year", None)].raw == "88"
    for part in ("items_change", "decisions"):
        cell = facts[(f"proactive.licensing.{part}", None)]
        assert (cell.value, cell.raw) == (None, "88 -720")
    assert (
        "主动公开政府信息情况表第二十条第（五）项“行政许可”行：各栏数字连在一起，原文为 88 -720，"
        "可能的拆分有 2 种：88|-7|20、88|-72|0；无法确定的格已留空并标记为存疑"
    ) in warnings
