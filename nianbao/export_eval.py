"""评估 and 全文检索 exports: scorecards and problem lists to .xlsx, search results to CSV.

The workbook holds exactly the tables the page shows (the same DataFrames):
a summary sheet (汇总: one row per report, then the ranking) and one sheet per
report (its indicators, then its 问题清单). Document text never becomes a
formula: a cell starting with '=' is written as a string.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from nianbao.queries.evaluation import Workbench

SUMMARY_SHEET = "汇总"
RANKING_TITLE = "排名"
INDICATORS_TITLE = "指标得分"
PROBLEMS_TITLE = "问题清单"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)
MAX_REPORT_SHEETS = 300


def _cell_value(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and v != v:  # NaN: a blank cell, never 0
        return None
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def _write_row(ws: Worksheet, values: Sequence[Any], bold: bool = False) -> None:
    ws.append([_cell_value(v) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # text, not a formula
        if bold:
            cell.font = _BOLD


def _write_table(ws: Worksheet, title: str, table: pd.DataFrame) -> None:
    _write_row(ws, [title], bold=True)
    _write_row(ws, list(table.columns), bold=True)
    for row in table.itertuples(index=False):
        _write_row(ws, list(row))
    ws.append([])


def sheet_name(report_id: int, issuer: str, year: Any, taken: set[str]) -> str:
    """'<id> <body> <year>' cut to Excel's 31 characters, unique, without []:*?/\\."""
    y = "" if year is None or pd.isna(year) else f" {int(year)}"
    base = _BAD_SHEET_CHARS.sub("_", f"{report_id} {issuer or ''}".strip())
    name = (base[: 31 - len(y)] + y).strip()
    n = 2
    while name in taken:
        suffix = f"~{n}"
        name = name[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name)
    return name


def workbook_bytes(
    wb: Workbench,
    ranking: pd.DataFrame | None = None,
    header: Sequence[str] = (),
    max_sheets: int = MAX_REPORT_SHEETS,
) -> bytes:
    """The .xlsx file: 汇总 (header lines, scorecards, ranking) and one sheet per
    report (the first ``max_sheets`` reports; the summary says when cut)."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = SUMMARY_SHEET
    lines = list(header)
    if len(wb.cards) > max_sheets:
        lines.append(
            f"单份报告工作表只写出前 {max_sheets} 份（共 {len(wb.cards)} 份）；汇总表包含全部。"
        )
    for line in lines:
        _write_row(ws, [line])
    if lines:
        ws.append([])
    _write_table(ws, "评分卡", wb.cards)
    if ranking is not None:
        _write_table(ws, RANKING_TITLE, ranking)
    taken = {SUMMARY_SHEET}
    for card in wb.cards.head(max_sheets).itertuples(index=False):
        rid = int(card.report_id)
        sheet = book.create_sheet(sheet_name(rid, str(card[1]), card[2], taken))
        _write_row(
            sheet, [f"报告 {rid}：{card[1]} {'' if pd.isna(card[2]) else int(card[2])}"], bold=True
        )
        _write_row(sheet, ["总分", _cell_value(card[4]), "报告页", f"/report?id={rid}"])
        sheet.append([])
        _write_table(
            sheet,
            INDICATORS_TITLE,
            wb.indicators[wb.indicators["report_id"] == rid].drop(columns="report_id"),
        )
        _write_table(
            sheet,
            PROBLEMS_TITLE,
            wb.problems[wb.problems["report_id"] == rid].drop(columns="report_id"),
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_tables(data: bytes, sheet: str) -> dict[str, pd.DataFrame]:
    """The titled tables of one sheet of a workbook written by :func:`workbook_bytes`
    (for checking an export: title row, header row, rows, blank row)."""
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data))[sheet]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    tables: dict[str, pd.DataFrame] = {}
    i = 0
    while i < len(rows):
        row = rows[i]
        nonblank = [v for v in row if v is not None]
        if (
            len(nonblank) == 1
            and row[0] in ("评分卡", RANKING_TITLE, INDICATORS_TITLE, PROBLEMS_TITLE)
            and i + 1 < len(rows)
        ):
            header = [h for h in rows[i + 1] if h is not None]
            body = []
            j = i + 2
            while j < len(rows) and any(v is not None for v in rows[j]):
                body.append(rows[j][: len(header)])
                j += 1
            tables[str(row[0])] = pd.DataFrame(body, columns=header)
            i = j
        else:
            i += 1
    return tables


SEARCH_CSV_COLUMNS = {
    "report_id": "报告ID",
    "issuer": "主体",
    "region": "地区",
    "year": "年份",
    "section_number": "部分",
    "section_title": "部分标题",
    "hits": "命中次数",
    "snippet": "摘录",
    "link": "链接",
}


def search_csv(table: pd.DataFrame, query: str = "") -> bytes:
    """Search results as CSV (UTF-8 with BOM, so Excel opens the Chinese right)."""
    from urllib.parse import quote

    out = table.copy()
    out["link"] = [f"/report?id={int(i)}&q={quote(query)}" for i in out["report_id"]]
    out = out[list(SEARCH_CSV_COLUMNS)].rename(columns=SEARCH_CSV_COLUMNS)
    return out.to_csv(index=False).encode("utf-8-sig")
