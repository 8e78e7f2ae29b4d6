"""DataFrame -> downloadable bytes (CSV for Excel, .xlsx). Pure: no Streamlit.

The pages pass the very DataFrame they show, so an export holds exactly what
the user sees. Missing values stay empty cells (never 0, never "nan").
"""

from __future__ import annotations

import io

import pandas as pd

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Excel opens a CSV as the local ANSI code page unless it starts with a BOM;
# utf-8-sig writes one, so Chinese labels survive a double-click.
CSV_ENCODING = "utf-8-sig"


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts as integers (3119, not 3119.0), amounts as they are, missing as None."""

    def cell(v: object) -> object:
        if v is None or (isinstance(v, float) and v != v):
            return None
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return v

    # Object columns built explicitly: assigning a list would let pandas
    # infer float64 again and turn 3119 back into 3119.0.
    return pd.DataFrame(
        {c: pd.Series([cell(v) for v in frame[c]], dtype=object) for c in frame.columns},
        columns=frame.columns,
    )


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV (UTF-8 with BOM), without the pandas index."""
    return _tidy(frame).to_csv(index=False, na_rep="").encode(CSV_ENCODING)


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "数据") -> bytes:
    """The frame as one .xlsx worksheet (openpyxl), header in the first row.

    Missing values are written as empty cells. Sheet names are cut to Excel's
    31-character limit. The workbook is written row by row (write-only mode):
    about twice as fast as pandas' writer, which matters for an export of
    the whole 数据 selection (up to 100,000 rows).
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31] or "Sheet1")
    clean = _tidy(frame)
    sheet.append([str(c) for c in clean.columns])
    for row in clean.itertuples(index=False, name=None):
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
