"""The pre-2019 统计表 parser on real reports; every value checked against the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.model import Fact
from loaders.readers import load
from loaders.tables_legacy import parse_legacy_tables

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "data" / "reports"
TEST_REPORTS = ROOT / "tests" / "data" / "reports"
BODY_MARK = "==================== 正文 ===================="


def body(path: Path) -> str:
    """The report text: for Pingtan crawler dumps, what follows the 正文 line."""
    text = path.read_text(encoding="utf-8")
    _, mark, rest = text.partition(BODY_MARK)
    return rest if mark else text


def parse(path: Path) -> tuple[tuple[Fact, ...], tuple[str, ...]]:
    return parse_legacy_tables(body(path))


def values(facts: tuple[Fact, ...]) -> list[tuple[str, float | None]]:
    return [(f.metric.removeprefix("legacy."), f.value) for f in facts]


B = None  # a blank cell

# The seed's 附表, row by row, as printed in data/reports/seed/000_082f890431297067.txt.
SEED = [
    ("proactive.total", 3649),
    ("proactive.normative_docs", 0),
    ("proactive.normative_docs_issued", 0),
    ("proactive.via_gazette", 0),
    ("proactive.via_website", 3649),
    ("proactive.via_weibo", 0),
    ("proactive.via_wechat", 10),
    ("proactive.via_other", 2217),
    ("response.hotspots", 151),
    ("response.press_conferences", 0),
    ("response.press_conferences_by_leaders", 0),
    ("response.online_interviews", 2),
    ("response.online_interviews_by_leaders", 1),
    ("response.interpretations", 0),
    ("response.via_social_media", 0),
    ("response.via_other", 149),
    ("requests.received", 2),
    ("requests.in_person", 0),
    ("requests.by_fax", 0),
    ("requests.online", 1),
    ("requests.by_letter", 1),
    ("requests.completed", 2),
    ("requests.on_time", 2),
    ("requests.extended", B),
    ("requests.answered", 2),
    ("answers.already_public", B),
    ("answers.disclosed", 2),
    ("answers.partially_disclosed", B),
    ("answers.withheld", B),
    ("answers.withheld.state_secret", B),
    ("answers.withheld.commercial_secret", B),
    ("answers.withheld.privacy", B),
    ("answers.withheld.security_stability", B),
    ("answers.withheld.not_government_info", B),
    ("answers.withheld.other_law", B),
    ("answers.not_this_agency", B),
    ("answers.not_exist", B),
    ("answers.correction_requested", B),
    ("answers.other_channel", B),
    ("review.total", 0),
    ("review.upheld", B),
    ("review.corrected", B),
    ("review.other", B),
    ("litigation.total", 0),
    ("litigation.upheld", B),
    ("litigation.corrected", B),
    ("litigation.other", B),
    ("complaints", 0),
    ("fees", 0),
    ("org.dedicated_units", 1),
    ("org.reading_points", 64),
    ("staff.total", 65),
    ("staff.full_time", 0),
    ("staff.part_time", 65),
    ("funding", 5),
    ("meetings", 4),
    ("trainings", 12),
    ("trainees", 304),
]


def test_seed_every_value() -> None:
    facts, warnings = parse(REPORTS / "seed" / "000_082f890431297067.txt")
    assert values(facts) == SEED
    blank = next(f for f in facts if f.metric == "legacy.requests.extended")
    assert (blank.value, blank.raw) == (None, "")  # a blank cell, never 0
    first = facts[0]
    assert first.raw == "3649" and first.unit == "条" and first.source == "table"
    assert first.applicant is None
    assert first.location == "统计表 (一)主动公开政府信息数"
    assert next(f for f in facts if f.metric == "legacy.fees").unit == "万元"
    # the typo row under 五、行政诉讼数量 is read in its block, with a warning
    assert warnings == (
        "统计表行名“(二)被依法纠错九”与标准行名不完全一致，按“（二）被依法纠错数”读取（近似匹配）",
    )


def test_seed_as_html_grid_reads_the_same() -> None:
    # Derived file: the seed's 附表 as an HTML table (blank cells are &nbsp;).
    doc = load(TEST_REPORTS / "legacy_seed_table_as_html_grid.html")
    facts, warnings = parse_legacy_tables(doc.linear())
    assert values(facts) == SEED
    assert len(warnings) == 1 and "被依法纠错九" in warnings[0]


def test_pingtan_2011_main_two_columns_spaced() -> None:
    facts, warnings = parse(REPORTS / "pingtan" / "2011-main-002.txt")
    assert values(facts) == [
        ("proactive.total", 425),
        ("proactive.via_website", 418),
        ("proactive.via_gazette", 7),
        ("requests.received", 0),
        ("requests.in_person", 0),
        ("requests.by_fax", 0),
        ("requests.by_email", 0),
        ("requests.online", 0),
        ("requests.by_letter", 0),
        ("requests.other_channel", 0),
        ("requests.answered", 0),
        ("answers.disclosed", 0),
        ("answers.partially_disclosed", 0),
        ("answers.withheld", 0),
        ("review.total", 0),
        ("litigation.total", 0),
        ("appeals", 0),
    ]
    # only the annual column (2011 年度), never 历年累计 (1516 / 1509)
    assert facts[0].raw == "425" and facts[0].location == "统计表 主动公开信息数 / 2011年度"
    assert facts[1].location == "统计表 其中:1.网站公开 / 2011年度"
    assert warnings == ()


def test_pingtan_2016_czj_fused_one_column_truncated() -> None:
    # 主动公开信息数条86其中：1、网站公开条86 2、…, one column 年末统计, ends after 电子邮件申请数
    facts, warnings = parse(REPORTS / "pingtan" / "2016-czj-158.txt")
    assert values(facts) == [
        ("proactive.total", 86),
        ("proactive.via_website", 86),
        ("proactive.via_gazette", 0),
        ("requests.received", 0),
        ("requests.in_person", 0),
        ("requests.by_fax", 0),
        ("requests.by_email", 0),
    ]
    assert warnings == (
        "统计表在“3、电子邮件申请数”之后中断，其后各行缺失（表格不完整），这些项目没有数据",
    )


def test_pingtan_2012_jjf_truncated_table_has_no_later_rows() -> None:
    facts, warnings = parse(REPORTS / "pingtan" / "2012-jjf-206.txt")
    assert values(facts) == [
        ("proactive.total", 131),
        ("proactive.via_website", 131),
        ("proactive.via_gazette", 0),
        ("requests.received", 0),
        ("requests.in_person", 0),
        ("requests.by_fax", 0),
        ("requests.by_email", 0),
    ]
    assert not any(f.metric.startswith(("legacy.review", "legacy.answers")) for f in facts)
    assert len(warnings) == 1 and "表格不完整" in warnings[0]


def test_pingtan_2018_jtj_space_separated_values() -> None:
    facts, warnings = parse(REPORTS / "pingtan" / "2018-jtj-141.txt")
    assert values(facts) == [
        ("proactive.total", 225),
        ("proactive.via_website", 225),
        ("proactive.via_gazette", 0),
        ("requests.received", 1),
        ("requests.in_person", 1),
        ("requests.online", 0),
        ("requests.by_letter_or_fax", 0),
        ("requests.answered", 1),
        ("answers.disclosed", 1),
        ("answers.partially_disclosed", 0),
        ("answers.withheld", 0),
        ("answers.other", 0),
        ("fees_waived", 0),
        ("appeals_and_complaints", 0),
        ("review.total", 0),
        ("litigation.total", 1),
    ]
    fee = next(f for f in facts if f.metric == "legacy.fees_waived")
    assert fee.unit == "万元"  # written in 元, stored in the catalog unit
    assert warnings == (
        "统计表行名“接受行政申述、举报数”与标准行名不完全一致，"
        "按“接受行政申诉、举报数”读取（近似匹配）",
    )


def test_pingtan_2009_gaj_full_width_numbering() -> None:
    facts, warnings = parse(REPORTS / "pingtan" / "2009-gaj-207.txt")
    assert values(facts) == [
        ("proactive.total", 15),
        ("proactive.via_website", 15),
        ("proactive.via_gazette", 0),
        ("requests.received", 0),
        ("requests.in_person", 0),
        ("requests.by_fax", 0),
        ("requests.by_email", 0),
        ("requests.online", 0),
        ("requests.by_letter", 0),
        ("requests.other_channel", 0),
        ("requests.answered", 0),
        ("answers.disclosed", 0),
        ("answers.partially_disclosed", 0),
        ("answers.withheld", 0),
        ("review.total", 0),
        ("litigation.total", 0),
        ("appeals", 0),
    ]
    assert facts[1].location == "统计表 其中:1.网站公开"  # one column: no column name
    assert warnings == ()


def test_fused_two_columns_decided_by_structure_and_narrative() -> None:
    # 主动公开信息数条20263542其中：1.网站公开条179533042.政府公报公开条07 …
    # The narrative says “主动公开政府信息2026条”; 1795 follows as the only website
    # split within the total in both columns.
    facts, warnings = parse(REPORTS / "pingtan" / "2012-county-004.txt")
    v = dict(values(facts))
    assert (v["proactive.total"], v["proactive.via_website"], v["proactive.via_gazette"]) == (
        2026,
        1795,
        0,
    )
    assert (v["requests.received"], v["requests.in_person"], v["requests.by_email"]) == (21, 18, 3)
    assert (v["answers.disclosed"], v["answers.partially_disclosed"], v["answers.withheld"]) == (
        17,
        2,
        2,
    )
    total = next(f for f in facts if f.metric == "legacy.proactive.total")
    assert total.raw == "20263542"  # the run as written
    fused = "本年和历年累计两栏的数字连写为"
    fits = "才与其“其中”各行及合计相符，据此读取"
    assert warnings == (
        f"统计表“主动公开信息数”：{fused} 20263542，正文写明本年为 2026条/件，"
        "据此读作本年 2026、历年累计 3542",
        f"统计表“其中:1.网站公开”：{fused} 17953304，只有读作本年 1795、历年累计 3304 {fits}",
        f"统计表“受理依申请公开信息总数”：{fused} 2121，只有读作本年 21、历年累计 21 {fits}",
        f"统计表“其中:1.当面申请数”：{fused} 1818，只有读作本年 18、历年累计 18 {fits}",
        f"统计表“对申请的答复数”：{fused} 2121，只有读作本年 21、历年累计 21 {fits}",
        f"统计表“其中:1.同意公开答复数”：{fused} 1717，只有读作本年 17、历年累计 17 {fits}",
    )


def test_fused_two_columns_decided_by_annual_not_above_cumulative() -> None:
    # 受理依申请公开信息总数条728 → 7 | 28 (72 | 8 would put the year above the total)
    facts, _ = parse(REPORTS / "pingtan" / "2013-county-006.txt")
    v = dict(values(facts))
    assert v["proactive.total"] == 1853 and v["proactive.via_website"] == 1713
    assert [v[k] for k in ("requests.received", "requests.in_person", "requests.by_email")] == [
        7,
        0,
        3,
    ]
    assert [v[k] for k in ("requests.online", "requests.answered", "answers.disclosed")] == [
        4,
        3,
        2,
    ]


def test_fused_two_columns_ambiguous_is_blank_with_candidates() -> None:
    # 主动公开信息数条2626: 2 | 626 or 26 | 26; the text says 38 items, no help.
    facts, warnings = parse(REPORTS / "pingtan" / "2012-czj-205.txt")
    total = next(f for f in facts if f.metric == "legacy.proactive.total")
    assert (total.value, total.raw) == (None, "2626")
    assert (
        "统计表“主动公开信息数”：本年和历年累计两栏的数字连写为 2626，有 2 种拆法"
        "（本年 2、历年累计 626；本年 26、历年累计 26），该格数值无法确定，已留空并标记为存疑"
    ) in warnings


def test_empty_cumulative_column_reads_single_values() -> None:
    # header “2017年 历年累计”, but every row has one value (条148 … 条2 … 条1)
    facts, warnings = parse(REPORTS / "pingtan" / "2017-jjf-152.txt")
    v = dict(values(facts))
    assert v["proactive.total"] == 148 and v["requests.received"] == 2
    assert v["answers.partially_disclosed"] == 1 and v["answers.other"] == 1
    assert any("历年累计留空" in w for w in warnings)


def test_one_value_for_two_columns_is_blank() -> None:
    # 2013-main-008: “2、政府公报公开 条 0 受理…” under 2013年度 / 历年累计
    facts, warnings = parse(REPORTS / "pingtan" / "2013-main-008.txt")
    gazette = next(f for f in facts if f.metric == "legacy.proactive.via_gazette")
    assert (gazette.value, gazette.raw) == (None, "0")
    assert (
        "统计表“2、政府公报公开”：本年和历年累计两栏只写了一个数“0”，无法确定属于哪一栏，已留空"
    ) in warnings
    assert dict(values(facts))["proactive.total"] == 72804


def test_header_with_wrong_year() -> None:
    facts, warnings = parse(REPORTS / "pingtan" / "2013-jtj-194.txt")
    assert dict(values(facts))["proactive.total"] == 12
    assert ("统计表表头写的是“2012年度”，而报告讲的是2013年；该栏仍按本年数读取") in warnings


def test_older_fujian_form() -> None:
    # 正式受理政府信息公开申请数 / 在办 / 办结 / 同意提供 / 拒绝提供 / 政府信息咨询数 …
    facts, warnings = parse(REPORTS / "pingtan" / "2013-gwh-190.txt")
    assert values(facts) == [
        ("proactive.total", 21),
        ("requests.received", 0),
        ("requests.pending", 0),
        ("requests.completed", 0),
        ("answers.disclosed", 0),
        ("answers.withheld", 0),
        ("refused.not_exist", 0),
        ("refused.secret", 0),
        ("refused.unclear", 0),
        ("refused.excessive", 0),
        ("refused.third_party", 0),
        ("refused.other", 0),
        ("org.reading_points", 0),
        ("reading_points.queries", 0),
        ("inquiries", 0),
        ("inquiries.phone", 0),
        ("inquiries.window", 0),
        ("inquiries.online", 0),
        ("inquiries.other", 0),
        ("review.total", 0),
        ("litigation.total", 0),
    ]
    assert len(warnings) == 3 and all("（近似匹配）" in w for w in warnings)


def test_money_in_yuan_is_stored_in_wanyuan() -> None:
    # Derived from pingtan 2014-main-009 with 收费减免金额 元 251000 300000.
    facts, warnings = parse(TEST_REPORTS / "legacy_fees_waived_in_yuan.txt")
    fee = next(f for f in facts if f.metric == "legacy.fees_waived")
    assert (fee.value, fee.raw, fee.unit) == (25.1, "251000", "万元")
    assert warnings == ()


def test_money_with_a_count_unit_is_read_in_the_template_unit() -> None:
    facts, warnings = parse(REPORTS / "pingtan" / "2016-hzs-161.txt")
    fee = next(f for f in facts if f.metric == "legacy.fees_waived")
    assert (fee.value, fee.raw) == (0, "0")
    assert warnings == (
        "统计表“政府信息公开收费减免金额”：单位“条”不是金额单位，按模板的单位元读取",
    )


def test_narrative_words_are_not_rows() -> None:
    # 2017-jtj-151 only names its .xls attachment: no table, no facts.
    facts, warnings = parse(REPORTS / "pingtan" / "2017-jtj-151.txt")
    assert facts == () and warnings == ()


@pytest.mark.parametrize(
    "name, received, channels",
    [
        ("2018-zrz-146", 13, [0, 2, 9]),  # the source's own inconsistency (13 ≠ 11)
        ("2017-scj-154", 5, [0, 3, 2]),
        ("2018-nyn-142", 0, [0, 0, 0]),
    ],
)
def test_fujian_three_channel_layout(name: str, received: int, channels: list[int]) -> None:
    facts, _ = parse(REPORTS / "pingtan" / f"{name}.txt")
    v = dict(values(facts))
    assert v["requests.received"] == received
    assert [
        v["requests.in_person"],
        v["requests.online"],
        v["requests.by_letter_or_fax"],
    ] == channels


def test_seed_cells_on_plain_lines_read_the_same() -> None:
    # Derived file: the seed with its “ |” cell marks removed, as a PDF text layer
    # gives a table: label, unit and value each on a line, blank cells as empty lines.
    facts, _ = parse(TEST_REPORTS / "legacy_seed_cells_on_lines_without_bars.txt")
    assert values(facts) == SEED


def test_label_words_in_sentences_are_not_rows() -> None:
    # 2011-main-002's narrative says “…主动公开信息数为62条”; without the table that
    # follows it, nothing is a row.
    text = body(REPORTS / "pingtan" / "2011-main-002.txt")
    narrative = text.split("附件1：")[0]
    assert "主动公开信息数为62条" in narrative
    assert parse_legacy_tables(narrative) == ((), ())
