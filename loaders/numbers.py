"""Numbers as printed in the report tables, and the fused-digit solver.

Two jobs:

* :func:`parse_number` reads one token (``"12"``, ``"+1036"``, ``"1,234"``,
  ``"251000元"``, ``"—"``) into a value in the metric's unit, keeping the raw
  token. Null tokens (blank, '-', '—', '/', 'N/A', '无') give ``None``: a blank
  cell is never 0.
* :func:`split_run` splits a run of digits whose cell boundaries were lost
  (``"640020470"`` = 64|0|0|2|0|4|70) into a fixed number of parts, returning
  every split that obeys the number grammar (no leading zeros except "0"
  itself, a sign only where the column allows it, decimals only in money
  columns) and the table's own sums (Table B: six applicant columns add up to
  总计; Table C: four outcomes add up to 总计). The caller decides what to do
  with zero, one or several solutions; this module never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

# Tokens that stand for "no value". '无' only counts when it is a whole cell
# or a whole whitespace-separated token (it is also part of labels such as
# 无法提供), which the callers guarantee.
NULL_TOKENS = frozenset(
    {"", "-", "--", "—", "——", "–", "－", "/", "／", "\\", "N/A", "n/a", "NA", "无", "空", "*"}
)

# Units that may be written inside a cell, right after the number. Money
# units convert; count units (笔, 个 …) are dropped from the value.
MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
COUNT_UNITS = ("笔", "个", "件", "项", "条", "次", "人", "份")
_UNIT_RE = "|".join(sorted([*MONEY_UNITS, *COUNT_UNITS], key=len, reverse=True))

_NUMBER = re.compile(
    r"^(?P<sign>[+-]?)(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>"
    + _UNIT_RE
    + r")?$"
)


@dataclass(frozen=True)
class Number:
    value: float | None  # in the target unit; None for a null token
    raw: str  # the token as written
    unit: str | None = None  # the unit written in the token, if any


def is_null_token(token: str) -> bool:
    return token.strip() in NULL_TOKENS


def convert(value: Decimal, from_unit: str | None, to_unit: str | None) -> Decimal:
    """Convert a money amount; counts and unknown units pass through."""
    if from_unit in MONEY_UNITS and to_unit in MONEY_UNITS:
        return value * MONEY_UNITS[from_unit] / MONEY_UNITS[to_unit]
    return value


def to_float(value: Decimal) -> float:
    # normalize() drops float noise such as 25.100000; int-valued stay exact.
    return float(value.normalize()) if value != 0 else 0.0


def parse_number(
    token: str, target_unit: str | None = None, default_unit: str | None = None
) -> Number:
    """Read one token. Raises ValueError when it is neither a number nor a null token.

    ``default_unit`` is the unit of a bare number (from the column header or the
    template); a unit written in the token wins over it.
    """
    raw = token
    t = token.strip().replace("，", ",").replace("＋", "+").replace("－", "-")
    if t in NULL_TOKENS:
        return Number(None, raw)
    m = _NUMBER.match(t)
    if not m:
        raise ValueError(f"not a number: {token!r}")
    try:
        value = Decimal(m["num"].replace(",", ""))
    except InvalidOperation as e:  # pragma: no cover - the regex rules it out
        raise ValueError(f"not a number: {token!r}") from e
    if m["sign"] == "-":
        value = -value
    unit = m["unit"]
    value = convert(value, unit or default_unit, target_unit)
    return Number(to_float(value), raw, unit)


# ---------------------------------------------------------------------------
# The fused-digit solver


@dataclass(frozen=True)
class ColumnSpec:
    """What one column may hold."""

    signed: bool = False  # 本年增/减 may be written "+12" / "-3"
    decimal: bool = False  # money
    max_digits: int = 6  # digits before the decimal point

    def pattern(self) -> re.Pattern[str]:
        return _pattern(self.signed, self.decimal, self.max_digits)


@cache
def _pattern(signed: bool, decimal: bool, max_digits: int) -> re.Pattern[str]:
    sign = "[+-]?" if signed else ""
    frac = r"(?:\.\d{1,6})?" if decimal else ""
    return re.compile(rf"{sign}(?:0|[1-9]\d{{0,{max_digits - 1}}}){frac}")


NULL_MARK = "∅"  # one null cell inside a run handed to split_run

# A linear constraint: the part at ``total`` equals the sum of the parts at
# ``addends`` (all addends come before the total, as in the templates).
SumRule = tuple[tuple[int, ...], int]


def _int_value(part: str) -> int | None:
    if part == NULL_MARK or "." in part:
        return None
    return int(part)


def split_run(
    run: str,
    columns: Sequence[ColumnSpec],
    rules: Sequence[SumRule] = (),
    hard: frozenset[int] = frozenset(),
    limit: int = 500,
) -> list[tuple[str, ...]]:
    """All ways to cut ``run`` into ``len(columns)`` parts that obey the grammar and ``rules``.

    ``run`` holds digits, '.', signs and NULL_MARK (a blank cell, always a part
    of its own). ``hard`` are cut positions that must be part boundaries (grid
    cell edges, a unit written after a number). A rule whose operands include
    a null part is not applied. At most ``limit`` solutions are returned.
    """
    k = len(columns)
    n = len(run)
    if n == k and run.isdigit():
        # One digit per column: the only split (the common fused all-zero row).
        parts_1 = tuple(run)
        ok = all(
            sum(int(parts_1[j]) for j in addends) == int(parts_1[total]) for addends, total in rules
        )
        return [parts_1] if ok else []
    patterns = [c.pattern() for c in columns]
    max_len = [c.max_digits + (8 if c.decimal else 0) + (1 if c.signed else 0) for c in columns]
    # For each position, the minimal and maximal number of characters the
    # remaining parts can take: prunes hopeless prefixes early.
    suffix_max = [0] * (k + 1)
    for i in range(k - 1, -1, -1):
        suffix_max[i] = suffix_max[i + 1] + max_len[i]
    totals = {total: addends for addends, total in rules}
    hard_sorted = sorted(hard)
    out: list[tuple[str, ...]] = []
    parts: list[str] = []
    values: list[int | None] = []

    def next_hard(pos: int) -> int:
        for h in hard_sorted:
            if h > pos:
                return h
        return n

    def emit_part(i: int, pos: int, end: int) -> None:
        part = run[pos:end]
        parts.append(part)
        values.append(_int_value(part))
        dfs(i + 1, end)
        parts.pop()
        values.pop()

    def dfs(i: int, pos: int) -> None:
        if len(out) >= limit:
            return
        if i == k:
            if pos == n:
                out.append(tuple(parts))
            return
        left = n - pos
        if left < k - i or left > suffix_max[i]:
            return
        if run[pos] == NULL_MARK:
            emit_part(i, pos, pos + 1)
            return
        stop = min(next_hard(pos), pos + max_len[i])
        addends = totals.get(i)
        if addends is not None:
            operand = [values[j] for j in addends]
            if all(v is not None for v in operand):
                expected = str(sum(v for v in operand if v is not None))
                end = pos + len(expected)
                if end <= stop and run.startswith(expected, pos):
                    emit_part(i, pos, end)
                return
        pat = patterns[i]
        for end in range(pos + 1, stop + 1):
            ch = run[end - 1]
            if ch == NULL_MARK:
                break
            if pat.fullmatch(run, pos, end):
                emit_part(i, pos, end)

    dfs(0, 0)
    return out


def respects(split: Sequence[str], soft: frozenset[int]) -> bool:
    """True when every position in ``soft`` (a whitespace gap) is a cut of ``split``."""
    if not soft:
        return True
    cuts = set()
    pos = 0
    for part in split:
        pos += len(part)
        cuts.add(pos)
    return soft <= cuts


def show_split(split: Sequence[str]) -> str:
    return "|".join("" if p == NULL_MARK else p for p in split)
