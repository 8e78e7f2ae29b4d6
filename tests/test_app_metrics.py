"""AppTest of 指标说明 on the small database of real report rows (build_small_db).

The page speaks the official tables' words: labels, units, Chinese format
names and comparability; no metric codes, file paths or English unless the
user asks for the codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_report_queries import build_small_db

from loaders.catalog import metrics as catalog_metrics

PAGE = Path(__file__).resolve().parents[1] / "pages" / "metrics.py"
LATIN = re.compile(r"[A-Za-z]{2,}")  # a code word, a path or English; 'B' alone is not


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('metricsdb') / 'app.sqlite'}"
    build_small_db(url).dispose()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        yield url


def _run() -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _frame_with(at: AppTest, *columns: str) -> pd.DataFrame:
    for d in at.dataframe:
        if all(c in d.value.columns for c in columns):
            return d.value
    raise AssertionError(f"no table with columns {columns}")


def _visible_text(at: AppTest) -> list[str]:
    texts = [e.value for e in (*at.markdown, *at.caption, *at.header)]
    for widget in (*at.radio, *at.text_input, *at.toggle):
        texts.append(widget.label)
    for radio in at.radio:
        texts.extend(str(o) for o in radio.options)
    for d in at.dataframe:
        texts.extend(str(c) for c in d.value.columns)
        texts.extend(str(v) for v in d.value.astype(str).to_numpy().ravel())
    return texts


def test_metrics_page_speaks_the_tables_words(db_url: str) -> None:
    at = _run()
    series = _frame_with(at, "系列", "跨时期可比性").set_index("系列")
    assert len(series) == 14
    received = series.loc["收到申请数 / 本年新收申请数"]
    assert received["2019年以前（旧统计表）"] == "「（一）收到申请数」"
    assert received["2019年以后"] == "「一、本年新收政府信息公开申请数量」（总计列）"
    assert received["跨时期可比性"] == "可比"
    assert received["适用格式"] == "旧统计表、2019格式、2021格式"
    assert series.loc["不予公开", "跨时期可比性"] == "近似可比"
    assert series.loc["政府信息公开工作人员", "2019年以后"] == "正文中写明的数字"
    assert series.loc["政府信息公开工作人员", "跨时期可比性"] == "2019年后仅见于正文"

    metrics = _frame_with(at, "官方名称", "所在表格", "数字个数")
    assert len(metrics) == len(catalog_metrics())
    one = metrics[metrics["官方名称"] == "一、本年新收政府信息公开申请数量"].iloc[0]
    assert one["所在表格"] == "收到和处理政府信息公开申请情况表"
    assert (one["单位"], one["适用格式"], one["按申请人分列"]) == ("件", "2019格式、2021格式", "是")
    assert one["数字个数"] == 14  # 2 reports × 7 applicant columns
    assert one["报告数"] == 2
    extended = metrics[metrics["官方名称"] == "2.延期办结数"].iloc[0]
    assert extended["数字个数"] == 1  # a blank cell is counted: the report printed the row
    assert extended["上级项目"] == "（二）申请办结数"
    money = metrics[metrics["官方名称"].str.startswith("七、依申请公开信息收取的费用")].iloc[0]
    assert (money["单位"], money["所在表格"]) == ("万元", "旧统计表（2019年以前）")

    # No metric codes, file paths or English anywhere the user reads.
    leaks = [t for t in _visible_text(at) if LATIN.search(t)]
    assert not leaks, leaks[:5]
    assert "text" not in at.radio[0].options
    assert "报告正文" in at.radio[0].options


def test_metrics_page_filters_and_shows_codes_on_request(db_url: str) -> None:
    at = _run()
    at.radio[0].set_value("行政复议、行政诉讼情况表").run()
    shown = _frame_with(at, "官方名称", "所在表格")
    assert set(shown["所在表格"]) == {"行政复议、行政诉讼情况表"}
    assert len(shown) == 15
    at.text_input[0].input("复议").run()
    found = _frame_with(at, "官方名称", "所在表格")
    assert len(found) >= 1 and all("复议" in label for label in found["官方名称"])
    assert "指标代码" not in found.columns
    at.toggle[0].set_value(True).run()
    coded = _frame_with(at, "官方名称", "指标代码")
    assert "review.total" in set(coded["指标代码"])
    assert "系列代码" in _frame_with(at, "系列", "跨时期可比性").columns
