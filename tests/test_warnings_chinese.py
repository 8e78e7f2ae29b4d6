"""Parser warnings and check details of real reports, as an evaluator reads them.

A warning says what was found, where (the table and row in the report's own
words, never a metric code) and what it means for the data; no command-line
hints. The figures are those of the bundled reports.
"""

from __future__ import annotations

import re
from pathlib import Path

from loaders.parse import parse_file
from nianbao.checks import run_checks

REPORTS = Path(__file__).resolve().parents[1] / "data" / "reports"
LATIN = re.compile(r"[A-Za-z]{2,}")  # a code (legacy.litigation.corrected), English, --title


def test_seed_fuzzy_label_and_missing_metadata() -> None:
    report = parse_file(REPORTS / "seed" / "000_082f890431297067.txt")
    assert report.warnings == (
        "统计表行名“(二)被依法纠错九”与标准行名不完全一致，按“（二）被依法纠错数”读取（近似匹配）",
        "所属地区按正文推定为吉林省 长春市 朝阳区",
        "正文未写明发布机关（只说“我区/本市”等），按所在地区推定为长春市朝阳区",
        "标题中没有报告年度，按正文中出现最多的年份推定为2016年",
        "网页信息和正文中都找不到报告标题，标题为空",
        "网页信息和正文中都找不到发布日期，发布日期为空",
    )


def test_pingtan_2023_main_017_ambiguous_run_is_flagged_with_its_digits() -> None:
    report = parse_file(REPORTS / "pingtan" / "2023-main-017.txt")
    ambiguous = report.warnings[0]
    assert ambiguous == (
        "主动公开政府信息情况表第二十条第（一）项“行政规范性文件”行：各栏数字连在一起，"
        "原文为 77132470，可能的拆分有 21 种：7|7|132470、7|71|32470、7|713|2470、"
        "7|7132|470、7|71324|70、7|713247|0 等；无法确定的格已留空并标记为存疑"
    )
    # the cells it speaks of are blank with the digits kept, not guessed
    cells = [f for f in report.facts if f.metric.startswith("proactive.normative_docs.")]
    assert cells and all((f.value, f.raw) == (None, "77132470") for f in cells)
    assert report.warnings[1].startswith(
        "收到和处理政府信息公开申请情况表“（一）予以公开”行：原文为 220000022，读作 22|0|0|0|0|0|22"
    )
    assert not any(LATIN.search(w) for w in report.warnings)


def test_check_detail_names_applicants_and_rows() -> None:
    report = parse_file(REPORTS / "pingtan" / "2023-main-017.txt")
    by_key = {(c.rule, c.subject): c for c in run_checks(report)}
    b1 = by_key[("B1", "natural_person")]
    assert b1.status == "pass"
    assert b1.detail.startswith("自然人：本年新收 ")
    assert " = 办理结果总计 " in b1.detail and " + 结转下年 " in b1.detail
    assert not any(LATIN.search(c.detail) for c in by_key.values())


def test_legacy_fused_columns_read_by_the_narrative() -> None:
    report = parse_file(REPORTS / "pingtan" / "2012-county-004.txt")
    assert report.warnings[0] == (
        "统计表“主动公开信息数”：本年和历年累计两栏的数字连写为 20263542，"
        "正文写明本年为 2026条/件，据此读作本年 2026、历年累计 3542"
    )
