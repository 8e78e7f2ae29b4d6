"""The 总览, 趋势 and 对比 pages under Streamlit's AppTest, on the real-report test DB.

Each test checks figures the page shows (st.metric values, data-table cells,
widget values read from the URL), not only that the page ran.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine
from streamlit.testing.v1 import AppTest

from nianbao.queries import common
from tests.dashboard_db import JJF, PINGTAN, build_db

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60


@pytest.fixture(scope="module", autouse=True)
def database() -> Iterator[str]:
    url = build_db()
    # The pages read DATABASE_URL; restored after this module.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        yield url


def run(script: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / script), default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    for d in at.dataframe:
        df = d.value
        if column in df.columns:
            return df
    raise AssertionError(f"no table with column {column!r}")


def report_id(body: str, year: int) -> int:
    e = create_engine(build_db())
    try:
        reps = common.reports(e, common.Filters(bodies=(body,), year=year))
    finally:
        e.dispose()
    assert len(reps) == 1
    return int(reps["id"].iloc[0])


def seed_body() -> str:
    e = create_engine(build_db())
    try:
        keys = common.bodies(e, common.Filters())["issuer_key"]
    finally:
        e.dispose()
    return next(k for k in keys if "朝阳区" in k)


def param(at: AppTest, name: str) -> str | None:
    v = at.query_params.get(name)
    if isinstance(v, list):
        return v[0] if v else None
    return v


# ---------------------------------------------------------------- 总览


def test_overview_headline_for_a_body_and_year_from_the_url() -> None:
    at = run("dashboard.py", body=PINGTAN, year="2023")
    # the filters were read from the URL
    assert at.selectbox(key="url_body").value == PINGTAN
    assert at.selectbox(key="url_year").value == 2023
    shown = {m.label: m.value for m in at.metric}
    # pingtan/2023-main-017.txt
    assert shown["收到申请"] == "81"
    assert shown["办结"] == "81"
    assert shown["公开率"] == "51.9%"  # (22 + 20) / 81
    assert shown["行政复议"] == "2"
    assert shown["行政诉讼"] == "7"
    assert shown["主动公开"] == "13,561"  # stated in the narrative (正文)
    # no 2022 main report: no change is claimed
    assert next(m for m in at.metric if m.label == "收到申请").delta in (None, "")
    assert "1 份报告" in [c.value for c in at.caption]


def test_overview_change_from_previous_year() -> None:
    at = run("dashboard.py", body=PINGTAN, year="2024")
    m = next(m for m in at.metric if m.label == "收到申请")
    assert m.value == "218"
    assert m.delta == "+137"


def test_overview_drill_down_to_the_report_page() -> None:
    at = run("dashboard.py", body=PINGTAN, year="2023")
    picker = at.selectbox(key="head_pick")
    assert picker.options == ["选择报告…", f"{PINGTAN} · 2023"]
    picker.select_index(1).run()
    (link,) = at.get("page_link")
    assert link.proto.page == "report"
    assert link.proto.query_string == f"id={report_id(PINGTAN, 2023)}"


def test_overview_problems_panel() -> None:
    at = run("dashboard.py", year="2023")  # the failed checks of the year shown
    by_rule = frame_with(at, "规则")
    # the rule's meaning, not B1 alone
    b1 = "B1 · 申请表：上年结转＋本年新收＝办理结果总计＋结转下年"
    assert b1 in set(by_rule["规则"])
    failed = frame_with(at, "说明")
    assert ((failed["主体"] == JJF) & (failed["年份"] == 2023) & (failed["规则"] == b1)).any()
    gaps = frame_with(at, "缺失年份")
    assert ((gaps["主体"] == PINGTAN) & (gaps["缺失年份"] == 2022)).any()


def test_overview_writes_filters_into_the_url() -> None:
    at = run("dashboard.py", body=PINGTAN)
    at.selectbox(key="url_year").set_value(2023).run()
    assert param(at, "year") == "2023"
    assert param(at, "body") == PINGTAN
    assert next(m for m in at.metric if m.label == "收到申请").value == "81"


# ---------------------------------------------------------------- 趋势


def test_trends_series_for_a_body() -> None:
    at = run("pages/trends.py", bodies=PINGTAN, metric="requests_received")
    assert at.multiselect(key="url_bodies").value == [PINGTAN]
    assert at.selectbox(key="url_metric").value == "requests_received"
    table = frame_with(at, "报告数")
    values = dict(zip(table["年份"], table.iloc[:, 2], strict=True))
    assert values[2023] == 81
    assert values[2024] == 218


def test_trends_change_metric_round_trips_through_the_url() -> None:
    at = run("pages/trends.py", bodies=PINGTAN)
    at.selectbox(key="url_metric").set_value("reviews").run()
    assert param(at, "metric") == "reviews"
    table = frame_with(at, "报告数")
    assert dict(zip(table["年份"], table.iloc[:, 2], strict=True))[2023] == 2


def test_trends_blank_cell_is_shown_missing_with_a_count() -> None:
    body = seed_body()
    at = run("pages/trends.py", bodies=body, metric="partially_disclosed")
    assert any("1 份报告" in w.value and "空白" in w.value for w in at.warning)
    table = frame_with(at, "缺失数")
    row = table[table["年份"] == 2016].iloc[0]
    assert math.isnan(row.iloc[2])  # the value: blank, not 0
    assert row["缺失数"] == 1


def test_trends_disputes_view() -> None:
    at = run("pages/trends.py", bodies=PINGTAN, view="disputes")
    table = frame_with(at, "纠错率")
    row = table[(table["年份"] == 2023) & (table["类型"] == "行政复议")].iloc[0]
    assert (row["总数"], row["纠错"], row["纠错率"]) == (2, 1, 0.5)


# ---------------------------------------------------------------- 对比


def test_compare_ranking_with_rates_and_counts() -> None:
    at = run("pages/compare.py", year="2023", bodies=f"{PINGTAN},{JJF}")
    assert at.selectbox(key="url_year").value == 2023
    assert at.multiselect(key="url_bodies").value == [PINGTAN, JJF]
    table = frame_with(at, "排名").set_index("主体")
    assert table.loc[PINGTAN, "收到申请数 / 本年新收申请数"] == 81
    assert table.loc[PINGTAN, "公开率"] == pytest.approx(4200 / 81)
    assert table.loc[PINGTAN, "报告数"] == 1
    assert table.loc[PINGTAN, "排名"] == 1
    # 经济发展局 2023: 办理结果 总计 0, so no 公开率 (not 0%)
    assert table.loc[JJF, "收到申请数 / 本年新收申请数"] == 3
    assert math.isnan(table.loc[JJF, "公开率"])


def test_compare_two_reports_side_by_side() -> None:
    a = report_id(PINGTAN, 2023)
    b = report_id(PINGTAN, 2024)
    at = run("pages/compare.py", year="2023", bodies=PINGTAN, a=str(a), b=str(b))
    assert at.selectbox(key="url_a").value == a
    assert at.selectbox(key="url_b").value == b
    pair = frame_with(at, "差值（B−A）")
    assert "代码" not in pair.columns
    row = pair[pair["项目"] == "一、本年新收政府信息公开申请数量（总计）"].iloc[0]
    assert (row["报告 A"], row["报告 B"], row["差值（B−A）"]) == (81, 218, 137)


# ---------------------------------------------------------------- safe text


def _literal_app() -> None:
    from nianbao import ui

    ui.show_text("<script>alert(1)</script> 见[链接](http://evil.example)")
    ui.report_link(7, "<script>x</script>[点我](http://evil.example)")


def test_report_text_is_shown_literally() -> None:
    at = AppTest.from_function(_literal_app, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert at.text[0].value == "<script>alert(1)</script> 见[链接](http://evil.example)"
    link = at.markdown[0].value
    # every markdown/HTML character of the label is escaped; only our own link is live
    assert "\\<script\\>" in link and "\\[点我\\]\\(http\\:" in link
    assert link.endswith("(/report?id=7)")
    label = link[link.index("[") + 1 : link.rindex("](")]
    assert label.replace("\\", "") == "<script>x</script>[点我](http://evil.example)"


def test_trends_one_line_per_region() -> None:
    e = create_engine(build_db())
    try:
        regs = common.regions(e)
    finally:
        e.dispose()
    pingtan = int(regs.loc[regs["name"] == PINGTAN, "id"].iloc[0])
    at = run("pages/trends.py", regions=str(pingtan), metric="requests_received", scope="all")
    assert at.multiselect(key="url_regions").value == [pingtan]
    table = frame_with(at, "报告数")
    rows = table[table["年份"] == 2023].set_index("主体 / 地区")
    # 2023, one line per scope, never added up: the main report 81 (2023-main-017.txt),
    # and 经济发展局 3 + 财政金融局 0 (2023-jjf-057.txt, 2023-czj-024.txt)
    gov = rows.loc[f"{PINGTAN} · 政府"]
    assert (gov.iloc[1], gov["报告数"]) == (81, 1)
    dep = rows.loc[f"{PINGTAN} · 部门合计"]
    assert (dep.iloc[1], dep["报告数"]) == (3, 2)


@pytest.mark.parametrize("script", ["dashboard.py", "pages/trends.py", "pages/compare.py"])
def test_a_database_without_reports_gets_a_message_not_a_traceback(
    script: str, tmp_path: Path
) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.db'}"
    try:
        at = AppTest.from_file(str(ROOT / script), default_timeout=TIMEOUT)
        at.run()
    finally:
        os.environ["DATABASE_URL"] = build_db()
    assert not at.exception
    assert any("nianbao ingest" in i.value for i in at.info)


def test_overview_blank_cell_makes_a_rate_missing_not_zero() -> None:
    # seed (长春市朝阳区 2016): 同意公开 2, 同意部分公开 blank, 答复 2 — the rate is unknown
    at = run("dashboard.py", body=seed_body(), year="2016")
    shown = {m.label: m.value for m in at.metric}
    assert shown["收到申请"] == "2"
    assert shown["公开率"] == "缺失"
    captions = [c.value for c in at.caption]
    assert "0 份报告，1 份缺失" in captions
