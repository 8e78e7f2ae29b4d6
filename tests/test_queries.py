"""The dashboard's queries on the test database built from real reports."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from sqlalchemy import Engine, create_engine

from nianbao.queries import common, compare, overview, trends
from nianbao.series import measure, metric_measure, series_catalog
from tests.dashboard_db import JJF, PINGTAN, build_db


@pytest.fixture(scope="module")
def engine() -> Engine:
    e = create_engine(build_db())
    yield e
    e.dispose()


def seed_body(engine: Engine) -> str:
    b = common.bodies(engine, common.Filters())
    return next(k for k in b["issuer_key"] if "朝阳区" in k)


def report_id(engine: Engine, body: str, year: int) -> int:
    reps = common.reports(engine, common.Filters(bodies=(body,), year=year))
    assert len(reps) == 1, reps
    return int(reps["id"].iloc[0])


# ---------------------------------------------------------------- series


def test_series_expressions_expand_to_catalog_codes() -> None:
    withheld = measure("withheld")
    legacy, gov = withheld.eras
    assert legacy.formats == ("legacy",)
    assert legacy.terms[0].metrics == ("legacy.answers.withheld",)
    assert gov.terms[0].applicant == "total"
    assert len(gov.terms[0].metrics) == 8
    assert all(c.startswith("requests.withheld.") for c in gov.terms[0].metrics)
    unavailable = measure("unavailable")
    assert [t.metrics for t in unavailable.eras[0].terms] == [
        ("legacy.answers.not_this_agency",),
        ("legacy.answers.not_exist",),
    ]
    # a metric code with the applicant dimension is read in its 总计 column
    assert measure("requests.received").eras[0].terms[0].applicant == "total"
    assert metric_measure("requests.received", "commercial").key == "requests.received[commercial]"
    # narrative-only series after 2019 read text facts
    staff = series_catalog()["staff"]
    assert staff.eras[1].terms[0].source == "text"
    assert "text.staff" in staff.eras[1].terms[0].metrics
    assert "text.proactive.items" in series_catalog()["proactive_items"].eras[1].terms[0].metrics
    assert measure("text.staff").eras[0].terms[0].source == "text"


def test_unknown_measure_is_refused() -> None:
    with pytest.raises(KeyError):
        measure("requests.nonsense")


# ---------------------------------------------------------------- filters


def test_region_filter_takes_the_subtree(engine: Engine) -> None:
    regs = common.regions(engine)
    fujian = int(regs.loc[regs["name"] == "福建省", "id"].iloc[0])
    assert any(p.endswith("福州市 / 平潭综合实验区") for p in regs["path"])
    bodies = set(common.bodies(engine, common.Filters(region_id=fujian))["issuer_key"])
    assert {PINGTAN, JJF} <= bodies
    assert seed_body(engine) not in bodies


def test_scope_filter(engine: Engine) -> None:
    deps = set(common.bodies(engine, common.Filters(scope="department"))["issuer_key"])
    assert JJF in deps and PINGTAN not in deps


# ---------------------------------------------------------------- 总览


def test_headline_for_one_body_and_year(engine: Engine) -> None:
    # pingtan/2023-main-017.txt: 新收 81, 总计 81, 予以公开 22 + 部分公开 20,
    # 行政复议 总计 2, 行政诉讼 5 + 2; no 2022 main report, so no change is shown.
    head = overview.headline(engine, common.Filters(bodies=(PINGTAN,)), 2023).set_index("key")
    assert head.loc["requests_received", "value"] == 81
    assert head.loc["requests_closed", "value"] == 81
    assert head.loc["disclosure_rate", "value"] == pytest.approx(42 / 81)
    assert head.loc["reviews", "value"] == 2
    assert head.loc["lawsuits", "value"] == 7
    # 主动公开 after 2019 comes from the narrative: 全区共主动公开政府信息13561条
    assert head.loc["proactive_items", "value"] == 13561
    assert head.loc["requests_received", "n_reports"] == 1
    assert math.isnan(head.loc["requests_received", "prev_value"])
    assert math.isnan(head.loc["requests_received", "change"])


def test_headline_change_from_previous_year(engine: Engine) -> None:
    # pingtan/2024-main-018.txt: 新收 218 (217 自然人 + 1 商业企业)
    head = overview.headline(engine, common.Filters(bodies=(PINGTAN,)), 2024).set_index("key")
    assert head.loc["requests_received", "value"] == 218
    assert head.loc["requests_received", "prev_value"] == 81
    assert head.loc["requests_received", "change"] == 137
    assert head.loc["disclosure_rate", "value"] == pytest.approx(100 / 218)


def test_headline_never_adds_scopes_and_compares_like_for_like(engine: Engine) -> None:
    f = common.Filters(bodies=(PINGTAN, JJF))
    head = overview.headline(engine, f, 2023).set_index(["scope", "key"])
    # 81 (main, government) and 3 (经济发展局, pingtan/2023-jjf-057.txt) stay apart: no 84
    assert head.loc[("government", "requests_received"), "value"] == 81
    assert head.loc[("department", "requests_received"), "value"] == 3
    assert 84 not in set(head["value"])
    # 经济发展局 has 3 in 2022 too (pingtan/2022-jjf-056.txt): compared with itself
    dep = head.loc[("department", "requests_received")]
    assert (dep["prev_value"], dep["change"], dep["n_comparable"]) == (3, 0, 1)
    # no 2022 main report: the government figure has nothing to compare with
    gov = head.loc[("government", "requests_received")]
    assert gov["n_comparable"] == 0 and math.isnan(gov["change"]) and gov["n_cur_left"] == 1


def test_failed_checks_and_gaps(engine: Engine) -> None:
    # pingtan/2023-jjf-057.txt: 新收 3 but 办理结果 总计 0 — B1 fails
    jjf_2023 = report_id(engine, JJF, 2023)
    failed = overview.failed_checks(engine, common.Filters())
    assert jjf_2023 in set(failed.loc[failed["rule"] == "B1", "report_id"])
    by_rule = overview.failed_by_rule(engine, common.Filters()).set_index("rule")
    assert by_rule.loc["B1", "n_reports"] >= 1
    pt = common.Filters(bodies=(PINGTAN,))
    body_df = common.bodies(engine, common.Filters())
    assert PINGTAN in overview.gap_candidates(body_df)
    gaps = overview.gaps(engine, pt, overview.gap_candidates(body_df))
    assert (PINGTAN, 2022) in set(zip(gaps["issuer_key"], gaps["year"], strict=True))


def test_coverage_counts_reports_by_format(engine: Engine) -> None:
    cov = overview.coverage(engine, common.Filters(bodies=(PINGTAN,)))
    by_year = cov.set_index("year")
    assert by_year.loc[2023, "format"] == "gov2021"
    assert by_year.loc[2018, "format"] == "legacy"
    assert by_year.loc[2023, "n_reports"] == 1


# ---------------------------------------------------------------- 趋势


def test_series_across_the_2019_format_change(engine: Engine) -> None:
    line = trends.series_by_year(engine, common.Filters(bodies=(PINGTAN,)), "requests_received")
    v = line.set_index("year")["value"]
    assert v[2018] == 0  # legacy table: 受理依申请公开信息总数 0
    assert v[2023] == 81
    assert v[2024] == 218


def test_blank_cell_stays_missing_and_is_counted(engine: Engine) -> None:
    # seed: 3.同意部分公开答复数 is a blank cell — not 0
    body = seed_body(engine)
    line = trends.series_by_year(engine, common.Filters(bodies=(body,)), "partially_disclosed")
    row = line.set_index("year").loc[2016]
    assert math.isnan(row["value"])
    assert row["n_missing"] == 1
    assert row["n_reports"] == 0
    # summed over every body in 2016, the blank is reported, not added as 0
    total = trends.series_by_year(engine, common.Filters(year=2016), "partially_disclosed", "all")
    gov = total[total["group"] == "政府"].set_index("year")  # one line per scope
    assert gov.loc[2016, "n_missing"] >= 1


def test_outcome_composition(engine: Engine) -> None:
    comp = trends.outcome_composition(engine, common.Filters(bodies=(PINGTAN,)))
    y2023 = comp[comp["year"] == 2023].set_index("category")["value"]
    assert y2023.to_dict() == {
        "予以公开": 22,
        "部分公开": 20,
        "不予公开": 5,
        "无法提供": 31,
        "不予处理": 1,
        "其他处理": 2,
    }
    assert set(comp.loc[comp["year"] == 2023, "era"]) == {"gov"}
    assert set(comp.loc[comp["year"] == 2018, "era"]) == {"legacy"}


def test_applicant_mix(engine: Engine) -> None:
    mix = trends.applicant_mix(engine, common.Filters(bodies=(PINGTAN,)))
    y = mix[mix["year"] == 2024].set_index("applicant")["value"]
    assert y["natural_person"] == 217
    assert y["commercial"] == 1
    assert "total" not in y.index


def test_disputes_with_correction_rate(engine: Engine) -> None:
    d = trends.disputes(engine, common.Filters(bodies=(PINGTAN,)))
    d = d[d["year"] == 2023].set_index("kind")
    assert d.loc["行政复议", "total"] == 2
    assert d.loc["行政复议", "corrected"] == 1
    assert d.loc["行政复议", "rate"] == pytest.approx(0.5)
    assert d.loc["行政诉讼", "total"] == 7
    assert d.loc["行政诉讼", "rate"] == 0


def test_staffing_from_the_legacy_table(engine: Engine) -> None:
    body = seed_body(engine)
    s = trends.staffing_funding(engine, common.Filters(bodies=(body,)))
    table = s[s["source"] == "table"].set_index("metric")["value"]
    assert table["legacy.staff.total"] == 65
    assert table["legacy.funding"] == 5
    # 2019+ reports state money in the narrative: "2023年，无收取信息处理费情况"
    s = trends.staffing_funding(engine, common.Filters(bodies=(PINGTAN,), year=2023))
    assert s.set_index(["metric", "source"]).loc[("text.fees.processing", "text"), "value"] == 0


# ---------------------------------------------------------------- 对比


def test_compare_bodies_rates_and_zero_denominators(engine: Engine) -> None:
    c = compare.compare_bodies(engine, common.Filters(year=2023, bodies=(PINGTAN, JJF)))
    c = c.set_index("issuer_key")
    assert c.loc[PINGTAN, "requests_received"] == 81
    assert c.loc[PINGTAN, "disclosure_rate"] == pytest.approx(42 / 81)
    assert c.loc[PINGTAN, "review_correction_rate"] == pytest.approx(0.5)
    assert c.loc[PINGTAN, "n_reports"] == 1
    # 经济发展局 2023: 办理结果 总计 0 — a rate over 0 is not computed
    assert c.loc[JJF, "requests_received"] == 3
    assert math.isnan(c.loc[JJF, "disclosure_rate"])
    # each rate carries its denominator and why it is (not) there
    assert (c.loc[PINGTAN, "disclosure_rate__n"], c.loc[PINGTAN, "disclosure_rate__state"]) == (
        81,
        "ok",
    )
    # 2 reviews, 1 corrected: a rate over 2 cases is flagged
    assert c.loc[PINGTAN, "review_correction_rate__state"] == "small"
    assert (c.loc[JJF, "disclosure_rate__n"], c.loc[JJF, "disclosure_rate__state"]) == (0, "zero")


def test_compare_bodies_for_the_sort_key_only_equals_the_full_read(engine: Engine) -> None:
    # A large scope reads only the sort key (and a rate's parts): same figures.
    f = common.Filters(year=2023)
    full = compare.compare_bodies(engine, f).set_index("issuer_key")
    for key in ("requests_received", "disclosure_rate", "review_correction_rate"):
        part = compare.compare_bodies(engine, f, compare.keys_for(key)).set_index("issuer_key")
        assert list(part.index) == list(full.index)
        cols = [key, f"{key}__n", f"{key}__state"] if key in compare.RATES else [key]
        pd.testing.assert_frame_equal(part[cols], full[cols])
        assert "carry_over_share" not in part  # rates whose counts were not read are left out


def test_rank_bodies_puts_small_denominators_after_real_bases() -> None:
    nan = float("nan")
    df = pd.DataFrame(
        {
            "issuer_key": ["小", "大", "零", "缺"],
            "disclosure_rate": [1.0, 0.5, nan, nan],
            "disclosure_rate__n": [1, 81, 0, nan],
            "disclosure_rate__state": ["small", "ok", "zero", "missing"],
        }
    )
    r = compare.rank_bodies(df, "disclosure_rate")
    assert list(r["issuer_key"]) == ["大", "小", "零", "缺"]
    assert r["rank"].tolist()[0] == 1 and r["rank"].isna().tolist()[1:] == [True] * 3
    r = compare.rank_bodies(df, "disclosure_rate", small_ranked=True)
    assert list(r["issuer_key"])[:2] == ["小", "大"] and r["rank"].tolist()[:2] == [1, 2]


def test_default_pair_stays_in_one_table_era(engine: Engine) -> None:
    reps = common.reports(engine, common.Filters(bodies=(PINGTAN,)))
    # 2019 (2019格式): 2018 is a legacy table, so B is 2020, the nearest 2019-era report
    a, b = compare.default_pair(reps, [PINGTAN], 2019, [])
    assert (a, b) == (report_id(engine, PINGTAN, 2019), report_id(engine, PINGTAN, 2020))
    a, b = compare.default_pair(reps, [PINGTAN], 2018, [])
    assert (a, b) == (report_id(engine, PINGTAN, 2018), report_id(engine, PINGTAN, 2017))
    two = common.reports(engine, common.Filters(bodies=(PINGTAN, JJF)))
    assert compare.default_pair(two, [JJF, PINGTAN], 2023, []) == (
        report_id(engine, JJF, 2023),
        report_id(engine, PINGTAN, 2023),
    )


def test_row_labels_are_official_and_unambiguous() -> None:
    assert compare.row_label("requests.received") == "一、本年新收政府信息公开申请数量"
    # the legacy table has （二）被依法纠错数 under both 复议 and 诉讼
    assert compare.row_label("legacy.review.corrected") == "四、行政复议数量 · （二）被依法纠错数"
    assert (
        compare.row_label("legacy.litigation.corrected") == "五、行政诉讼数量 · （二）被依法纠错数"
    )


def test_normalise_keeps_missing() -> None:
    df = pd.DataFrame({"x": [1.0, 3.0, float("nan")]})
    n = compare.normalise(df, ["x"])
    assert n["x"].tolist()[:2] == [0.0, 1.0]
    assert math.isnan(n["x"].iloc[2])


def test_report_pair(engine: Engine) -> None:
    a = report_id(engine, PINGTAN, 2023)
    b = report_id(engine, PINGTAN, 2024)
    pair = compare.report_pair(engine, a, b)
    row = pair[(pair["metric"] == "requests.received") & (pair["applicant"] == "total")].iloc[0]
    assert (row["value_a"], row["value_b"], row["diff"], row["differs"]) == (81, 218, 137, True)
    same = pair[
        (pair["metric"] == "requests.not_processed.repeated") & (pair["applicant"] == "total")
    ]
    assert not same["differs"].iloc[0]  # 1 and 1


def test_synthetic_reports_are_left_out_by_default(tmp_path) -> None:
    from benchmarks.synthetic_db import generate

    url = f"sqlite:///{tmp_path / 'synthetic.db'}"
    generate(url, n_reports=20, seed=1)
    e = create_engine(url)
    try:
        assert common.bodies(e, common.Filters()).empty
        with_synth = common.bodies(e, common.Filters(include_synthetic=True))
        assert with_synth["n_reports"].sum() == 20
        line = trends.series_by_year(
            e, common.Filters(include_synthetic=True), "requests_received", "all"
        )
        assert line["n_reports"].sum() + line["n_missing"].sum() > 0
    finally:
        e.dispose()


# ---------------------------------------------------------------- both databases

SMALL_SET = (
    "pingtan/2023-main-017.txt",
    "pingtan/2024-main-018.txt",
    "pingtan/2023-jjf-057.txt",
    "seed/000_082f890431297067.txt",
)


def test_the_same_figures_on_sqlite_and_postgresql(db_url: str) -> None:
    from nianbao.db import get_engine
    from nianbao.store import ingest_paths
    from tests.dashboard_db import REPORTS

    summary = ingest_paths([REPORTS / p for p in SMALL_SET], url=db_url, progress=False)
    assert summary.failed == 0, summary.failures
    e = get_engine(db_url)
    pt = common.Filters(bodies=(PINGTAN,))

    head = overview.headline(e, pt, 2024).set_index("key")
    assert (head.loc["requests_received", "value"], head.loc["requests_received", "change"]) == (
        218,
        137,
    )
    assert head.loc["disclosure_rate", "value"] == pytest.approx(100 / 218)

    regs = common.regions(e)
    fujian = int(regs.loc[regs["name"] == "福建省", "id"].iloc[0])
    assert set(common.bodies(e, common.Filters(region_id=fujian))["issuer_key"]) == {PINGTAN, JJF}

    comp = trends.outcome_composition(e, pt)
    assert comp[comp["year"] == 2023].set_index("category")["value"]["无法提供"] == 31
    d = trends.disputes(e, pt).set_index(["year", "kind"])
    assert d.loc[(2023, "行政复议"), "rate"] == pytest.approx(0.5)
    mix = trends.applicant_mix(e, pt).set_index(["year", "applicant"])["value"]
    assert mix[(2024, "natural_person")] == 217

    body = seed_body(e)
    line = trends.series_by_year(e, common.Filters(bodies=(body,)), "partially_disclosed")
    assert line.set_index("year").loc[2016, "n_missing"] == 1
    staff = trends.staffing_funding(e, common.Filters(bodies=(body,)))
    assert staff.set_index("metric").loc["legacy.staff.total", "value"] == 65

    c = compare.compare_bodies(e, common.Filters(year=2023)).set_index("issuer_key")
    assert c.loc[PINGTAN, "requests_received"] == 81
    assert math.isnan(c.loc[JJF, "disclosure_rate"])
    failed = overview.failed_checks(e, common.Filters())
    assert report_id(e, JJF, 2023) in set(failed.loc[failed["rule"] == "B1", "report_id"])

    pair = compare.report_pair(e, report_id(e, PINGTAN, 2023), report_id(e, PINGTAN, 2024))
    row = pair[(pair["metric"] == "requests.closed") & (pair["applicant"] == "total")].iloc[0]
    assert (row["value_a"], row["value_b"]) == (81, 218)


def test_synthetic_generator_refuses_the_bundled_database() -> None:
    from benchmarks.synthetic_db import BUNDLED, generate

    with pytest.raises(SystemExit, match="bundled"):
        generate(f"sqlite:///{BUNDLED}", n_reports=1)
