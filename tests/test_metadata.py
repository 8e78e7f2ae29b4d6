"""Metadata (title, issuer, scope, region, year, dates) on every bundled report.

The manifest (data/reports/manifest.csv) was written by hand while reading
each report; year, region and scope must agree with it for every file.
"""

from __future__ import annotations

import datetime as dt

import pytest
from docs_for_tests import doc_for, manifest

from loaders.metadata import Overrides, extract_metadata, scope_of
from loaders.model import Document, Paragraph, Region
from loaders.regions import describe, resolve_region

ROWS = manifest()
IDS = [r["file"] for r in ROWS]

# issuer_kind in the manifest → scope: every level of government is 'government'.
KIND_TO_SCOPE = {
    "government": "government",
    "prefecture": "government",
    "province": "government",
    "county": "government",
    "department": "department",
    "township": "township",
}


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_year_is_the_data_year(row: dict[str, str]) -> None:
    assert extract_metadata(doc_for(row["file"])).year == int(row["year"])


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_region_matches_manifest(row: dict[str, str]) -> None:
    region = extract_metadata(doc_for(row["file"])).region
    assert describe(region).replace(" ", "") == row["region"].replace(" ", "")


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_scope_matches_manifest_kind(row: dict[str, str]) -> None:
    assert extract_metadata(doc_for(row["file"])).scope == KIND_TO_SCOPE[row["issuer_kind"]]


@pytest.mark.parametrize("row", [r for r in ROWS if r["published"]], ids=lambda r: r["file"])
def test_published_matches_manifest(row: dict[str, str]) -> None:
    published = extract_metadata(doc_for(row["file"])).published
    assert published == dt.date.fromisoformat(row["published"])


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r["file"].startswith("pingtan/")], ids=lambda r: r["file"]
)
def test_pingtan_issuer_as_written(row: dict[str, str]) -> None:
    assert extract_metadata(doc_for(row["file"])).issuer == row["issuer"]


def test_seed_changchun_chaoyang_from_context() -> None:
    # No title, no page metadata; the text says 我区, 朝阳区政府, 长春市 and
    # 吉林省 — Changchun's 朝阳区, not Beijing's.
    meta = extract_metadata(doc_for("seed/000_082f890431297067.txt"))
    assert meta.region == Region(province="吉林省", city="长春市", county="朝阳区", code="220104")
    assert meta.issuer == "长春市朝阳区"
    assert meta.scope == "government"
    assert meta.year == 2016
    assert meta.title is None
    assert meta.published is None
    assert meta.warnings == (
        "所属地区按正文推定为吉林省 长春市 朝阳区",
        "正文未写明发布机关（只说“我区/本市”等），按所在地区推定为长春市朝阳区",
        "标题中没有报告年度，按正文中出现最多的年份推定为2016年",
        "网页信息和正文中都找不到报告标题，标题为空",
        "网页信息和正文中都找不到发布日期，发布日期为空",
    )


def test_pingtan_department_from_meta_title() -> None:
    meta = extract_metadata(doc_for("pingtan/2023-jjf-057.txt"))
    assert meta.title == "平潭综合实验区经济发展局2023年度政府信息公开工作年度报告"
    assert meta.issuer == "平潭综合实验区经济发展局"
    assert meta.scope == "department"
    assert meta.region == Region("福建省", "福州市", "平潭综合实验区", "350128")
    assert meta.year == 2023
    assert meta.published == dt.date(2024, 1, 30)
    assert meta.signed == dt.date(2024, 1, 29)
    assert meta.warnings == ()


def test_wrong_years_inside_the_text_do_not_matter() -> None:
    # 2022-lyy-070 says 编制完成2023年度…; 2025-czj-026 has 2024年制作… in its data.
    assert extract_metadata(doc_for("pingtan/2022-lyy-070.txt")).year == 2022
    assert extract_metadata(doc_for("pingtan/2025-czj-026.txt")).year == 2025


