"""CSV and Excel export (nianbao.export): bytes read back equal the frame shown."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from nianbao.export import to_csv_bytes, to_xlsx_bytes


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "发布机关": ["淮安市人民政府", "长春市朝阳区人民政府"],
            "指标代码": ["requests.received", "legacy.requests.extended"],
            "数值": pd.Series([3119.0, None], dtype=object),
            "金额": [96171.6, float("nan")],
            "原文数值": ["3119", ""],
        }
    )


def test_csv_has_bom_and_keeps_blank_empty() -> None:
    data = to_csv_bytes(_frame())
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig").splitlines()
    assert text[0] == "发布机关,指标代码,数值,金额,原文数值"
    assert text[1] == "淮安市人民政府,requests.received,3119,96171.6,3119"
    assert text[2] == "长春市朝阳区人民政府,legacy.requests.extended,,,"


def test_xlsx_reads_back_equal() -> None:
    frame = _frame()
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame)))
    sheet = book.active
    assert sheet is not None and sheet.title == "数据"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(frame.columns)
    assert rows[1] == ("淮安市人民政府", "requests.received", 3119, 96171.6, "3119")
    assert isinstance(rows[1][2], int)
    # The blank cell stays empty (None), never 0 or "nan".
    assert rows[2] == ("长春市朝阳区人民政府", "legacy.requests.extended", None, None, None)
    assert len(rows) == len(frame) + 1
