"""Format recognition over every bundled report (data/reports/manifest.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from loaders.formats import detect_format
from loaders.readers import load
from loaders.tables_legacy import parse_legacy_tables

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "data" / "reports"
BODY_MARK = "==================== 正文 ===================="

with open(REPORTS / "manifest.csv", encoding="utf-8", newline="") as _f:
    MANIFEST = list(csv.DictReader(_f))

# Where the manifest says "narrative" but the page text prints the statistics table
# with its values. All have the header “指 标 名 称” with spaces between the
# characters (or “单位 数量” without 计量单位); the manifest's label looks like a
# literal match on “指标名称/计量单位” that missed them. The values quoted are in
# the files, and several are cited by the manifest's own notes (“table shows 受理申请
# 1 (信函1)”, “累计 257 in text vs 256 in table”, “答复总数 3 in table”).
MANIFEST_CORRECTIONS: dict[str, str] = {
    "pingtan/2018-gaj-137.txt": "主动公开信息数条1811568 … 3.信函申请数条13 (header says 2017年度)",
    "pingtan/2018-hzs-139.txt": "主动公开文件数条7262964 … 行政诉讼数条00",
    "pingtan/2018-nyn-142.txt": "主动公开文件数条68181 … 2.同意部分公开答复数条01",
    "pingtan/2018-zhz-145.txt": "主动公开文件数 条 51 256 … 行政诉讼数 件 0 0",
    "pingtan/2017-hzs-150.txt": "主动公开文件数条7392238 …",
    "pingtan/2017-nyn-153.txt": "主动公开文件数条10774 … 受理政府信息公开申请总数条10",
    "pingtan/2016-gaj-159.txt": "主动公开信息数条2071223 …",
    "pingtan/2016-nyn-164.txt": "主动公开文件数条740 …",
    "pingtan/2016-scj-165.txt": "主动公开文件数 条 201 370 …",
    "pingtan/2015-gaj-170.txt": "主动公开信息数条2111016 … 受理政府信息公开申请总数条03",
    "pingtan/2014-gaj-180.txt": "主动公开信息数 条 360 805 … (truncated after 不予公开答复数)",
    "pingtan/2013-czj-187.txt": "older form: 主动公开信息数条32 正式受理政府信息公开申请数件0 …",
    "pingtan/2013-czj-188.txt": "older form: 主动公开信息数条26 …",
    "pingtan/2013-gaj-189.txt": "主动公开信息数 条 235 440 … 对申请的答复总数 条 3 3",
    "pingtan/2013-gwh-190.txt": "older form: 主动公开信息数 条 21 …",
}


def linear_text(path: Path) -> str:
    """What the parser sees: the body of a text dump, or a reader's linear()."""
    if path.suffix == ".txt":
        text = path.read_text(encoding="utf-8")
        _, mark, rest = text.partition(BODY_MARK)
        return rest if mark else text
    return load(path).linear()


def expected_format(row: dict[str, str]) -> str:
    return "legacy" if row["file"] in MANIFEST_CORRECTIONS else row["format"]


def test_manifest_has_every_file() -> None:
    assert len(MANIFEST) == 219
    assert set(MANIFEST_CORRECTIONS) <= {r["file"] for r in MANIFEST}
    for name in MANIFEST_CORRECTIONS:
        row = next(r for r in MANIFEST if r["file"] == name)
        assert row["format"] == "narrative"  # still the manifest's label: report it


@pytest.mark.parametrize("row", MANIFEST, ids=[r["file"] for r in MANIFEST])
def test_detect_format_matches_manifest(row: dict[str, str]) -> None:
    assert detect_format(linear_text(REPORTS / row["file"])) == expected_format(row)


@pytest.mark.parametrize("name", sorted(MANIFEST_CORRECTIONS))
def test_corrected_files_really_print_a_table(name: str) -> None:
    facts, _ = parse_legacy_tables(linear_text(REPORTS / name))
    written = [f for f in facts if f.raw != ""]
    assert len(written) >= 10
    assert facts[0].metric == "legacy.proactive.total"


def test_table_b_decides_2021_over_2019_table_a() -> None:
    # 2021-shs-090 still prints the 2019 Table A headers (上一年项目数量/本年增减)
    text = linear_text(REPORTS / "pingtan" / "2021-shs-090.txt")
    assert "本年新制作数量" in text.replace(" ", "")
    assert detect_format(text) == "gov2021"
    # 2020-nyn-075 prints the 2019 layout
    assert detect_format(linear_text(REPORTS / "pingtan" / "2020-nyn-075.txt")) == "gov2019"


def test_mentioned_but_absent_table_is_narrative() -> None:
    for name in ("pingtan/2017-jtj-151.txt", "pingtan/2015-shs-176.txt"):
        text = linear_text(REPORTS / name)
        assert "统计表" in text
        assert detect_format(text) == "narrative"


def test_spaces_inside_labels_are_tolerated() -> None:
    text = linear_text(REPORTS / "pingtan" / "2021-main-015.txt")
    spaced = text
    for word in ("本年制发件数", "本年废止件数", "本年收费金额", "逾期不补正"):
        assert word in spaced
        spaced = spaced.replace(word, " ".join(word))
    assert detect_format(spaced) == "gov2021"


def test_html_and_pdf_reports() -> None:
    assert detect_format(linear_text(REPORTS / "other" / "2019-002.html")) == "gov2019"
    assert detect_format(linear_text(REPORTS / "other" / "2024-huaian-szfgs2024.pdf")) == "gov2021"
