"""Top-level narrative sections on real reports."""

from __future__ import annotations

import pytest
from docs_for_tests import doc_for, manifest

from loaders.model import Section
from loaders.sections import numeral_value, split_sections, subsections


def _outline(name: str) -> list[tuple[str, str]]:
    return [(s.number, s.title) for s in split_sections(doc_for(name).text)]


def test_seed_has_eight_sections_from_overview_to_appendix() -> None:
    sections = split_sections(doc_for("seed/000_082f890431297067.txt").text)
    assert [(s.number, s.title) for s in sections] == [
        ("一", "概述"),
        ("二", "主动公开政府信息情况"),
        ("三", "依申请公开政府信息、不予公开政府信息情况"),
        ("四", "申请行政复议、提起行政诉讼和申诉的情况"),
        ("五", "政府信息公开收费及减免情况"),
        ("六", "政府信息公开工作中存在的主要问题及改进情况"),
        ("七", "其他事项"),
        ("八", "附表"),
    ]
    assert [s.order for s in sections] == list(range(8))
    assert sections[6].text == "无。"
    assert sections[2].text.startswith("(一)申请情况\n2016年朝阳区政府共收到政府信息公开申请2件。")
    # The appendix table rows 「一、主动公开情况 |」… 「九、…」 stay in 八、附表.
    assert "九、政府信息公开会议和培训情况 |" in sections[7].text


def test_run_together_dump_2019_main() -> None:
    # Whole report on one line; 三、 follows a table cell (…元三、收到…), the
    # table row labels 一、本年新收… 四、结转下年度… are not sections.
    assert _outline("pingtan/2019-main-001.txt") == [
        ("", ""),
        ("一", "总体情况"),
        ("二", "主动公开政府信息情况"),
        ("三", "收到和处理政府信息公开申请情况"),
        ("四", "政府信息公开行政复议、行政诉讼情况"),
        ("五", "存在的主要问题及改进情况"),
        ("六", "其他需要报告的事项"),
    ]


def test_heading_glued_to_body_2023_jjf() -> None:
    sections = split_sections(doc_for("pingtan/2023-jjf-057.txt").text)
    assert [s.number for s in sections] == ["", "一", "二", "三", "四", "五", "六"]
    assert sections[0].text.startswith("根据《中华人民共和国政府信息公开条例》")
    assert sections[0].text.endswith("电话：0591-23157117）。")
    assert sections[3].title == "收到和处理政府信息公开申请情况"
    assert sections[3].text.startswith("2023年，共收到政府信息公开申请0条。")
    assert sections[3].text.endswith("四、结转下年度继续办理0000000")
    assert sections[4].title == "政府信息公开行政复议与行政诉讼情况"
    assert sections[6].text == "无。 平潭综合实验区经济发展局2024年1月29日"


def test_举一反三_is_not_a_heading() -> None:
    # 「…举一反三、常态长效管控…」 inside section 一 of 2022-jjf-056.
    sections = split_sections(doc_for("pingtan/2022-jjf-056.txt").text)
    assert [s.number for s in sections] == ["", "一", "二", "三", "四", "五", "六"]
    assert "举一反三、常态长效管控" in sections[1].text


def test_non_standard_order_2025_jjp() -> None:
    assert _outline("pingtan/2025-jjp-121.txt")[1:] == [
        ("一", "总体情况"),
        ("二", "主动公开政府信息情况"),
        ("三", "收到和处理政府信息公开申请情况"),
        ("四", "政府信息公开行政复议、行政诉讼情况"),
        ("五", "信息处理费收取情况"),
        ("六", "存在的主要问题及改进措施"),
    ]


def test_seven_sections_2025_jsp() -> None:
    assert _outline("pingtan/2025-jsp-128.txt")[1:] == [
        ("一", "年度工作核心成效"),
        ("二", "主动公开政府信息情况"),
        ("三", "收到和处理政府信息公开申请情况"),
        ("四", "政府信息公开行政复议、行政诉讼情况"),
        ("五", "当前存在的突出问题"),
        ("六", "下一步改进举措"),
        ("七", "其他需说明事项"),
    ]


def test_broken_numbering_is_kept_as_written_2014_gwh() -> None:
    assert _outline("pingtan/2014-gwh-181.txt")[1:] == [
        ("一", "概述"),
        ("一", "主动公开政府信息情况"),
        ("三", "政府信息依申请公开工作情况"),
        ("四", "政府信息公开的收费及减免情况"),
        ("五", "主要问题和改进措施"),
    ]


def test_jump_to_appendix_2018_czj() -> None:
    # 一…四 then 七、附表 (the report says 五个部分).
    assert [n for n, _ in _outline("pingtan/2018-czj-136.txt")] == [
        "",
        "一",
        "二",
        "三",
        "四",
        "七",
    ]


def test_heading_without_separator_2020_jjp() -> None:
    # 「一总体情况2020年，…」 (the 、 is missing in the source).
    assert _outline("pingtan/2020-jjp-116.txt")[1] == ("一", "总体情况")


