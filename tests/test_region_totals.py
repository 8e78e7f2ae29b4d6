"""Region totals on 总览 and 趋势 never add reports of different scopes (QA 1, 2).

The database holds every bundled 平潭综合实验区 report (data/reports/pingtan,
205 files). The zone's own report aggregates its departments ("汇总平潭综合实验区
各有关单位", 2023-main-017.txt), so a region figure that added it to the
departments' reports would count the same applications twice (QA: 150 = 81 + 69).

Expected figures are read off the source files' Table B, row
"一、本年新收政府信息公开申请数量", 总计 column (the last number of the row):

2023  政府      main-017 81
      部门 (12) czj-024 0, gwh-036 21, gyz-043 0, hzs-050 7, jjf-057 3, jtj-064 14,
                lyy-071 0, nyn-078 0, scj-085 1, shs-092 1, zhz-099 0, zrz-106 19 = 66
      乡镇街道 (4 片区) htp-112 0, jjp-119 1, jsp-126 2, spp-133 0 = 3
2022  政府      no report (no 2022-main file) — a gap
      部门 (11) czj-023 1, gaj-030 1, gyz-042 0, hzs-049 4, jjf-056 3, jtj-063 11,
                lyy-070 1, nyn-077 0, scj-084 3, shs-091 3, zhz-098 0
2021  政府      main-015 70 (64 + 2 + 4)
Like for like 2023 vs 2022, 部门: the ten bodies with a report in both years
(czj gyz hzs jjf jtj lyy nyn scj shs zhz) had 26 in 2023 and 26 in 2022;
left out: 2023 gwh and zrz (2 reports), 2022 gaj (1 report).
"""

from __future__ import annotations

import base64
import json
import math
import os
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine
from streamlit.testing.v1 import AppTest

from nianbao.queries import common, overview, trends

ROOT = Path(__file__).resolve().parent.parent
FILES = tuple(sorted((ROOT / "data" / "reports" / "pingtan").glob("*.txt")))
ZONE = "平潭综合实验区"
TIMEOUT = 60


@cache
def build_db() -> str:
    """Every 平潭 report, on SQLite (or PostgreSQL with NIANBAO_TEST_PG=1)."""
    from nianbao.store import ingest_paths

    if os.environ.get("NIANBAO_TEST_PG") == "1":
        from tests.conftest import _process_cluster

        url = _process_cluster().create_database("region")
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='nianbao-region-')) / 'pingtan.db'}"
    summary = ingest_paths(FILES, url=url, progress=False)
    assert not summary.failures, summary.failures
    return url


@pytest.fixture(scope="module", autouse=True)
def database() -> Iterator[str]:
    url = build_db()
    # The pages read DATABASE_URL; restored after this module.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        yield url


@cache
def region_id() -> int:
    e = create_engine(build_db())
    try:
        regs = common.regions(e)
    finally:
        e.dispose()
    return int(regs.loc[regs["name"] == ZONE, "id"].iloc[0])