def test_titles_with_spaces_and_letters() -> None:
    shs = extract_metadata(doc_for("pingtan/2019-shs-088.txt"))
    assert shs.issuer == "平潭综合实验区社会事业局" and shs.year == 2019
    htp = extract_metadata(doc_for("pingtan/2021-htp-110.txt"))
    assert htp.title == "平潭综合实验区海坛片区管理局 关于2021年度政府信息公开工作年度报告"
    assert htp.issuer == "平潭综合实验区海坛片区管理局"
    assert htp.scope == "township"
    spp = extract_metadata(doc_for("pingtan/2020-spp-130.txt"))
    assert spp.issuer == "平潭综合实验区苏平片区管理局" and spp.year == 2020
    gaj = extract_metadata(doc_for("pingtan/2016-gaj-159.txt"))
    assert gaj.title == "关于报送《平潭综合实验区公安局2016年 政府信息公开工作情况》的函"
    assert gaj.issuer == "平潭综合实验区公安局"


def test_abbreviated_issuer_kept_region_from_text() -> None:
    meta = extract_metadata(doc_for("pingtan/2016-czj-158.txt"))
    assert meta.issuer == "财金局"
    assert meta.region.code == "350128"
    assert meta.warnings == ("所属地区按正文推定为福建省 福州市 平潭综合实验区",)


def test_bogus_publisher_is_ignored() -> None:
    # 发布机构 「桌面」, no signature: the title still names the issuer.
    meta = extract_metadata(doc_for("pingtan/2024-spp-134.txt"))
    assert doc_for("pingtan/2024-spp-134.txt").meta_value("发布机构") == "桌面"
    assert meta.issuer == "平潭综合实验区苏平片区管理局"


def test_chinese_numeral_signature_date() -> None:
    meta = extract_metadata(doc_for("pingtan/2014-zrz-186.txt"))
    assert meta.signed == dt.date(2014, 12, 20)
    assert meta.published == dt.date(2015, 3, 2)


def test_huaian_title_split_over_two_lines() -> None:
    meta = extract_metadata(doc_for("other/2024-001.txt"))
    assert meta.title == "淮安市人民政府2024 年政府信息公开工作年度报告"
    assert meta.issuer == "淮安市人民政府"
    assert meta.region == Region("江苏省", "淮安市", None, "320800")
    assert meta.year == 2024


def test_shanghai_html_issuer_after_year_and_publication_line() -> None:
    meta = extract_metadata(doc_for("other/2019-002.html"))
    assert meta.title == "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    assert meta.issuer == "上海市人民政府办公厅"
    assert meta.scope == "government"
    assert meta.region == Region("上海市", None, None, "310000")
    assert meta.published == dt.date(2020, 1, 31)


def test_publication_line_in_text_without_meta() -> None:
    doc = doc_for("other/2019-002.html")
    bare = Document(source=doc.source, media_type="html", blocks=doc.blocks)
    assert extract_metadata(bare).published == dt.date(2020, 1, 31)


def test_other_reports() -> None:
    suzhou = extract_metadata(doc_for("other/2016-013.txt"))
    assert suzhou.title == "宿州市人民政府2016年政府信息公开工作年度报告"
    taizhou = extract_metadata(doc_for("other/2017-014.txt"))
    assert taizhou.title == "泰州市人民政府2017年政府信息公开工作年度报告"
    assert taizhou.published == dt.date(2018, 2, 28)
    futian = extract_metadata(doc_for("other/2021-016.txt"))
    assert futian.issuer == "深圳市福田区集体经济发展服务署"
    assert futian.signed == dt.date(2022, 1, 11)
    erqi = extract_metadata(doc_for("other/2021-018.txt"))
    assert erqi.issuer == "二七区人民政府"  # from 请与二七区人民政府办公室联系
    assert erqi.title is None
    nanping = extract_metadata(doc_for("other/2012-011.txt"))
    assert nanping.issuer == "南平市人民政府信息公开工作领导小组办公室"
    assert nanping.year == 2012  # 统计时限自2012年1月1日


def test_traditional_characters_statistics_period() -> None:
    meta = extract_metadata(doc_for("other/2012-020.txt"))
    assert meta.year == 2012
    assert meta.region == Region("上海市", None, None, "310000")