def test_shanghai_html_paragraph_headings() -> None:
    sections = split_sections(doc_for("other/2019-002.html").text)
    assert [(s.number, s.title) for s in sections][1:] == [
        ("一", "总体情况"),
        ("二", "主动公开政府信息情况"),
        ("三", "收到和处理政府信息公开申请情况"),
        ("四", "政府信息公开行政复议、行政诉讼情况"),
        ("五", "政府信息公开工作存在的主要问题及改进情况"),
        ("六", "其他需要报告的事项"),
    ]
    assert sections[0].text.startswith(
        "2019年上海市人民政府办公厅政府信息公开工作年度报告\n发布日期"
    )


def test_huaian_pdf_text() -> None:
    sections = split_sections(doc_for("other/2024-001.txt").text)
    assert [s.number for s in sections] == ["", "一", "二", "三", "四", "五", "六"]
    assert sections[0].text.startswith("淮安市人民政府\n2024 年政府信息公开工作年度报告")
    # Page footers are dropped; line breaks inside sentences stay.
    assert all("- 2 -" not in s.text for s in sections)
    assert sections[6].text == (
        "2024 年，市政府严格落实《政府信息公开信息处理费管理\n"
        "办法》，全年收取政府信息公开信息处理费 3940 元。"
    )
    # 「三、\n本\n年\n度\n办…」 of the table is not a section.
    assert sections[3].title == "收到和处理政府信息公开申请情况"


def test_empty_headings_follow_each_other_2021_016() -> None:
    sections = split_sections(doc_for("other/2021-016.txt").text)
    texts = {s.number: s.text for s in sections}
    assert texts["二"] == texts["三"] == texts["四"] == ""
    assert texts["五"].startswith("我署政府信息公开工作,主要存在问题:")
    assert "福田区集体经济发展服务署" in texts["六"]


def test_table_of_contents_line_is_preamble_2012_020() -> None:
    sections = split_sections(doc_for("other/2012-020.txt").text)
    assert [s.number for s in sections] == ["", "一"]
    assert sections[0].text.startswith("一、概述,(一)注重重點推進")
    assert sections[1].text.startswith("2012年度報告根據")


def test_no_headings_gives_one_preamble() -> None:
    sections = split_sections(doc_for("pingtan/2020-gaj-028.txt").text)
    assert len(sections) == 1 and sections[0].number == ""
    assert split_sections("") == ()


def test_subsections_of_pingtan_overview() -> None:
    overview = split_sections(doc_for("pingtan/2023-jjf-057.txt").text)[1]
    subs = subsections(overview)
    assert [(n, t) for n, t, _ in subs] == [
        ("", ""),
        ("一", "政府信息管理方面"),
        ("二", "信息公开平台建设方面"),
        ("三", "监督保障方面"),
    ]
    assert subs[1][2].startswith("一是不断强化组织领导。")


def test_subsections_ignore_article_references() -> None:
    section = Section(
        number="二", title="", text="（一）公开情况。第（八）项收费0（二）其他。无", order=1
    )
    assert subsections(section) == (
        ("一", "公开情况", "第（八）项收费0"),
        ("二", "其他", "无"),
    )


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一", 1), ("九", 9), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("三三", None)],
)
def test_numeral_value(numeral: str, value: int | None) -> None:
    assert numeral_value(numeral) == value


def test_every_bundled_report_splits_in_increasing_order() -> None:
    for row in manifest():
        sections = split_sections(doc_for(row["file"]).text)
        numbers = [numeral_value(s.number) for s in sections if s.number]
        assert numbers == sorted(numbers), row["file"]
        assert [s.order for s in sections] == list(range(len(sections)))


def test_known_title_continued_by_a_conjunction() -> None:
    # 「六、需要说明的其他事项与附表 （一）本年度无其他事项需说明。」: the known
    # title 需要说明的其他事项 does not cut off 与附表.
    sections = split_sections(doc_for("pingtan/2017-nyn-153.txt").text)
    assert sections[-1].title == "需要说明的其他事项与附表"
    assert sections[-1].text.startswith("（一）本年度无其他事项需说明。")
    # Glued to the body: 「六、需要说明的其他事项与附表按照《国务院办公厅…」.
    sections = split_sections(doc_for("pingtan/2023-nyn-078.txt").text)
    assert sections[-1].title == "需要说明的其他事项与附表"
    assert sections[-1].text.startswith("按照《国务院办公厅关于印发")


def test_short_heading_title_kept_whole_up_to_a_space() -> None:
    # 「六、平潭综合实验区政府信息公开情况统计表 指标名称 计量单位…」: the title
    # ends at the space, not at the first 情况.
    sections = split_sections(doc_for("pingtan/2014-main-009.txt").text)
    assert (sections[-1].number, sections[-1].title) == (
        "六",
        "平潭综合实验区政府信息公开情况统计表",
    )
    assert sections[-1].text.startswith("指标名称 计量单位")


def test_glued_title_is_still_cut_at_its_ending_word() -> None:
    # Prose glued to the title and ending in 情况 before a space is body text;
    # a short line ending like a title is the title as written.
    sections = split_sections(
        "一、基本情况我局高度重视此项工作的开展情况 全年无申请。\n"
        "二、工作开展情况与成效\n我局按时发布。\n三、政府信息公开情况统计表\n指标名称"
    )
    assert [(s.number, s.title) for s in sections] == [
        ("一", "基本情况"),
        ("二", "工作开展情况与成效"),
        ("三", "政府信息公开情况统计表"),
    ]
    assert sections[0].text == "我局高度重视此项工作的开展情况 全年无申请。"
