"""Figures stated in the narrative, on real report sentences."""

from __future__ import annotations

import pytest
from docs_for_tests import doc_for, manifest

from loaders.catalog import metrics
from loaders.model import Fact, Section
from loaders.narrative import TEXT_METRICS, text_facts
from loaders.sections import split_sections


def _facts(name: str) -> tuple[dict[str, Fact], tuple[str, ...]]:
    facts, warnings = text_facts(split_sections(doc_for(name).text))
    by_metric = {f.metric: f for f in facts}
    assert len(by_metric) == len(facts), "one fact per metric"
    return by_metric, warnings


def _one(
    text: str, number: str = "一", title: str = "总体情况"
) -> tuple[tuple[Fact, ...], tuple[str, ...]]:
    return text_facts((Section(number=number, title=title, text=text, order=1),))


def test_seed() -> None:
    facts, warnings = _facts("seed/000_082f890431297067.txt")
    proactive = facts["text.proactive.items"]
    assert (proactive.value, proactive.raw, proactive.unit) == (3649, "3649条", "条")
    assert proactive.source == "text"
    assert proactive.location == "二、主动公开政府信息情况"
    assert proactive.evidence == (
        "(一)公开的主要内容区政府对政府信息进行了梳理和编目,2016年新增主动公开各类政府信息3649条。"
    )
    received = facts["text.requests.received"]
    assert (received.value, received.raw, received.unit) == (2, "2件", "件")
    assert received.evidence == "(一)申请情况2016年朝阳区政府共收到政府信息公开申请2件。"
    assert set(facts) == {"text.proactive.items", "text.requests.received"}
    assert warnings == ()


def test_huaian_pdf_text_with_spaces_and_line_breaks() -> None:
    facts, warnings = _facts("other/2024-001.txt")
    values = {code: (f.value, f.raw) for code, f in facts.items()}
    assert values == {
        "text.proactive.items": (5500, "5500余条"),
        "text.requests.received": (3119, "3119件"),
        "text.requests.closed": (3050, "3050件"),
        "text.review.total": (351, "351件"),
        "text.litigation.total": (46, "46件"),
        "text.fees.processing": (0.394, "3940元"),
    }
    assert facts["text.fees.processing"].unit == "万元"
    # 「答\n复 3050 件」: the line break inside 答复 is joined, spaces dropped.
    assert facts["text.requests.closed"].evidence.startswith(
        "2024年，全市共受理政府信息公开申请3119件，答复3050件（含上年度结转申请34件"
    )
    assert warnings == (
        "正文“一、总体情况”中主动公开政府信息数写作约数“5500余条”，按下限 5500 记录",
    )


def test_条_used_for_件_2023_jjf() -> None:
    facts, warnings = _facts("pingtan/2023-jjf-057.txt")
    received = facts["text.requests.received"]
    assert (received.value, received.raw, received.unit) == (0, "0条", "件")
    assert received.evidence == "2023年，共收到政府信息公开申请0条。"
    assert received.location == "三、收到和处理政府信息公开申请情况"
    assert facts["text.proactive.items"].value == 128
    assert warnings == ()


def test_no_processing_fee_stated_explicitly() -> None:
    facts, _ = _facts("pingtan/2021-hzs-048.txt")
    fee = facts["text.fees.processing"]
    assert (fee.value, fee.raw, fee.unit) == (0, "没有产生信息公开处理费", "万元")
    assert fee.location == "六、其他需要报告的事项"
    facts, _ = _facts("pingtan/2023-shs-092.txt")
    assert facts["text.fees.processing"].evidence == "2023年度我局未产生信息公开处理费。"


def test_fee_mentioned_without_saying_none_gives_no_fact() -> None:
    # 「…严格按照…（国办函〔2020〕109号）收取信息处理费。」 says how, not how much.
    facts, _ = _facts("pingtan/2024-scj-086.txt")
    assert "text.fees.processing" not in facts


def test_subtotals_and_categories_are_not_the_total() -> None:
    # 「其中，区直、县直各单位主动公开政府信息1397条」 and 「其他应主动公开政府信息…」.
    assert _facts("pingtan/2012-main-005.txt")[0]["text.proactive.items"].value == 1913
    assert _facts("pingtan/2019-main-001.txt")[0]["text.proactive.items"].value == 2599
    assert _facts("pingtan/2020-lyy-068.txt")[0]["text.proactive.items"].value == 598


def test_running_totals_are_skipped() -> None:
    # 「2020年我局主动公开信息141条，历年累计主动公开191条。」
    facts, _ = _facts("pingtan/2020-spp-130.txt")
    assert facts["text.proactive.items"].value == 141
    # 「我局至2013年12月31日主动公开政府信息128条」 is cumulative.
    assert "text.proactive.items" not in _facts("pingtan/2013-jjf-192.txt")[0]


