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
    assert "published 2026-04-17, 76 day(s) after the deadline 2026-01-31" in r.detail
    assert "departments by 1月31日" in r.detail


def test_department_report_published_on_time() -> None:
    r = check_timeliness(report("pingtan/2023-jjf-057.txt"))
    assert r.status == "pass"
    assert r.detail.startswith("published 2024-01-30, deadline 2024-01-31")


def test_government_report_has_until_march_31_under_the_2019_rules() -> None:
    r = check_timeliness(report("other/2019-002.html"))  # published 2020-01-31
    assert r.status == "pass"
    assert "deadline 2020-03-31" in r.detail and "government's own report" in r.detail


def test_2008_rules_march_31_for_everyone() -> None:
    late = check_timeliness(report("pingtan/2011-jjf-208.txt"))
    assert late.status == "fail"
    assert "published 2012-05-16, 46 day(s) after the deadline 2012-03-31" in late.detail
    ok = check_timeliness(report("pingtan/2015-zhz-177.txt"))  # 2016-03-24
    assert ok.status == "pass" and "deadline 2016-03-31" in ok.detail


def test_townships_have_no_national_deadline() -> None:
    township = replace(report("pingtan/2023-jjf-057.txt"), scope="township")
    r = check_timeliness(township)
    assert r.status == "uncertain"
    assert "no date for 乡镇/街道" in r.detail and "published 2024-01-30" in r.detail


def test_unknown_publication_date_is_uncertain() -> None:
    r = check_timeliness(replace(report("pingtan/2023-jjf-057.txt"), published=None))
    assert r.status == "uncertain"
    assert r.detail == (
        "publication date unknown; deadline 2024-01-31 (2019 Regulation 第四十九条: "
        "departments by 1月31日)"
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
    assert r.detail.startswith("no report for 2022 between the first and last report (2014–2025")


def test_complete_series_passes() -> None:
    r = check_missing_years(body_reports("jjf", range(2019, 2026)))
    assert r.status == "pass" and r.detail == "a report for every year 2019–2025"


# --- F1 / F2 -------------------------------------------------------------------------


def test_format_expected_for_the_year() -> None:
    assert check_format(report("pingtan/2023-jjf-057.txt")).status == "pass"
    assert check_format(report("other/2019-002.html")).status == "pass"
    lagging = check_format(report("pingtan/2022-htp-111.txt"))
    assert lagging.status == "fail"
    assert "2022 report uses the 2019 trial format" in lagging.detail
    no_table = check_format(report("pingtan/2018-zhz-145.txt"))
    assert no_table.status == "fail" and "2018 report has no statistics table" in no_table.detail
    early = check_format(report("pingtan/2015-zhz-177.txt"))
    assert early.status == "uncertain"  # 2014–2015: the table was not always printed
    old = check_format(report("pingtan/2011-zrz-209.txt"))
    assert old.status == "pass" and "no national table required" in old.detail


def test_template_rows_present() -> None:
    (r,) = check_template_rows(report("pingtan/2023-jjf-057.txt"))
    assert r.status == "pass" and r.detail == "all 40 template rows of Tables B/C present"
    (r,) = check_template_rows(report("other/2019-002.html"))
    assert r.status == "pass" and r.detail == "all 38 template rows of Tables B/C present"


def test_2021_report_printing_the_2019_other_handling_row() -> None:
    (r,) = check_template_rows(report("pingtan/2021-zhz-097.txt"))
    assert r.status == "fail"
    assert r.detail.startswith("3 of 40 template rows of Tables B/C missing")
    assert "[requests.other_handling.unpaid_fee]" in r.detail
    assert "printed as one row, the 2019 trial layout" in r.detail


def test_a_row_dropped_from_a_real_table_is_named() -> None:
    real = report("pingtan/2023-jjf-057.txt")
    facts = tuple(f for f in real.facts if f.metric != "requests.withheld.query_service")
    (r,) = check_template_rows(replace(real, facts=facts))
    assert r.status == "fail"
    assert r.detail == (
        "1 of 40 template rows of Tables B/C missing or renamed beyond recognition: "
        "（三）不予公开 8.属于行政查询事项 [requests.withheld.query_service]"
    )


def test_legacy_tables_have_no_template_rows_rule() -> None:
    assert check_template_rows(report("pingtan/2016-gwh-160.txt")) == ()


# --- S1 -----------------------------------------------------------------------------


def test_sections_of_a_complete_2021_department_report() -> None:
    res = {r.subject: r for r in check_sections(report("pingtan/2023-jjf-057.txt"))}
    assert res["sections"].status == "pass"
    assert "present: 一、总体情况; 二、主动公开政府信息情况" in res["sections"].detail
    assert res["五"].status == "pass"
    assert "考核评议追究" not in res  # a department: 第五十条第四项 is for governments


def test_short_section_five_is_flagged_with_its_text() -> None:
    res = {r.subject: r for r in check_sections(report("pingtan/2023-zrz-106.txt"))}
    assert res["五"].status == "fail"
    assert "has 2 sentence(s), under 3" in res["五"].detail
    assert "主要存在在与群众互动不够紧密" in res["五"].detail


def test_section_five_saying_only_none() -> None:
    real = report("pingtan/2023-jjf-057.txt")
    sections = tuple(replace(s, text="无。") if s.number == "五" else s for s in real.sections)
    res = {r.subject: r for r in check_sections(replace(real, sections=sections))}
    assert res["五"].status == "fail"
    assert res["五"].detail == "section 五、存在的主要问题及改进情况 says only 「无。」"


def test_government_report_must_cover_assessment_and_accountability() -> None:
    res = {r.subject: r for r in check_sections(report("pingtan/2024-htp-113.txt"))}
    bad = res["考核评议追究"]
    assert bad.status == "fail"
    assert bad.detail.startswith("government report does not mention 工作考核、社会评议、责任追究")
    ok = {r.subject: r for r in check_sections(report("other/2019-002.html"))}["考核评议追究"]
    # Shanghai: 考核 and 社会评估 are there, 责任追究 is not.
    assert ok.status == "fail" and "does not mention 责任追究 " in ok.detail


def test_2008_rules_require_fees_section() -> None:
    res = {r.subject: r for r in check_sections(report("pingtan/2018-jjf-140.txt"))}
    assert res["sections"].status == "fail"
    assert res["sections"].detail.startswith("required by 第三十二条: missing: 收费及减免情况")


# --- V2 -----------------------------------------------------------------------------


def test_all_zero_tables_are_a_valid_pass_with_a_note() -> None:
    (r,) = check_all_zero(report("pingtan/2024-zhz-100.txt"))
    assert r.rule == "V2" and r.status == "pass"
    assert r.detail.startswith("Tables B and C all zero")
    assert check_all_zero(report("pingtan/2023-jjf-057.txt")) == ()  # 3 received


def test_blank_cells_are_not_zero_for_v2() -> None:
    real = report("pingtan/2024-zhz-100.txt")
    facts = tuple(
        Fact(f.metric, f.applicant, None, "", f.unit) if f.metric == "review.total" else f
        for f in real.facts
    )
    assert check_all_zero(replace(real, facts=facts)) == ()
