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


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV (UTF-8 with BOM), without the pandas index."""
    return frame.to_csv(index=False, na_rep="").encode(CSV_ENCODING)


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "数据") -> bytes:
    """The frame as one .xlsx worksheet (openpyxl), header in the first row.

    Missing values are written as empty cells. Sheet names are cut to Excel's
    31-character limit.
    """
    buffer = io.BytesIO()
    clean = frame.astype(object).where(frame.notna(), None)
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        clean.to_excel(writer, index=False, sheet_name=sheet_name[:31] or "Sheet1")
    return buffer.getvalue()