def test_licensing_window_applications_are_not_information_requests() -> None:
    # 「…开设窗口26个，共受理申请121510件。」
    assert "text.requests.received" not in _facts("pingtan/2014-main-009.txt")[0]


def test_conflicting_figures_give_none_with_warning() -> None:
    # 2013-shs-204 (a copy of another report) says 43条 in one place, 33条 in another.
    facts, warnings = _facts("pingtan/2013-shs-204.txt")
    fact = facts["text.proactive.items"]
    assert (fact.value, fact.raw) == (None, "")
    assert len(warnings) == 1
    assert warnings[0].startswith("正文对主动公开政府信息数给出不同的数字：43条（")
    assert "；33条（" in warnings[0]
    assert warnings[0].endswith("无法确定取哪个，该项留空并标记为存疑")


def test_two_figures_in_one_sentence() -> None:
    facts, warnings = _one("2025年度门户网站全年公开政府信息181条，官方微信全年公开政府信息365条。")
    assert [(f.metric, f.value) for f in facts] == [("text.proactive.items", None)]
    assert warnings[0].startswith(
        "正文“一、总体情况”的同一句话给出主动公开政府信息数的两个数字 181条和365条，"
        "无法确定取哪个，该项留空并标记为存疑。原句：2025年度门户网站"
    )


def test_staff_total_and_split() -> None:
    facts, warnings = _facts("pingtan/2018-zhz-145.txt")
    assert (facts["text.staff"].value, facts["text.staff"].unit) == (8, "人")
    # 专职1名、兼职1名 without a total: not 1.
    facts, warnings = _facts("pingtan/2020-jsp-123.txt")
    assert facts["text.staff"].value is None
    assert any("给出政府信息公开工作人员数的两个数字 1名和1名" in w for w in warnings)


@pytest.mark.parametrize(
    ("sentence", "metric", "value", "raw"),
    [
        ("2024年主动公开政府信息10万余条。", "text.proactive.items", 100000, "10万余条"),
        ("全年收取信息处理费共计1.2万元。", "text.fees.processing", 1.2, "1.2万元"),
        ("安排政府信息公开专项经费5万元。", "text.funding", 5, "5万元"),
        ("办公室配备工作人员3名。", "text.staff", 3, "3名"),
        ("本年度共受理2件政府信息公开申请。", "text.requests.received", 2, "2件"),
        (
            "收到公民、法人和其他组织政府信息公开申请7件，及时规范答复7件。",
            "text.requests.closed",
            7,
            "7件",
        ),
        ("因依申请公开引发行政复议1起、行政诉讼1起。", "text.litigation.total", 1, "1起"),
    ],
)
def test_sentence_forms(sentence: str, metric: str, value: float, raw: str) -> None:
    facts, _ = _one(sentence)
    fact = {f.metric: f for f in facts}[metric]
    assert (fact.value, fact.raw) == (pytest.approx(value), raw)


def test_outcome_answers_are_not_all_answers() -> None:
    facts, _ = _one("共受理政府信息公开申请21件，给予同意公开答复1件，因无法提供相关信息答复2件。")
    assert {f.metric: f.value for f in facts} == {"text.requests.received": 21}


def test_other_year_sentences_are_skipped() -> None:
    sections = (
        Section(
            "一", "总体情况", "2023年，主动公开政府信息128条。2022年，主动公开政府信息99条。", 1
        ),
    )
    facts, warnings = text_facts(sections)
    assert [(f.metric, f.value) for f in facts] == [("text.proactive.items", 128)]
    assert warnings == ()


def test_no_sections_no_facts() -> None:
    assert text_facts(()) == ((), ())


def test_text_metrics_are_new_codes() -> None:
    codes = [code for code, _, _ in TEXT_METRICS]
    assert all(c.startswith("text.") for c in codes)
    # Table metric codes are never reused for text figures.
    assert not set(codes) & {c for c in metrics() if not c.startswith("text.")}


def test_every_report_yields_only_text_metrics() -> None:
    known = {code: unit for code, _, unit in TEXT_METRICS}
    for row in manifest():
        facts, _ = text_facts(split_sections(doc_for(row["file"]).text))
        for f in facts:
            assert f.source == "text" and f.applicant is None
            assert known[f.metric] == f.unit
            assert f.evidence and f.location


