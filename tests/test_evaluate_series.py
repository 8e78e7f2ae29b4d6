"""Rules across reports: X1 A1 A4 (crossyear), O1 O2 (originality), V1 V3 (plausibility)."""

from __future__ import annotations

import re
from dataclasses import replace

from loaders.model import ParsedReport
from loaders.sections import split_sections
from nianbao.evaluate import crossyear, originality, plausibility
from tests.test_evaluate_build import body_reports, manifest, report

# --- X1 / A1 / A4 --------------------------------------------------------------------


def _pair(a: str, b: str) -> tuple[ParsedReport, ParsedReport]:
    return report(a), report(b)


def test_jjf_carry_over_2023_2024_2025() -> None:
    """The carry-over rows agree (0 → 0) although 2023–2025 lose their applications
    inside the year (3 received, 0 closed, 0 carried: B1, another module's rule)."""
    for a, b in (
        ("pingtan/2023-jjf-057.txt", "pingtan/2024-jjf-058.txt"),
        ("pingtan/2024-jjf-058.txt", "pingtan/2025-jjf-059.txt"),
    ):
        (r,) = crossyear.check_carry_over(*_pair(a, b))
        assert r.rule == "X1" and r.status == "pass"
        assert r.detail == "各栏的上年结转都等于上年报告的结转下年度（总计 0）"
    assert crossyear.check_carry_over(*_pair(a, b))[0].subject == "2024→2025"


def test_carry_over_that_appears_from_nowhere() -> None:
    """nyn: 2022 carries 0 forward, 2023 says 7 were carried over."""
    (r,) = crossyear.check_carry_over(
        *_pair("pingtan/2022-nyn-077.txt", "pingtan/2023-nyn-078.txt")
    )
    assert r.status == "fail"
    assert "总计：2022年结转下年度 0 ≠ 2023年上年结转 7" in r.detail


def test_carry_over_not_applicable_after_a_legacy_table() -> None:
    assert (
        crossyear.check_carry_over(*_pair("pingtan/2018-jjf-140.txt", "pingtan/2019-jjf-053.txt"))
        == ()
    )


def test_in_force_continuity_2021_format() -> None:
    ok = crossyear.check_in_force(*_pair("pingtan/2022-jjp-118.txt", "pingtan/2023-jjp-119.txt"))
    by = {r.subject: r for r in ok}
    assert by["行政规范性文件 2022→2023"].status == "pass"
    assert by["行政规范性文件 2022→2023"].detail == (
        "行政规范性文件：2022年现行有效 7 + 制发 0 − 废止 0 = 7；2023年现行有效 7"
    )
    bad = crossyear.check_in_force(*_pair("pingtan/2023-jjp-119.txt", "pingtan/2024-jjp-120.txt"))
    by = {r.subject: r for r in bad}
    assert by["行政规范性文件 2023→2024"].status == "fail"
    assert (
        "2023年现行有效 7 + 制发 0 − 废止 0 = 7；2024年现行有效 1"
        in by["行政规范性文件 2023→2024"].detail
    )
    assert "参考性规则" in by["行政规范性文件 2023→2024"].detail
    assert by["规章 2023→2024"].status == "uncertain"
    assert "2024年 无此行" in by["规章 2023→2024"].detail


def test_item_counts_2019_trial_format() -> None:
    res = {
        r.subject: r
        for r in crossyear.check_items(
            *_pair("pingtan/2019-htp-108.txt", "pingtan/2020-htp-109.txt")
        )
    }
    bad = res["其他对外管理服务事项 2019→2020"]
    assert bad.rule == "A4" and bad.status == "fail"
    assert "2019年上一年项目数量 0 + 本年增/减 3 = 3；2020年上一年项目数量 2" in bad.detail
    assert res["行政处罚 2019→2020"].status == "pass"


def test_pairs_are_consecutive_years_only() -> None:
    gwh = [r for r in body_reports("gwh") if r.issuer and "管委会办公室" in r.issuer]
    spans = [(a.year, b.year) for a, b in crossyear.pairs(gwh)]
    assert (2021, 2023) not in spans and (2023, 2024) in spans


# --- O1 ------------------------------------------------------------------------------


def test_gwh_2016_copied_from_2015_is_flagged() -> None:
    prev, cur = _pair("pingtan/2015-gwh-171.txt", "pingtan/2016-gwh-160.txt")
    r = originality.check_previous(prev, cur)
    assert r.rule == "O1" and r.status == "fail" and r.subject == "与2015年对比"
    assert r.detail.startswith("2016年报告有 3 句与2015年报告逐字相同，连旧年份都没改")
    assert "「2015年未收到有关政府信息公开申请。」" in r.detail
    assert "三、政府信息依申请公开工作情况 1.00" in r.detail


def _year_changed(r: ParsedReport, new_year: int, issuer: str | None = None) -> ParsedReport:
    """The report re-saved with only its years changed (for O2: its name instead)."""
    old = str(r.year)
    text = re.sub(old, str(new_year), r.full_text)
    if issuer:
        text = text.replace(r.issuer or "", issuer)
    return replace(
        r,
        source=f"planted-copy-of-{r.source}",
        year=new_year if issuer is None else r.year,
        issuer=issuer or r.issuer,
        full_text=text,
        sections=split_sections(text),
    )


