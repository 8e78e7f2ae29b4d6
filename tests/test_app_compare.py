"""The 对比 page under AppTest on every bundled 平潭 report (the evaluator's shared test DB).

Figures are copied from the source files in data/reports/pingtan, 2023 Table B:
  2023-jtj-064 交通与建设局    新收 14, 总计 14, 予以公开 0, 部分公开 7  -> 公开率 50.0 %, n = 14
  2023-gwh-036 管委会办公室    新收 21, 总计 21, 予以公开 6, 部分公开 0  -> 公开率 28.6 %, n = 21
  2023-scj-085 市场监督管理局  新收 1,  总计 1,  予以公开 1             -> 100 % over 1: 样本小
  2023-jjf-057 经济发展局      新收 3,  总计 0                          -> 公开率 无法计算
平潭综合实验区地方税务局 has one report (2013), so none in 2023.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine
from streamlit.testing.v1 import AppTest

from nianbao.queries import common
from tests import eval_db

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60
P = "平潭综合实验区"
JTJ = P + "交通与建设局"
SCJ = P + "市场监督管理局"
GWH = P + "管委会办公室"
JJF = P + "经济发展局"
TAX = P + "地方税务局"


@pytest.fixture(scope="module", autouse=True)
def database() -> Iterator[str]:
    url = eval_db.build_db()
    # The pages read DATABASE_URL; restored after this module.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        yield url


def rid(body: str, year: int) -> int:
    e = create_engine(eval_db.build_db())
    try:
        reps = common.reports(e, common.Filters(bodies=(body,), year=year))
    finally:
        e.dispose()
    assert len(reps) == 1, reps
    return int(reps["id"].iloc[0])


def region() -> str:
    e = create_engine(eval_db.build_db())
    try:
        regs = common.regions(e)
    finally:
        e.dispose()
    return str(int(regs.loc[regs["name"] == P, "id"].iloc[0]))


def run(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "compare.py"), default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    for d in at.dataframe:
        if column in d.value.columns:
            return d.value
    raise AssertionError(f"no table with column {column!r}")


def pair_ab(at: AppTest) -> tuple[int, int]:
    return at.selectbox(key="url_a").value, at.selectbox(key="url_b").value


def test_b_follows_the_chosen_bodies_and_never_stays_stale() -> None:
    # QA: /compare?region=21&year=2023, then 交通与建设局, 市场监督管理局, 管委会办公室
    # were added one by one; B stayed 交通与建设局 · 2012 (written into the URL).
    at = run(region=region(), year="2023")
    at.multiselect(key="url_bodies").select(JTJ).run()
    # one body: its previous year, same table era (2022, 2021格式)
    assert pair_ab(at) == (rid(JTJ, 2023), rid(JTJ, 2022))
    at.multiselect(key="url_bodies").select(SCJ).run()
    # two bodies: the second body's report of the same year
    assert pair_ab(at) == (rid(JTJ, 2023), rid(SCJ, 2023))
    at.multiselect(key="url_bodies").select(GWH).run()
    assert pair_ab(at) == (rid(JTJ, 2023), rid(SCJ, 2023))
    assert "b" not in at.query_params  # a default is not written into the URL
    assert not at.warning


def test_a_b_from_an_old_link_is_replaced_when_the_bodies_change() -> None:
    at = run(region=region(), year="2023", bodies=JTJ, b=str(rid(JTJ, 2012)))
    # the link is honoured, and the cross-era pair is called what it is
    assert pair_ab(at) == (rid(JTJ, 2023), rid(JTJ, 2012))
    assert any("不能逐行对比" in w.value for w in at.warning)
    at.multiselect(key="url_bodies").select(SCJ).run()
    assert pair_ab(at) == (rid(JTJ, 2023), rid(SCJ, 2023))
    assert "b" not in at.query_params


def test_b_is_never_paired_across_table_eras_by_default() -> None:
    # 市场监督管理局 2019 (2019格式): 2018 is a legacy table, so B is 2021, the
    # nearest report of the same era (there is no 2020 report).
    at = run(year="2019", bodies=SCJ)
    assert pair_ab(at) == (rid(SCJ, 2019), rid(SCJ, 2021))
    assert not at.warning


def test_a_cross_era_pair_shows_only_the_bridging_series() -> None:
    at = run(year="2023", bodies=JTJ, a=str(rid(JTJ, 2023)), b=str(rid(JTJ, 2012)))
    (warning,) = at.warning
    assert "2021格式（2019年起的新统计表）" in warning.value
    assert "旧统计表（2019年前）" in warning.value
    series = frame_with(at, "可比性").set_index("指标")
    # 2023-jtj-064: 新收 14; 2012-jtj-211 (legacy): 收到申请 0
    row = series.loc["收到申请数 / 本年新收申请数"]
    assert (row["报告 A"], row["报告 B"], row["可比性"]) == (14, 0, "可比")
    assert series.loc["部分公开", "报告 A"] == 7
    assert all("项目" not in d.value.columns for d in at.dataframe)  # no row-by-row table


def test_side_by_side_rows_have_official_labels_not_codes() -> None:
    at = run(year="2023", bodies=f"{GWH},{JTJ}")
    assert pair_ab(at) == (rid(JTJ, 2023), rid(GWH, 2023))  # a link lists bodies in list order
    pair = frame_with(at, "项目")
    assert "代码" not in pair.columns
    assert set(pair["来源"]) <= {"统计表", "正文"}
    row = pair[pair["项目"] == "一、本年新收政府信息公开申请数量（总计）"].iloc[0]
    assert (row["报告 A"], row["报告 B"], row["差值（B−A）"]) == (14, 21, 7)
    row = pair[pair["项目"] == "（四）无法提供 1.本机关不掌握相关政府信息（总计）"].iloc[0]
    assert (row["报告 A"], row["报告 B"]) == (5, 14)


def test_a_chosen_body_without_a_report_is_named() -> None:
    at = run(year="2023", bodies=",".join([JTJ, SCJ, GWH, JJF, TAX]))
    assert [w.value for w in at.warning] == [f"{TAX}：2023年无报告"]
    assert any(c.value.startswith("5 个主体中 4 个有报告，共 4 份报告") for c in at.caption)
    # the list offers the bodies with a 2023 report, and keeps the chosen one, marked
    options = at.multiselect(key="url_bodies").options
    assert f"{TAX}（2023年无报告）" in options
    assert "平潭县交通局" not in options  # 2013 only
    assert JTJ in options


def test_small_denominators_are_flagged_and_ranked_after_real_bases() -> None:
    at = run(year="2023", bodies=",".join([JTJ, SCJ, GWH, JJF]), metric="disclosure_rate")
    table = frame_with(at, "排名")
    assert list(table["主体"]) == [JTJ, GWH, SCJ, JJF]
    t = table.set_index("主体")
    assert (t.loc[JTJ, "排名"], t.loc[JTJ, "公开率"], t.loc[JTJ, "公开率分母（办结数）"]) == (
        1,
        50,
        14,
    )
    assert t.loc[GWH, "排名"] == 2
    assert t.loc[GWH, "公开率"] == pytest.approx(600 / 21)
    # 1 of 1: shown, flagged, not ranked
    assert math.isnan(t.loc[SCJ, "排名"])
    assert (t.loc[SCJ, "公开率"], t.loc[SCJ, "公开率分母（办结数）"]) == (100, 1)
    assert "公开率样本小（分母 1）" in t.loc[SCJ, "说明"]
    # 办理结果 总计 0: no rate, and it says why
    assert math.isnan(t.loc[JJF, "公开率"]) and t.loc[JJF, "公开率分母（办结数）"] == 0
    assert "公开率无法计算（分母为0）" in t.loc[JJF, "说明"]
    assert any("样本小 1 个、无法计算 1 个" in c.value for c in at.caption)
    # the heatmap says 无法计算 for a rate over 0 and shows n beside a small one
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    heat = next(s for s in specs if s["data"][0]["type"] == "heatmap")["data"][0]
    cells = dict(zip(heat["y"], heat["text"], strict=True))
    rate_col = heat["x"].index("公开率")
    assert cells[JJF][rate_col] == "无法计算"
    assert cells[SCJ][rate_col] == "100.0%（n=1）"


def test_small_samples_can_be_ranked_on_request() -> None:
    at = run(year="2023", bodies=",".join([JTJ, SCJ, GWH]), metric="disclosure_rate")
    at.checkbox(key="small_ranked").check().run()
    assert at.query_params["small"] == ["1"] or at.query_params["small"] == "1"
    t = frame_with(at, "排名").set_index("主体")
    assert (t.loc[SCJ, "排名"], t.loc[JTJ, "排名"], t.loc[GWH, "排名"]) == (1, 2, 3)


def test_a_region_marks_the_governments_aggregate_report() -> None:
    at = run(region=region(), year="2023")
    assert any("政府汇总报告" in w.value for w in at.warning)
    t = frame_with(at, "排名").set_index("主体")
    assert t.loc[P, "范围"] == "政府（汇总报告）"
    assert t.loc[JTJ, "范围"] == "部门"
    assert t.loc[P, "收到申请数 / 本年新收申请数"] == 81  # 2023-main-017
    assert len(t) == 17  # every body with a 2023 report