def test_report_year_can_be_given() -> None:
    sections = (Section("一", "总体情况", "2022年，主动公开政府信息99条。", 1),)
    assert [f.value for f in text_facts(sections)[0]] == [99]
    assert text_facts(sections, year=2023) == ((), ())


@pytest.mark.parametrize(
    ("sentence", "metric", "value", "raw"),
    [
        # other/2019-002 (上海市政府办公厅 2019): 政府信息公开申请 after 答复.
        (
            "答复政府信息公开申请805件（含上年度结转申请18件，另有72件申请按照《条例》顺延到下年度答复），"
            "均在法定期限内予以答复。",
            "text.requests.closed",
            805,
            "805件",
        ),
        # same report: 诉讼 right after 行政复议, 行政 not repeated.
        (
            "信息公开类行政复议7件，诉讼9件，均获维持，继续保持了省级政府零败诉的记录。",
            "text.litigation.total",
            9,
            "9件",
        ),
        # pingtan/2012-county-004: 答复总数 names the metric.
        (
            "对依申请公开的答复总数21条，其中同意公开答复数17条，其它公开答复数2条，免于公开答复数2条；",
            "text.requests.closed",
            21,
            "21条",
        ),
        # pingtan/2013-gaj-189: 公开政府信息申请.
        ("2013年，共收到公民提出的公开政府信息申请2条。", "text.requests.received", 2, "2条"),
        # pingtan/2017-czj-147: the count word 项, 有关…的申请.
        (
            "2017年我局收到1项有关政府信息公开的申请，未收到有关政府信息公开行政复议申请。",
            "text.requests.received",
            1,
            "1项",
        ),
        # pingtan/2017-scj-154: 受理依申请公开的数量为 (历年累计 is skipped).
        (
            "（一）受理依申请公开的数量2017年度，我局受理依申请公开的数量为5条，"
            "历年累计受理依申请公开数5条。",
            "text.requests.received",
            5,
            "5条",
        ),
        # same report: 已答复件数.
        (
            "（二）依申请公开办理情况2017年度，已答复件数5件，已答复中“同意公开”的件数为2件，"
            "“部分公开”的件数为0件，“不予公开”的件数1件。",
            "text.requests.closed",
            5,
            "5件",
        ),
        # pingtan/2017-zrz-157: 受理依申请公开 + number, and number first.
        (
            "（一）受理依申请公开的数量2017年我局受理依申请公开14件，其中当面申请1件、网上申请2件、"
            "信函传真申请11件。",
            "text.requests.received",
            14,
            "14件",
        ),
        (
            "（二）依申请公开办理情况2017年我局受理的14件依申请公开全都按规定进行了并建立了政府信息依申请公开档案。",
            "text.requests.received",
            14,
            "14件",
        ),
        # pingtan/2018-jtj-141: 收到依申请公开信息.
        ("（一）2018年度共收到依申请公开信息1件。", "text.requests.received", 1, "1件"),
        # pingtan/2025-shs-094.
        (
            "全年受理依申请公开3件，均在法定时限内办结。",
            "text.requests.received",
            3,
            "3件",
        ),
    ],
)
def test_request_and_litigation_wordings(
    sentence: str, metric: str, value: float, raw: str
) -> None:
    facts, warnings = _one(sentence)
    fact = {f.metric: f for f in facts}[metric]
    assert (fact.value, fact.raw, fact.unit) == (value, raw, "件")
    assert warnings == ()


def test_outcome_counts_and_channels_are_not_totals() -> None:
    # 「已答复中“同意公开”的件数为2件」 and 「依申请公开政府信息5条」 (items, no
    # 收到/受理) are not request totals; 「民事诉讼3件」 is not 行政诉讼.
    facts, _ = _one(
        "已答复中“同意公开”的件数为2件。依申请公开政府信息5条。法律顾问代理民事诉讼3件，行政复议2件。"
    )
    assert {f.metric: f.value for f in facts} == {"text.review.total": 2}


def test_two_different_request_counts_2018_zrz() -> None:
    # 「2018年我局受理依申请公开11件」 and 「2018年我局受理的14件依申请公开」
    # (the table says 13): one fact, None, and a warning naming both.
    facts, warnings = _facts("pingtan/2018-zrz-146.txt")
    fact = facts["text.requests.received"]
    assert (fact.value, fact.raw) == (None, "")
    about = [w for w in warnings if "收到（受理）政府信息公开申请数" in w]
    assert len(about) == 1
    assert about[0].startswith("正文对收到（受理）政府信息公开申请数给出不同的数字：11件（")
    assert "；14件（" in about[0]


