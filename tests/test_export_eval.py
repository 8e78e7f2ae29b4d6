"""The 评估 workbook and the search CSV, read back and compared with what the page shows."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from nianbao.db import get_engine
from nianbao.export_eval import read_tables, search_csv, sheet_name, workbook_bytes
from nianbao.queries.common import Filters
from nianbao.queries.evaluation import Workbench, ranking, workbench
from nianbao.search import search
from tests.eval_db import build_db, report_id


@pytest.fixture(scope="module")
def engine() -> Engine:
    return get_engine(build_db())


def _same(shown: pd.DataFrame, back: pd.DataFrame) -> None:
    """Same columns, same rows, same values (a blank cell both sides, never 0)."""
    assert list(back.columns) == list(shown.columns)
    assert len(back) == len(shown)
    for (_, a), (_, b) in zip(shown.iterrows(), back.iterrows(), strict=True):
        for col in shown.columns:
            x, y = a[col], b[col]
            if isinstance(x, str) and x == "":
                assert y is None or y == "" or pd.isna(y), (col, x, y)  # Excel: no empty strings
            elif pd.isna(x):
                assert y is None or pd.isna(y), (col, x, y)
            elif isinstance(x, float):
                assert y == pytest.approx(x), (col, x, y)
            else:
                assert y == x or str(y) == str(x), (col, x, y)


def test_the_workbook_holds_the_scorecards_rankings_and_problem_lists(engine: Engine) -> None:
    wb = workbench(engine, Filters(year=2023))
    ranked, hidden = ranking(wb.cards, 5)
    data = workbook_bytes(wb, ranked, header=["评估：2023年"])
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "汇总"
    assert len(book.sheetnames) == 1 + len(wb.cards) == 1 + 17
    summary = read_tables(data, "汇总")
    _same(wb.cards, summary["评分卡"])
    _same(ranked, summary["排名"])
    assert hidden == 0

    jjf = report_id(engine, "2023-jjf-057.txt")
    (name,) = [n for n in book.sheetnames if n.startswith(f"{jjf} ")]
    assert name == f"{jjf} 平潭综合实验区经济发展局 2023"
    sheet = read_tables(data, name)
    _same(
        wb.indicators[wb.indicators.report_id == jjf].drop(columns="report_id"), sheet["指标得分"]
    )
    problems = sheet["问题清单"]
    _same(wb.problems[wb.problems.report_id == jjf].drop(columns="report_id"), problems)
    t1 = problems[problems["规则"] == "T1"].iloc[0]
    assert t1["状态"] == "不通过" and t1["指标"] == "数据准确" and t1["来源"] == "评估"
    assert "正文：收到申请 0" in t1["说明"] and "申请数量 3" in t1["说明"]
    assert book[name]["D2"].value == f"/report?id={jjf}"


def test_blank_scores_stay_blank_and_text_never_becomes_a_formula() -> None:
    cards = pd.DataFrame(
        [
            {
                "report_id": 1,
                "主体": '=HYPERLINK("http://x")',
                "年份": None,
                "范围": "部门",
                "总分": float("nan"),
            }
        ]
    )
    problems = pd.DataFrame(
        [
            {
                "report_id": 1,
                "序号": 1,
                "状态": "不通过",
                "指标": "数据准确",
                "规则": "T1",
                "对象": "",
                "说明": "=1+1",
                "来源": "评估",
            }
        ]
    )
    wb = Workbench(cards, pd.DataFrame(columns=["report_id", "指标"]), problems)
    data = workbook_bytes(wb)
    book = load_workbook(io.BytesIO(data))
    summary = book["汇总"]
    assert summary["B3"].value == '=HYPERLINK("http://x")' and summary["B3"].data_type == "s"
    assert summary["E3"].value is None  # NaN score: blank, not 0
    report_sheet = book[book.sheetnames[1]]
    cells = [c for row in report_sheet.iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_sheet_names_are_valid_and_unique() -> None:
    taken: set[str] = {"汇总"}
    a = sheet_name(7, "某某市[测试]:局/办公室" * 3, 2023, taken)
    b = sheet_name(7, "某某市[测试]:局/办公室" * 3, 2023, taken)
    assert len(a) <= 31 and len(b) <= 31 and a != b
    assert not set("[]:*?/\\") & set(a + b)
    assert a.endswith(" 2023")


def test_only_the_first_report_sheets_when_there_are_many(engine: Engine) -> None:
    wb = workbench(engine, Filters(year=2023))
    book = load_workbook(io.BytesIO(workbook_bytes(wb, max_sheets=3)))
    assert len(book.sheetnames) == 4
    assert "只写出前 3 份（共 17 份）" in book["汇总"]["A1"].value


def test_search_results_to_csv(engine: Engine) -> None:
    res = search(engine, "信息公开申请0条")
    data = search_csv(res.table, "信息公开申请0条")
    assert data.startswith(b"\xef\xbb\xbf")  # utf-8-sig: Excel reads the Chinese right
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back.columns) == [
        "报告ID",
        "主体",
        "地区",
        "年份",
        "部分",
        "部分标题",
        "命中次数",
        "摘录",
        "链接",
    ]
    (row,) = back.itertuples(index=False)
    jjf = report_id(engine, "2023-jjf-057.txt")
    assert row[0] == jjf and row[1] == "平潭综合实验区经济发展局" and row[3] == 2023
    assert row[4] == "三" and row[6] == 1
    assert row[7].startswith("2023年，共收到政府【信息公开申请0条】。")
    assert (
        row[8]
        == f"/report?id={jjf}&q=%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E7%94%B3%E8%AF%B70%E6%9D%A1"
    )
