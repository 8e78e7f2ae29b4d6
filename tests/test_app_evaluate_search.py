"""AppTest tests of the pages 评估 and 全文检索 on the evaluated real 平潭 reports.

The pages run standalone (AppTest.from_file) on tests/eval_db.py's database;
the tests assert the figures the pages show, and that the Excel / CSV the
page offers hold exactly the tables shown.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from loaders.model import CheckResult
from nianbao.db import get_engine
from nianbao.evaluate.scorecard import score, with_weights
from nianbao.export_eval import read_tables
from nianbao.models_eval import IndicatorProfile
from nianbao.queries.evaluation import results_for
from tests.eval_db import build_db, report_id

PAGES = Path(__file__).resolve().parents[1] / "pages"
TIMEOUT = 90


@pytest.fixture(scope="module")
def db_url() -> Iterator[str]:
    url = build_db()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        yield url


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    add = MediaFileManager.add

    def spy(
        self: Any, data: Any, mimetype: str, coordinates: str, file_name: Any = None, **kw: Any
    ) -> Any:
        if isinstance(data, bytes) and file_name:
            files[file_name] = data
        return add(self, data, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add", spy)
    return files


def _run(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / page), default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _frame(at: AppTest, *columns: str) -> pd.DataFrame:
    for df in at.dataframe:
        v = df.value
        data = v.data if hasattr(v, "data") else v
        if all(c in data.columns for c in columns):
            return data
    raise AssertionError(f"no table with {columns}")


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# --- 评估 ---------------------------------------------------------------------------


def test_evaluate_page_2023_scorecards_and_the_jjf_problem_list(
    db_url: str, downloads: dict[str, bytes]
) -> None:
    engine = get_engine(db_url)
    jjf = report_id(engine, "2023-jjf-057.txt")
    at = _run("evaluate.py", year="2023")
    assert _metrics(at)["报告数"] == "17"
    cards = _frame(at, "主体", "总分", "样本量（有结果的规则数）")
    assert len(cards) == 17
    row = cards[cards["report_id"] == jjf].iloc[0]
    expected = score(
        [
            CheckResult(r.rule, r.status, r.detail, r.subject)
            for r in results_for(engine, [jjf]).itertuples()
        ]
    )
    assert row["总分"] == pytest.approx(round(expected.score or 0, 1))
    assert row["数据准确"].startswith("不通过") and row["按时发布"] == "通过 100"
    assert row["报告页"] == f"/report?id={jjf}"
    assert "评估了 207 份报告" in " ".join(c.value for c in at.caption)

    at.selectbox(key="problem_report").set_value(jjf).run()
    assert not at.exception
    problems = _frame(at, "序号", "状态", "规则", "对象")
    t1 = problems[problems["规则"] == "T1"]
    assert list(t1["对象"]) == ["收到申请"] and list(t1["状态"]) == ["不通过"]
    details = [e for e in at.expander if "T1 收到申请" in e.label]
    assert details and "一、本年新收政府信息公开申请数量 3" in details[0].text[0].value

    # The Excel the page offers holds what it shows.
    (data,) = [v for k, v in downloads.items() if k.endswith(".xlsx")]
    summary = read_tables(data, "汇总")
    assert list(summary["评分卡"]["report_id"]) == list(cards["report_id"])
    assert list(summary["评分卡"]["总分"]) == pytest.approx(list(cards["总分"]))
    ranking = _frame(at, "排名", "总分")
    assert list(summary["排名"]["report_id"]) == list(ranking["report_id"])


def test_evaluate_page_weights_change_the_score(db_url: str) -> None:
    engine = get_engine(db_url)
    gyz = report_id(engine, "2025-gyz-045.txt")  # published late: D1 fails
    at = _run("evaluate.py", year="2025")
    before = _frame(at, "总分").set_index("report_id")["总分"][gyz]
    at.number_input(key="w::默认（参照中国社会科学院评估实践）::timeliness").set_value(0.0).run()
    assert not at.exception
    after = _frame(at, "总分").set_index("report_id")["总分"][gyz]
    results = [
        CheckResult(r.rule, r.status, r.detail, r.subject)
        for r in results_for(engine, [gyz]).itertuples()
    ]
    assert before == pytest.approx(round(score(results).score or 0, 1))
    assert after == pytest.approx(
        round(score(results, with_weights({"timeliness": 0})).score or 0, 1)
    )
    assert after > before


def test_evaluate_page_saves_a_weight_profile(db_url: str) -> None:
    at = _run("evaluate.py", year="2025")
    at.number_input(key="w::默认（参照中国社会科学院评估实践）::originality").set_value(30.0).run()
    at.text_input(key="profile_name").set_value("测试方案 雷同加倍").run()
    at.button(key="save_profile").click().run()
    assert not at.exception
    assert any("已保存方案「测试方案 雷同加倍」" in s.value for s in at.success)
    with get_engine(db_url).connect() as conn:
        saved = conn.scalar(
            select(IndicatorProfile.weights).where(IndicatorProfile.name == "测试方案 雷同加倍")
        )
    assert saved is not None and '"originality": 30.0' in saved
    assert "测试方案 雷同加倍" in at.selectbox(key="profile").options


def test_evaluate_page_ranking_threshold_hides_reports(db_url: str) -> None:
    at = _run("evaluate.py", year="2025")
    at.number_input(key="min_rules").set_value(100).run()
    assert not at.exception
    assert any("参与排名 n = 0 份报告；15 份因样本量不足 100 条规则" in c.value for c in at.caption)


def test_evaluate_page_without_a_database_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    at = AppTest.from_file(str(PAGES / "evaluate.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert at.info or at.error


# --- 全文检索 ---------------------------------------------------------------------------


def test_search_page_finds_the_passage_and_links_to_it(
    db_url: str, downloads: dict[str, bytes]
) -> None:
    engine = get_engine(db_url)
    jjf = report_id(engine, "2023-jjf-057.txt")
    at = _run("search.py", q="信息公开申请0条")
    assert any(c.value.startswith("共 1 段匹配（1 份报告）") for c in at.caption)
    md = [m.value for m in at.markdown]
    assert any(f"(/report?id={jjf}&q=%E4%BF%A1" in m and "第三部分" in m for m in md)
    assert any(":orange-background[信息公开申请0条]" in m for m in md)
    table = _frame(at, "主体", "摘录")
    assert list(table["report_id"]) == [jjf]
    csv = pd.read_csv(io.BytesIO(downloads["全文检索.csv"]), encoding="utf-8-sig")
    assert list(csv["报告ID"]) == [jjf] and list(csv["摘录"]) == list(table["摘录"])


def test_search_page_two_characters_and_filters(db_url: str) -> None:
    at = _run("search.py", q="复议", year="2023", section="四")
    assert any("少于 3 个字符" in i.value for i in at.info)
    table = _frame(at, "主体", "年份", "部分")
    assert set(table["年份"]) == {2023} and set(table["部分"]) == {"四"}
    assert "平潭综合实验区经济发展局" in set(table["主体"])
    n = len(table)
    assert any(c.value.startswith(f"共 {n} 段匹配") for c in at.caption)


def test_search_page_escapes_document_text(db_url: str) -> None:
    at = _run("search.py", q="《条例》")
    md = " ".join(m.value for m in at.markdown)
    assert "<" not in md.replace("&lt;", "")  # nothing from a document is HTML
    assert _frame(at, "摘录")["摘录"].str.contains("【《条例》】").all()


def test_search_page_nothing_found(db_url: str) -> None:
    at = _run("search.py", q="不存在的检索词甲乙丙")
    assert any("没有找到包含「不存在的检索词甲乙丙」的段落" in i.value for i in at.info)