@pytest.mark.parametrize(
    ("sentence", "value", "raw"),
    [
        # pingtan/2023-jsp-126: 信息数 right before the number.
        (
            "全年主动公开信息数160条，其中机关职能类信息13条，行政许可类信息4条；",
            160,
            "160条",
        ),
        # pingtan/2023-zrz-106: word order 政府信息主动公开.
        (
            "全年政府信息主动公开52条，其中政策及规范性文件类3条，"
            "国土资源城乡建设环保能源类信息 45，其他类4条。",
            52,
            "52条",
        ),
        # pingtan/2025-jjp-121: the report year's own 累计.
        (
            "2025年累计主动公开政府信息20条，其中监督检查情况8条，其他应主动公开的政府信息12条。",
            20,
            "20条",
        ),
        # pingtan/2025-lyy-073: an enumeration ending in 等 after 主动公开.
        ("全年主动公开行政许可、行政处罚等各类政府信息80条。", 80, "80条"),
    ],
)
def test_proactive_wordings(sentence: str, value: float, raw: str) -> None:
    facts, warnings = text_facts(
        (Section("一", "总体情况", sentence, 1),), year=2025 if "2025" in sentence else 2023
    )
    fact = {f.metric: f for f in facts}["text.proactive.items"]
    assert (fact.value, fact.raw) == (value, raw)
    assert warnings == ()


def test_proactive_parts_and_other_years_are_not_totals() -> None:
    # 2024-shs-093: 「其中主动公开信息数99条」 is a part of 公文类 documents;
    # 2011-main-002: 「公开办主动公开信息数为62条」 is one office; 2024年累计 in a
    # 2025 report is another period.
    sentences = (
        "全年印发公文类政府信息共432条，其中主动公开信息数99条，依申请公开信息数311条。",
        "在互联网上，2025年区管委会、县政府公开办主动公开信息数为62条。",
        "2024年累计主动公开政府信息30条。",
    )
    for s in sentences:
        assert text_facts((Section("一", "总体情况", s, 1),), year=2025) == ((), ()), s


def test_items_of_a_list_after_a_total_are_parts() -> None:
    # pingtan/2021-htp-110: 「…公开政府信息267条，信息类别包括…4条；…；在…专栏公开
    # 信息83条。」: the ；-separated items are parts of 267, not a second total.
    facts, warnings = _facts("pingtan/2021-htp-110.txt")
    assert (facts["text.proactive.items"].value, facts["text.proactive.items"].raw) == (
        267,
        "267条",
    )
    assert not any("主动公开政府信息数" in w for w in warnings)
    # A list ends at 。: a later total in its own sentence still conflicts.
    facts, warnings = _one(
        "2023年公开政府信息26条，其中规划类2条；其他类24条。2023年在专栏公开信息83条。"
    )
    assert [(f.metric, f.value) for f in facts] == [("text.proactive.items", None)]


def test_no_fee_charged_to_the_applicant_2025_shs() -> None:
    facts, _ = _one("2025年度我局无向申请人收取政府信息公开费用的情况。")
    fee = {f.metric: f for f in facts}["text.fees.processing"]
    assert (fee.value, fee.raw, fee.unit) == (0, "无向申请人收取政府信息公开费用", "万元")
    # A policy (不收取费用) is not this year's fee.
    assert _one("本机关依申请提供政府信息，不收取费用。") == ((), ())


@pytest.mark.parametrize(
    ("sentence", "metric", "value", "raw"),
    [
        # pingtan/2019-hzs-046 (the same in 2020-hzs-047, 2021-hzs-048).
        ("收到申请公开政府信息的要求1件，完成答复。", "text.requests.received", 1, "1件"),
        # pingtan/2023-jjp-119.
        ("本年度收到依申请公开事项1项。", "text.requests.received", 1, "1项"),
        # pingtan/2024-czj-025: 网站上…申请件 N件; 办结依申请 N件.
        (
            "2024年我局共收到政府网站上政府信息公开申请件2件，办结依申请2件，其中公开答复1件，"
            "无法提供1件 。",
            "text.requests.received",
            2,
            "2件",
        ),
        (
            "2024年我局共收到政府网站上政府信息公开申请件2件，办结依申请2件，其中公开答复1件，"
            "无法提供1件 。",
            "text.requests.closed",
            2,
            "2件",
        ),
        # pingtan/2024-gaj-031: a longer description of the requests.
        (
            "2024年，我局收到群众通过邮寄、网络提交的各类政府信息公开申请共计8件。",
            "text.requests.received",
            8,
            "8件",
        ),
        # pingtan/2023-main-017.
        (
            "办结依申请公开81件，其中：予以公开及部分公开42件，占51.85%；",
            "text.requests.closed",
            81,
            "81件",
        ),
        # pingtan/2025-jtj-066: the body (我局) between the year and 办结.
        (
            "全年我局依法办结政府信息公开申请21件，其中网络申请数11件，信函申请数10件。",
            "text.requests.closed",
            21,
            "21件",
        ),
        # pingtan/2020-spp-130: number first, and 「N件均已及时答复」.
        (
            "从严把控依申请公开答复工作，今年我局共受理办结2件依申请公开信息，并依法依规完成答复。",
            "text.requests.closed",
            2,
            "2件",
        ),
        (
            "2.对申请的办理情况：2件均已及时答复，其中同意公开信息数2件。",
            "text.requests.closed",
            2,
            "2件",
        ),
    ],
)
def test_more_request_wordings(sentence: str, metric: str, value: float, raw: str) -> None:
    facts, warnings = text_facts((Section("一", "总体情况", sentence, 1),), year=2024)
    fact = {f.metric: f for f in facts}[metric]
    assert (fact.value, fact.raw, fact.unit) == (value, raw, "件")
    assert warnings == ()


