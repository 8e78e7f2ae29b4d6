"""数据 page on the shared dashboard test database (real reports through the real pipeline).

The table leads with 机关/年度/指标/数值, tells blank cells from undecided ones
(状态), and its two downloads hold every filtered row — built when a button is
pressed, and both still there after the other one was used (QA 8).
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from nianbao.queries import facts as fq
from tests.dashboard_db import PINGTAN, ROOT, build_db

TIMEOUT = 60


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    db = build_db()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", db)
        yield db


class _Downloads:
    """The deferred downloads a run registers: (manager, file id) by file name.

    Nothing is built at registration; a test builds a file the way the
    server does when the browser asks for it (execute_deferred).
    """

    def __init__(self, mp: pytest.MonkeyPatch) -> None:
        self.ids: dict[str, tuple[MediaFileManager, str]] = {}
        original = MediaFileManager.add_deferred
        ids = self.ids

        def spy(self: Any, data_callable: Any, mimetype: Any, coordinates: str, **kw: Any) -> str:
            file_id = original(self, data_callable, mimetype, coordinates, **kw)
            ids[kw.get("file_name") or ""] = (self, file_id)
            return file_id

        mp.setattr(MediaFileManager, "add_deferred", spy)

    def fetch(self, name: str) -> bytes:
        manager, file_id = self.ids[name]
        file_url = manager.execute_deferred(file_id)
        stored = manager.read_file(file_url.rsplit("/", 1)[-1].split(".")[0])
        assert stored is not None
        return bytes(stored.content)


def _run(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "数值" in d.value.columns)


def _xlsx_rows(data: bytes) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def test_value_column_first_and_undecided_cells_marked(url: str) -> None:
    """pingtan/2023-main-017.txt, 第二十条第（一）项 行政规范性文件: "77132470" splits
    several ways, so the three cells are NULL and marked, not shown as empty."""
    at = _run(body=PINGTAN, years="2023-2023", metric="proactive.normative_docs.issued")
    table = _table(at)
    assert list(table.columns[:5]) == ["发布机关", "年度", "指标", "申请人", "数值"]
    assert not set(fq.TECHNICAL_COLUMNS) & set(table.columns)
    row = table.iloc[0]
    assert len(table) == 1 and row["年度"] == 2023 and row["数值"] is None
    assert row["状态"] == "存疑（原文 77132470）"
    assert row["格式"] == "2021格式" and row["来源"] == "统计表"

    # Table B of the same report: 新收 81 from 80 自然人 and 1 商业企业.
    at = _run(body=PINGTAN, years="2023-2023", metric="requests.received", nonnull="1")
    table = _table(at).set_index("申请人")
    assert (table.loc["自然人", "数值"], table.loc["总计", "数值"]) == (80, 81)
    assert set(table["状态"]) == {"有数值"}


def test_blank_cells_say_blank(url: str) -> None:
    """The seed (长春市朝阳区 2016): 收到申请 2, and 20 cells of its 附表 left empty."""
    at = _run(years="2016-2016", body="长春市朝阳区")
    table = _table(at)
    blank = table[table["数值"].isna()]
    assert len(blank) == 20 and set(blank["状态"]) == {"空白"}
    assert set(table.loc[table["数值"].notna(), "状态"]) == {"有数值"}
    by_label = table.set_index("指标")
    assert by_label.loc["2.延期办结数", "状态"] == "空白"
    assert by_label.loc["（一）收到申请数", "数值"] == 2
    assert set(table["格式"]) == {"旧统计表"}


def test_technical_columns_on_request(url: str) -> None:
    at = _run(body=PINGTAN, years="2023-2023", metric="proactive.normative_docs.issued", tech="1")
    row = _table(at).iloc[0]
    assert row["指标代码"] == "proactive.normative_docs.issued"
    assert row["原文数值"] == "77132470"
    at.checkbox[1].uncheck().run()
    assert "指标代码" not in _table(at).columns
    assert "tech" not in at.query_params


def test_exports_hold_every_filtered_row_not_only_those_shown(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fq, "DEFAULT_LIMIT", 10)
    downloads = _Downloads(monkeypatch)
    at = _run(body=PINGTAN, years="2023-2023")
    shown = _table(at)
    assert len(shown) == 10
    full, total = fq.facts_table(
        __import__("sqlalchemy").create_engine(url),
        fq.FactFilter(year_from=2023, year_to=2023, issuer_keys=(PINGTAN,)),
        limit=10_000,
    )
    assert total == len(full) == 206  # every fact of 2023-main-017, blank and undecided ones too
    captions = [html.unescape(c.value) for c in at.caption]
    assert f"共 {total} 行，这里显示前 10 行；导出包含全部 {total} 行。" in captions

    csv = pd.read_csv(io.BytesIO(downloads.fetch("nianbao-facts.csv")), encoding="utf-8-sig")
    assert list(csv.columns) == list(shown.columns)
    assert len(csv) == total
    assert csv["数值"].sum() == full["数值"].dropna().astype(float).sum()
    assert (csv["状态"] == "存疑（原文 77132470）").sum() == 3
    rows = _xlsx_rows(downloads.fetch("nianbao-facts.xlsx"))
    assert list(rows[0]) == list(shown.columns) and len(rows) - 1 == total
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["发布机关"], first["年度"]) == (shown.iloc[0]["发布机关"], 2023)


def test_too_large_a_selection_says_so_and_offers_no_partial_export(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fq, "EXPORT_MAX", 100)
    at = _run(body=PINGTAN, years="2023-2023")
    warnings = [html.unescape(w.value) for w in at.warning]
    assert any("超过 100 行" in w and "缩小" in w for w in warnings)
    assert all(b.disabled for b in at.get("download_button"))


def test_both_downloads_work_one_after_the_other(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """QA 8: 导出 CSV then at once 导出 Excel gave "Deferred file … not found".

    A click that reruns the page replaces every deferred download, so the
    second button's file is gone before the browser has the new page. The
    buttons do not rerun (on_click="ignore"), so both files stay available.
    """
    downloads = _Downloads(monkeypatch)
    at = _run(body=PINGTAN, years="2023-2023", metric="requests.received")
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["导出 CSV", "导出 Excel"]
    assert all(b.proto.ignore_rerun for b in buttons)
    csv = downloads.fetch("nianbao-facts.csv")
    xlsx = downloads.fetch("nianbao-facts.xlsx")
    assert len(pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")) == 7
    assert len(_xlsx_rows(xlsx)) == 8
    assert downloads.fetch("nianbao-facts.csv") == csv  # a second click builds it again


def test_rows_in_the_same_order_however_the_reports_are_read(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page reads the first reports by a top-N query and the rest only when
    needed: the rows are the same either way (body, year, report, fact order)."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    flt = fq.FactFilter(metrics=("requests.received",))
    whole, total = fq.facts_table(engine, flt, limit=10_000)
    monkeypatch.setattr(fq, "FIRST_REPORTS", 2)
    pieces, total_again = fq.facts_table(engine, flt, limit=10_000)
    engine.dispose()
    assert total == total_again == len(whole) > 50
    pd.testing.assert_frame_equal(whole, pieces)
    assert whole["报告ID"].nunique() == 20 and len(whole) == 20 * 7  # Table B: 7 columns
    runs = (whole["报告ID"] != whole["报告ID"].shift()).sum()
    assert runs == 20  # each report's rows together
    firsts = whole.drop_duplicates("报告ID")
    assert list(firsts[["发布机关", "年度"]].itertuples(index=False, name=None)) == sorted(
        firsts[["发布机关", "年度"]].itertuples(index=False, name=None)
    )  # by body, then year
