"""D1, D2, F1, F2, S1, V2 on real reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from loaders.model import Fact
from nianbao.evaluate.completeness import check_sections
from nianbao.evaluate.conformity import check_format, check_template_rows
from nianbao.evaluate.plausibility import check_all_zero
from nianbao.evaluate.timeliness import check_missing_years, check_timeliness, deadline
from tests.test_evaluate_build import body_reports, report

# --- D1 -----------------------------------------------------------------------------


def test_department_report_published_in_april_is_late_under_the_2019_rules() -> None:
    r = check_timeliness(report("pingtan/2025-gyz-045.txt"))
    assert r.rule == "D1" and r.status == "fail"
    assert "发布于 2026-04-17，比期限 2026-01-31 晚 76 天" in r.detail
    assert "部门为1月31日前" in r.detail


def test_department_report_published_on_time() -> None:
    r = check_timeliness(report("pingtan/2023-jjf-057.txt"))
    assert r.status == "pass"
    assert r.detail.startswith("发布于 2024-01-30，期限为 2024-01-31")


def test_government_report_has_until_march_31_under_the_2019_rules() -> None:
    r = check_timeliness(report("other/2019-002.html"))  # published 2020-01-31
    assert r.status == "pass"
    assert "期限为 2020-03-31" in r.detail and "人民政府本级" in r.detail


def test_2008_rules_march_31_for_everyone() -> None:
    late = check_timeliness(report("pingtan/2011-jjf-208.txt"))
    assert late.status == "fail"
    assert "发布于 2012-05-16，比期限 2012-03-31 晚 46 天" in late.detail
    ok = check_timeliness(report("pingtan/2015-zhz-177.txt"))  # 2016-03-24
    assert ok.status == "pass" and "期限为 2016-03-31" in ok.detail


def test_townships_have_no_national_deadline() -> None:
    township = replace(report("pingtan/2023-jjf-057.txt"), scope="township")
    r = check_timeliness(township)
    assert r.status == "uncertain"
    assert "未规定乡镇、街道的期限" in r.detail and "发布于 2024-01-30" in r.detail


def test_unknown_publication_date_is_uncertain() -> None:
    r = check_timeliness(replace(report("pingtan/2023-jjf-057.txt"), published=None))
    assert r.status == "uncertain"
    assert r.detail == (
        "发布日期不明；期限为 2024-01-31（2019年《条例》第四十九条：部门为1月31日前）"
    )


def test_deadline_table() -> None:
    assert deadline(2008, "department")[0] == dt.date(2009, 3, 31)
    assert deadline(2018, "department")[0] == dt.date(2019, 3, 31)
    assert deadline(2019, "department")[0] == dt.date(2020, 1, 31)
    assert deadline(2019, "government")[0] == dt.date(2020, 3, 31)
    assert deadline(2019, "township")[0] is None
    assert deadline(2007, "government")[0] is None


# --- D2 -----------------------------------------------------------------------------


def test_missing_year_in_a_body_series() -> None:
    """管委会办公室: reports 2014–2025 in the collection, none for 2022."""
    gwh = [r for r in body_reports("gwh") if r.issuer and "管委会办公室" in r.issuer]
    assert [r.year for r in gwh][:2] == [2014, 2015]
    r = check_missing_years(gwh)
    assert r.rule == "D2" and r.status == "fail"
    assert r.detail.startswith("首末两份报告之间（2014–2025年）缺少2022年的报告")


def test_complete_series_passes() -> None:
    r = check_missing_years(body_reports("jjf", range(2019, 2026)))
    assert r.status == "pass" and r.detail == "2019–2025年每年都有报告"


# --- F1 / F2 -------------------------------------------------------------------------


def test_format_expected_for_the_year() -> None:
    assert check_format(report("pingtan/2023-jjf-057.txt")).status == "pass"
    assert check_format(report("other/2019-002.html")).status == "pass"
    lagging = check_format(report("pingtan/2022-htp-111.txt"))
    assert lagging.status == "fail"
    assert "2022年的报告采用2019格式" in lagging.detail
    no_table = check_format(report("pingtan/2018-zhz-145.txt"))
    assert no_table.status == "fail" and "2018年的报告没有统计表" in no_table.detail
    early = check_format(report("pingtan/2015-zhz-177.txt"))
    assert early.status == "uncertain"  # 2014–2015: the table was not always printed
    old = check_format(report("pingtan/2011-zrz-209.txt"))
    assert old.status == "pass" and "没有全国统一的统计表" in old.detail


def test_template_rows_present() -> None:
    (r,) = check_template_rows(report("pingtan/2023-jjf-057.txt"))
    assert r.status == "pass" and r.detail == "依申请公开表和复议诉讼表的 40 个模板行齐全"
    (r,) = check_template_rows(report("other/2019-002.html"))
    assert r.status == "pass" and r.detail == "依申请公开表和复议诉讼表的 38 个模板行齐全"


def test_2021_report_printing_the_2019_other_handling_row() -> None:
    (r,) = check_template_rows(report("pingtan/2021-zhz-097.txt"))
    assert r.status == "fail"
    assert r.detail.startswith("依申请公开表和复议诉讼表的 40 个模板行中有 3 个缺失")
    assert "“（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用" in r.detail
    assert "只印了一行，是2019年试行格式的排法" in r.detail


def test_a_row_dropped_from_a_real_table_is_named() -> None:
    real = report("pingtan/2023-jjf-057.txt")
    facts = tuple(f for f in real.facts if f.metric != "requests.withheld.query_service")
    (r,) = check_template_rows(replace(real, facts=facts))
    assert r.status == "fail"
    assert r.detail == (
        "依申请公开表和复议诉讼表的 40 个模板行中有 1 个缺失或改名到无法辨认："
        "“（三）不予公开 8.属于行政查询事项”"
    )


def test_legacy_tables_have_no_template_rows_rule() -> None:
    assert check_template_rows(report("pingtan/2016-gwh-160.txt")) == ()


# --- S1 -----------------------------------------------------------------------------


def test_sections_of_a_complete_2021_department_report() -> None:
    res = {r.subject: r for r in check_sections(report("pingtan/2023-jjf-057.txt"))}
    assert res["报告章节"].status == "pass"
    assert "已有：一、总体情况；二、主动公开政府信息情况" in res["报告章节"].detail
    assert res["五"].status == "pass"
    assert "考核评议追究" not in res  # a department: 第五十条第四项 is for governments


def test_short_section_five_is_flagged_with_its_text() -> None:
    res = {r.subject: r for r in check_sections(report("pingtan/2023-zrz-106.txt"))}
    assert res["五"].status == "fail"
    assert "只有 2 句，不足 3 句" in res["五"].detail
    assert "主要存在在与群众互动不够紧密" in res["五"].detail


def test_section_five_saying_only_none() -> None:
    real = report("pingtan/2023-jjf-057.txt")
    sections = tuple(replace(s, text="无。") if s.number == "五" else s for s in real.sections)
    res = {r.subject: r for r in check_sections(replace(real, sections=sections))}
    assert res["五"].status == "fail"
    assert res["五"].detail == "第五部分“存在的主要问题及改进情况”只写了「无。」"


def test_government_report_must_cover_assessment_and_accountability() -> None:
    res = {r.subject: r for r in check_sections(report("pingtan/2024-htp-113.txt"))}
    bad = res["考核评议追究"]
    assert bad.status == "fail"
    assert bad.detail.startswith("人民政府的报告没有提到工作考核、社会评议、责任追究（")
    ok = {r.subject: r for r in check_sections(report("other/2019-002.html"))}["考核评议追究"]
    # Shanghai: 考核 and 社会评估 are there, 责任追究 is not.
    assert ok.status == "fail" and "没有提到责任追究（" in ok.detail


def test_2008_rules_require_fees_section() -> None:
    res = {r.subject: r for r in check_sections(report("pingtan/2018-jjf-140.txt"))}
    assert res["报告章节"].status == "fail"
    assert res["报告章节"].detail.startswith("《条例》第三十二条要求的内容：缺少：收费及减免情况")


# --- V2 -----------------------------------------------------------------------------


def test_all_zero_tables_are_a_valid_pass_with_a_note() -> None:
    (r,) = check_all_zero(report("pingtan/2024-zhz-100.txt"))
    assert r.rule == "V2" and r.status == "pass"
    assert r.detail.startswith("依申请公开表和复议诉讼表全为零")
    assert check_all_zero(report("pingtan/2023-jjf-057.txt")) == ()  # 3 received


def test_blank_cells_are_not_zero_for_v2() -> None:
    real = report("pingtan/2024-zhz-100.txt")
    facts = tuple(
        Fact(f.metric, f.applicant, None, "", f.unit) if f.metric == "review.total" else f
        for f in real.facts
    )
    assert check_all_zero(replace(real, facts=facts)) == ()