@pytest.mark.parametrize(
    ("sentence", "value", "raw"),
    [
        # pingtan/2021-main-015: whose information, between 主动公开 and 政府信息.
        ("全年主动公开我区各级单位政府信息2645条，主要通过政府网站进行公开。", 2645, "2645条"),
        # pingtan/2022-gaj-030.
        ("全年累计主动公开公安政府信息179条，全文电子化达100%。", 179, "179条"),
        # pingtan/2025-hzs-052: a comma between the report year and 累计.
        ("2024年，累计主动公开政府信息251条。", 251, "251条"),
        # pingtan/2019-shs-088: 信息数为.
        (
            "经统计，2024年全年我局主动公开信息数为140条，其中包括规范性文件信息数3条。",
            140,
            "140条",
        ),
    ],
)
def test_more_proactive_wordings(sentence: str, value: float, raw: str) -> None:
    facts, warnings = text_facts((Section("一", "总体情况", sentence, 1),), year=2024)
    fact = {f.metric: f for f in facts}["text.proactive.items"]
    assert (fact.value, fact.raw) == (value, raw)
    assert warnings == ()


def test_kinds_and_parts_between_主动公开_and_信息_are_not_totals() -> None:
    # 2020-jjp-116 「法律、法规…应当主动公开的其他政府信息2条」, 2018-jjf-140
    # 「主动公开和依申请公开的政府信息共468条」, 2018-czj-136 「在主动公开的138条政府
    # 信息中，全文电子化的主动公开信息数共138条，…其他主动公开的政府信息24条」,
    # 2025-spp-135 「通过…门户网站累计主动公开政府信息13条」 (累计 of no stated year).
    sentences = (
        "全年公开公文类政府信息共152条，其中应当主动公开的其他政府信息2条。",
        "主动公开和依申请公开的政府信息共468条，占全部信息的89.48%。",
        "在主动公开的138条政府信息中，全文电子化的主动公开信息数共138条，"
        "工作进展动态和其他主动公开的政府信息24条。",
        "通过门户网站累计主动公开政府信息13条。",
        "2023年累计主动公开政府信息13条。",
    )
    for s in sentences:
        assert text_facts((Section("一", "总体情况", s, 1),), year=2024) == ((), ()), s


def test_list_items_after_a_total_without_包括_2024_htp() -> None:
    # 「…公开政府信息共计128条，财政预算、决算信息1条，…7条；在…专栏公开信息113条。」
    facts, warnings = _one(
        "2024年在门户网站公开政府信息共计128条，财政预算、决算信息1条，国土资源、环境保护、"
        "城乡建设类信息5条，应急预案类信息2条，其他应主动公开的政府信息7条；"
        "在“基层政务公开标准化规范化建设”专题专栏公开信息113条。"
    )
    assert [(f.metric, f.value, f.raw) for f in facts] == [("text.proactive.items", 128, "128条")]
    assert warnings == ()


def test_staff_number_first_when_they_do_the_disclosure_work() -> None:
    # 2018-jtj-141 and 2019-jtj-060: 「…2名工作人员从事政府信息公开工作。」
    for name in ("pingtan/2018-jtj-141.txt", "pingtan/2019-jtj-060.txt"):
        facts, _ = _facts(name)
        assert facts["text.staff"].value == 2
        assert facts["text.staff"].raw == "2名"
    sections = (Section("一", "概述", "本局共有干部职工45名人员负责后勤保障工作。", 1),)
    found, _ = text_facts(sections, 2018)
    assert not [f for f in found if f.metric == "text.staff"]