def test_planted_copy_with_only_the_year_changed_scores_one() -> None:
    real = report("pingtan/2023-jtj-064.txt")
    copy = _year_changed(real, 2024)
    r = originality.check_previous(real, copy)
    assert r.status == "fail"
    assert "正文整体相似度 1.00" in r.detail
    assert "一、总体情况 1.00" in r.detail
    assert "最相似的段落：2024年「" in r.detail and "（相似度 1.00）" in r.detail


def test_a_rewritten_report_is_not_flagged() -> None:
    """jtj 2022 → 2023: same body, new text."""
    r = originality.check_previous(*_pair("pingtan/2022-jtj-063.txt", "pingtan/2023-jtj-064.txt"))
    assert r.status == "pass"
    assert r.detail.startswith("与2022年报告的相似度：正文整体相似度 0.")


def test_template_text_does_not_count_as_copying() -> None:
    """Two reports sharing only the 2021 template tables score near 0."""
    a = originality.fingerprint(report("pingtan/2023-jjf-057.txt"))
    b = originality.fingerprint(report("pingtan/2023-zhz-099.txt"))
    assert originality.jaccard(a.whole, b.whole) < 0.1
    assert (
        len(
            originality.shingles(
                "一、本年新收政府信息公开申请数量3000003二、上年结转政府信息公开申请数量0000000"
            )
        )
        == 0
    )


# --- O2 ------------------------------------------------------------------------------


def _year(y: int) -> list[ParsedReport]:
    files = sorted(
        f for f, row in manifest().items() if f.startswith("pingtan/") and row["year"] == str(y)
    )
    return [report(f) for f in files]


def test_planted_copy_is_found_among_other_bodies_and_nothing_else_is_flagged() -> None:
    peers = _year(2023)
    real = report("pingtan/2023-jtj-064.txt")
    planted = _year_changed(real, 2023, issuer="某县交通运输局")
    reports = [*peers, planted]
    results = originality.check_peers(reports, body=lambda r: r.issuer)
    flagged = {
        reports[i].source: res[0]
        for i, res in enumerate(results)
        if res and res[0].status == "fail"
    }
    assert set(flagged) == {"pingtan/2023-jtj-064.txt", planted.source}
    assert flagged[planted.source].subject == "pingtan/2023-jtj-064.txt"
    # Only the body's name differs: 0.98.
    assert re.search(
        r"平潭综合实验区交通与建设局（pingtan/2023-jtj-064.txt）0\.9\d",
        flagged[planted.source].detail,
    )
    # Every other 2023 report got a verdict, and it is a pass.
    others = [res for i, res in enumerate(results) if reports[i].source not in flagged]
    assert all(res == () or res[0].status == "pass" for res in others)


def test_same_template_used_by_two_bodies_in_2011() -> None:
    """The manifest notes jjf 2011 and zrz 2011 share one template."""
    reports = _year(2011)
    results = originality.check_peers(reports, body=lambda r: r.issuer)
    by = {r.source: res for r, res in zip(reports, results, strict=True)}
    (jjf,) = by["pingtan/2011-jjf-208.txt"]
    assert jjf.status == "fail" and jjf.subject == "pingtan/2011-zrz-209.txt"


# --- V1 / V3 -------------------------------------------------------------------------


def test_jump_in_a_metric_with_volume() -> None:
    (r,) = plausibility.check_jumps(*_pair("pingtan/2023-zrz-106.txt", "pingtan/2024-zrz-107.txt"))
    assert r.rule == "V1" and r.status == "fail"
    assert "1.本机关不掌握相关政府信息 4 → 37（×9.2）" in r.detail


def test_small_counts_do_not_jump() -> None:
    (r,) = plausibility.check_jumps(*_pair("pingtan/2023-jjf-057.txt", "pingtan/2024-jjf-058.txt"))
    assert r.status == "pass"


def test_government_aggregate_equals_its_departments() -> None:
    """Pingtan 2021: 「本年度全区共收到70件申请」 and the 2021 department reports sum to 70."""
    year = _year(2021)
    gov = next(r for r in year if "-main-" in r.source)
    members = [r for r in year if "-main-" not in r.source]
    (r,) = plausibility.check_aggregate(gov, members)
    assert r.rule == "V3" and r.status == "pass"
    assert "本年度全区共收到70件申请" in r.detail
    assert r.detail.endswith(f"本报告 70，{len(members)} 份所属机关报告之和 70")
    # Half the members missing from the collection: the aggregate looks too big.
    (r,) = plausibility.check_aggregate(gov, members[: len(members) // 3])
    assert r.status in ("uncertain", "pass")


def test_aggregate_rule_only_when_the_report_says_so() -> None:
    dept = report("pingtan/2021-jjf-055.txt")
    assert plausibility.check_aggregate(dept, [report("pingtan/2021-gaj-029.txt")]) == ()