def run(script: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / script), default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _array(v: object) -> list[float]:
    """A plotly JSON array: a list, or a typed array {'dtype', 'bdata' (base64)}."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return [float("nan") if x is None else x for x in v]  # type: ignore[union-attr]


def received(at: AppTest) -> list[str]:
    """The 收到申请 figures shown, in page order (one per scope block)."""
    return [m.value for m in at.metric if m.label == "收到申请"]


# ---------------------------------------------------------------- 总览


def test_overview_region_default_is_the_governments_own_report() -> None:
    at = run("dashboard.py", region=str(region_id()), year="2023")
    assert at.selectbox(key="scope_total").value == "government"
    assert received(at) == ["81"]  # 2023-main-017.txt, not 150 = 81 + 66 + 3
    captions = [c.value for c in at.caption]
    assert "1 份报告" in captions
    # no 2022 zone report: no change is claimed, and the page says why
    m = next(m for m in at.metric if m.label == "收到申请")
    assert m.delta in (None, "")
    assert any("无可比报告" in c for c in captions)


def test_overview_department_total_with_like_for_like_change() -> None:
    at = run("dashboard.py", region=str(region_id()), year="2023", scope="department")
    assert received(at) == ["66"]
    m = next(m for m in at.metric if m.label == "收到申请")
    assert m.delta == "+0"  # 26 → 26 over the ten bodies with reports in both years
    captions = [c.value for c in at.caption]
    assert "12 份报告" in captions
    assert "可比：10 份（两年都有报告的机关）；未计入比较：本年 2 份，上年 1 份" in captions


def test_overview_all_scopes_side_by_side_never_summed() -> None:
    at = run("dashboard.py", region=str(region_id()), year="2023", scope="all")
    assert received(at) == ["81", "66", "3"]  # 政府, 部门合计, 乡镇街道合计
    shown = {m.value for m in at.metric}
    assert "150" not in shown and "69" not in shown
    assert [m.value for m in at.markdown][:3] == ["**政府**", "**部门合计**", "**乡镇街道合计**"]
    assert any("不给总计" in i.value and "重复计算" in i.value for i in at.info)


def test_headline_query_like_for_like_counts() -> None:
    e = create_engine(build_db())
    try:
        head = overview.headline(e, common.Filters(region_id=region_id()), 2023)
    finally:
        e.dispose()
    row = head.set_index(["scope", "key"]).loc[("department", "requests_received")]
    assert (row["value"], row["n_reports"], row["n_missing"]) == (66, 12, 0)
    assert (row["cmp_value"], row["prev_value"], row["change"]) == (26, 26, 0)
    assert (row["n_comparable"], row["n_cur_left"], row["n_prev_left"]) == (10, 2, 1)
    town = head.set_index(["scope", "key"]).loc[("township", "requests_received")]
    assert (town["value"], town["n_reports"]) == (3, 4)
    assert 150 not in set(head["value"])


# ---------------------------------------------------------------- 趋势


def test_trend_zone_line_has_a_gap_in_2022_not_a_dip() -> None:
    at = run("pages/trends.py", region=str(region_id()), metric="requests_received")
    table = next(d.value for d in at.dataframe if "说明" in d.value.columns)
    gov = table[table["主体 / 地区"] == "政府"].set_index("年份")
    value = gov["收到申请数 / 本年新收申请数"]
    assert value[2021] == 70
    assert math.isnan(value[2022])
    assert gov.loc[2022, "报告数"] == 0 and gov.loc[2022, "说明"] == "该年没有可用的报告"
    assert value[2023] == 81
    assert set(table["主体 / 地区"]) == {"政府"}  # the default: the region's own report
    # the chart gets the gap as a missing point (a break), not 0 and not skipped
    chart = at.get("plotly_chart")[0]  # the trend line; the breakdown chart follows
    (trace,) = json.loads(chart.proto.spec)["data"]
    assert trace["connectgaps"] is False
    points = dict(zip(_array(trace["x"]), _array(trace["y"]), strict=True))
    assert math.isnan(points[2022]) and points[2021] == 70 and points[2023] == 81
    assert any("2022" in c.value and "图中断开" in c.value for c in at.caption)


def test_trend_all_scopes_one_line_each() -> None:
    at = run("pages/trends.py", region=str(region_id()), scope="all")
    table = next(d.value for d in at.dataframe if "说明" in d.value.columns)
    y2023 = table[table["年份"] == 2023].set_index("主体 / 地区")["收到申请数 / 本年新收申请数"]
    assert y2023.to_dict() == {"政府": 81, "部门合计": 66, "乡镇街道合计": 3}


def test_trend_rate_series_with_its_reports() -> None:
    # 公开率 2023 of the zone: (22 予以公开 + 20 部分公开) / 81 办结 (2023-main-017.txt)
    e = create_engine(build_db())
    try:
        f = common.Filters(region_id=region_id(), scope="government")
        line = trends.series_by_year(e, f, "disclosure_rate", "all").set_index("year")
    finally:
        e.dispose()
    assert line.loc[2023, "value"] == pytest.approx(4200 / 81)
    assert line.loc[2023, "n_reports"] == 1
    assert math.isnan(line.loc[2022, "value"]) and line.loc[2022, "n_reports"] == 0
    at = run("pages/trends.py", region=str(region_id()), metric="disclosure_rate")
    assert at.selectbox(key="url_metric").value == "disclosure_rate"
    assert at.subheader[0].value == "公开率"


def test_trend_captions_and_picker_show_no_codes() -> None:
    at = run("pages/trends.py", region=str(region_id()))
    picker = at.selectbox(key="url_metric")
    assert not any("requests.received" in o for o in picker.options)
    caption = next(c.value for c in at.caption if c.value.startswith("跨时期序列"))
    assert "legacy." not in caption and "[total]" not in caption
    assert "「一、本年新收政府信息公开申请数量」" in caption


def test_an_unreadable_cell_is_uncertain_not_blank() -> None:
    # pingtan/2012-czj-205.txt, 统计表: "主动公开信息数 条 2626" — the 2012 figure and
    # the running total (历年累计) are printed together and cannot be split.
    body = "平潭综合实验区财政金融局"
    at = run("pages/trends.py", bodies=body, metric="proactive_items")
    assert any("1 份报告的这一数值无法确定" in w.value for w in at.warning)
    assert not any("为空白" in w.value for w in at.warning)  # not counted as a blank cell
    table = next(d.value for d in at.dataframe if "说明" in d.value.columns)
    row = table[table["年份"] == 2012].iloc[0]
    assert math.isnan(row.iloc[2]) and (row["缺失数"], row["其中存疑"]) == (1, 1)
    assert "无法确定" in row["说明"]


# ---------------------------------------------------------------- two 政府 reports of one region
# 2011–2013 the region has two 政府 reports: 平潭县人民政府 (2012-county-004.txt:
# 受理依申请公开信息总数 21, 主动公开信息数 2026) and 平潭综合实验区
# (2012-main-005.txt: 0 and 739). The 政府 figure adds them (21, 2,765); whether
# one contains the other cannot be told, so the page names both reports.


def _government_report(issuer: str, year: int) -> int:
    e = create_engine(build_db())
    try:
        f = common.Filters(region_id=region_id(), scope="government", year=year)
        reps = common.reports(e, f)
    finally:
        e.dispose()
    (rid,) = reps.loc[reps["issuer"] == issuer, "id"]
    return int(rid)


def _shared_notes(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "同一地区" in w.value]


def test_overview_names_two_government_reports_of_one_region() -> None:
    at = run("dashboard.py", region=str(region_id()), year="2012")
    assert received(at) == ["21"]
    assert next(m.value for m in at.metric if m.label == "主动公开") == "2,765"
    assert "2 份报告" in [c.value for c in at.caption]
    county = _government_report("平潭县人民政府", 2012)
    zone = _government_report(ZONE, 2012)
    assert _shared_notes(at) == [
        f"2012年有 2 份政府年报属于同一地区（[平潭县人民政府](/report?id={county})、"
        f"[平潭综合实验区](/report?id={zone})），是否互相包含无法从报告判断，合计可能重复。"
    ]


def test_overview_no_shared_note_for_one_government_report() -> None:
    at = run("dashboard.py", region=str(region_id()), year="2023")
    assert received(at) == ["81"]
    assert _shared_notes(at) == []
    # 12 department reports of the region are 12 bodies, not one report twice
    at = run("dashboard.py", region=str(region_id()), year="2023", scope="department")
    assert _shared_notes(at) == []


def test_overview_parent_region_names_the_region() -> None:
    e = create_engine(build_db())
    try:
        regs = common.regions(e)
    finally:
        e.dispose()
    province = int(regs.loc[regs["name"] == "福建省", "id"].iloc[0])
    (note,) = _shared_notes(run("dashboard.py", region=str(province), year="2013"))
    assert note.startswith("2013年有 2 份政府年报属于同一地区「平潭综合实验区」（[平潭县人民政府]")
    assert _shared_notes(run("dashboard.py", region=str(province), year="2014")) == []


def test_trend_lists_the_years_with_two_government_reports() -> None:
    at = run("pages/trends.py", region=str(region_id()), metric="requests_received")
    (note,) = _shared_notes(at)
    lines = note.split("  \n")
    assert lines[0] == "政府合计可能重复计算的年份："
    assert [x[:5] for x in lines[1:]] == ["2011年", "2012年", "2013年"]
    assert f"[平潭县人民政府](/report?id={_government_report('平潭县人民政府', 2012)})" in lines[2]
    assert f"[平潭综合实验区](/report?id={_government_report(ZONE, 2012)})" in lines[2]
    table = next(d.value for d in at.dataframe if "说明" in d.value.columns)
    gov = table[table["主体 / 地区"] == "政府"].set_index("年份")
    assert (gov.loc[2012, "收到申请数 / 本年新收申请数"], gov.loc[2012, "报告数"]) == (21, 2)
    assert gov.loc[2014, "报告数"] == 1
    # 部门合计 only: no 政府 figure, no note
    assert _shared_notes(run("pages/trends.py", region=str(region_id()), scope="department")) == []


def test_shared_region_reports_query() -> None:
    e = create_engine(build_db())
    try:
        f = common.Filters(region_id=region_id(), scope="government")
        n, shared = common.shared_region_reports(e, f)
        n_2023, none = common.shared_region_reports(e, f.with_(year=2023))
        n_lim, first = common.shared_region_reports(e, f, limit=1)
    finally:
        e.dispose()
    assert n == 3 and sorted(set(shared["year"])) == [2011, 2012, 2013]
    assert set(shared.loc[shared["year"] == 2012, "issuer"]) == {"平潭县人民政府", ZONE}
    assert n_2023 == 0 and none.empty
    assert n_lim == 3 and set(first["year"]) == {2011} and len(first) == 2
