"""Format recognition from the tables' own wording (FORMAT.md §8), never from the year.

* gov2021: Table A's 本年制发件数 / 本年废止件数 / 本年收费金额, or Table B's
  （六）其他处理 split into sub-rows (1.申请人无正当理由逾期不补正…). Table B decides
  over Table A: some 2021 reports still print the 2019 Table A headers (pingtan
  2021-shs-090) while their Table B is the 2021 one.
* gov2019: 本年新制作数量 / 对外公开总数量 / 第二十条第（九）项 / 上一年项目数量, or the
  勾稽 note of Table B, without any 2021 marker.
* legacy: a pre-2019 statistical table is printed with values (at least three rows
  of the 统计表 grammar carry a number). Mentioning an attached table (“附：…统计表”,
  an .xls name) is not enough.
* narrative: anything else.
"""

from __future__ import annotations

import re

from loaders.labels import nfkc
from loaders.model import Format
from loaders.tables_legacy import read_legacy_tables

_GOV2021_TABLE_A = ("本年制发件数", "本年废止件数", "本年收费金额")
# （六）其他处理 followed by its first 2021 sub-row.
_GOV2021_TABLE_B = re.compile(r"\(六\)其他处理.{0,40}?申请人无正当理由逾期不补正")
_GOV2019 = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "第二十条第(九)项",
    "上一年项目数量",
)
_GOUJI = re.compile(r"本列数据的[勾钩]稽关系")

# A legacy table must have at least this many rows with a value.
MIN_LEGACY_ROWS = 3


def _compact(linear: str) -> str:
    """NFKC, without whitespace or cell separators: “本年 制发 件数” still matches."""
    return re.sub(r"[\s‖|]+", "", nfkc(linear))


def detect_format(linear: str) -> Format:
    c = _compact(linear)
    if _GOV2021_TABLE_B.search(c) or any(k in c for k in _GOV2021_TABLE_A):
        return "gov2021"
    if any(k in c for k in _GOV2019) or _GOUJI.search(c):
        return "gov2019"
    if read_legacy_tables(linear).rows_with_values >= MIN_LEGACY_ROWS:
        return "legacy"
    return "narrative"