def test_overrides_win() -> None:
    doc = doc_for("seed/000_082f890431297067.txt")
    meta = extract_metadata(
        doc,
        Overrides(
            title="朝阳区2016年政府信息公开工作年度报告",
            issuer="北京市朝阳区人民政府",
            city="北京市",
            county="朝阳区",
            year=2017,
            published=dt.date(2017, 3, 31),
        ),
    )
    assert meta.title == "朝阳区2016年政府信息公开工作年度报告"
    assert meta.issuer == "北京市朝阳区人民政府"
    assert meta.region == Region("北京市", "北京市", "朝阳区", "110105")
    assert meta.year == 2017
    assert meta.published == dt.date(2017, 3, 31)
    assert meta.warnings == ()


def test_nothing_found_gives_none_and_warnings() -> None:
    doc = Document(source="x.txt", media_type="text", blocks=(Paragraph("政府信息公开工作。"),))
    meta = extract_metadata(doc)
    assert (meta.title, meta.issuer, meta.year, meta.published) == (None, None, None, None)
    assert meta.scope == "other"
    assert meta.region == Region()
    assert meta.warnings == (
        "标题、落款和正文中都找不到发布机关，该报告的发布机关为空",
        "标题和正文中都找不到报告年度，该报告的年度为空",
        "网页信息和正文中都找不到报告标题，标题为空",
        "找不到报告所属地区（省、市、县），地区为空",
        "网页信息和正文中都找不到发布日期，发布日期为空",
    )


def test_ambiguous_county_without_context_warns() -> None:
    region, warnings = resolve_region(["朝阳区人民政府"], "")
    assert region == Region(county="朝阳区")
    assert len(warnings) == 1 and warnings[0].startswith("地区无法确定：“朝阳区”可能是")
    assert "（行政区划代码 110105）" in warnings[0] and "（行政区划代码 220104）" in warnings[0]


@pytest.mark.parametrize(
    ("issuer", "scope"),
    [
        ("平潭综合实验区", "government"),
        ("平潭综合实验区管委会", "government"),
        ("平潭县人民政府", "government"),
        ("上海市人民政府办公厅", "government"),
        ("平潭综合实验区管委会办公室", "department"),
        ("平潭综合实验区经济发展局", "department"),
        ("平潭综合实验区金井片区管理局", "township"),
        ("潭城镇人民政府", "township"),
        ("福田区集体经济发展服务署", "department"),
        ("阿城区机关后勤服务中心", "department"),
        (None, "other"),
    ],
)
def test_scope_of(issuer: str | None, scope: str) -> None:
    assert scope_of(issuer) == scope


def _doc(lines: list[str], meta: tuple[tuple[str, str], ...] = ()) -> Document:
    return Document(
        source="t.txt", media_type="text", blocks=tuple(Paragraph(t) for t in lines), meta=meta
    )


def test_chinese_numeral_year_in_title() -> None:
    doc = _doc(["南平市人民政府二○一二年政府信息公开工作年度报告", "本报告…"])
    meta = extract_metadata(doc)
    assert meta.year == 2012
    assert meta.issuer == "南平市人民政府"
    assert meta.region == Region("福建省", "南平市", None, "350700")


def test_statistics_period_gives_year_when_title_has_none() -> None:
    doc = _doc(["本报告中所列数据的统计期限自2019年1月1日起至2019年12月31日止。2020年将继续…"])
    meta = extract_metadata(doc)
    assert meta.year == 2019
    assert not any("推定为2019年" in w for w in meta.warnings)


def test_publication_date_meta_keys_and_signing_date() -> None:
    doc = _doc(
        ["宿州市人民政府2016年政府信息公开工作年度报告", "……。", "宿州市人民政府", "2017年3月20日"],
        meta=(("PubDate", "2017-03-31 10:00:00"),),
    )
    meta = extract_metadata(doc)
    assert meta.published == dt.date(2017, 3, 31)
    assert meta.signed == dt.date(2017, 3, 20)
    # The signing date is never taken as the publication date.
    unsigned = extract_metadata(
        _doc(["宿州市人民政府2016年政府信息公开工作年度报告", "宿州市人民政府", "2017年3月20日"])
    )
    assert unsigned.published is None
    assert unsigned.signed == dt.date(2017, 3, 20)


def test_print_line_is_not_a_signature() -> None:
    doc = _doc(["……年度报告正文。", "海坛片区管理局党政办公室 2022年1月7日印发"])
    assert extract_metadata(doc).signed is None
