"""Tables A, B, C of the 2019 (60号) and 2021 (30号) national formats.

Input is ``Document.linear()``: grid rows as cells joined by " ‖ ", or tables
flattened into plain text, space-separated or with the cells run together
(``一、本年新收政府信息公开申请数量640020470`` is 64|0|0|2|0|4|70).

The approach is "labels first, numbers second":

1. The text is NFKC-normalised and turned into a *key*: the same text with
   whitespace, cell separators and punctuation removed, with a map back to
   the original positions. Template row labels are found in that key in
   template order (exact first; then, in the gap left between two found
   rows, with one or two wrong characters, which is reported as a warning).
   Row labels carry ASCII digits ("3.危及…"), so a fused run such as
   "00000003.危及" ends where the next label begins.
2. Between a label and the next one, the values are the grid cells, or the
   number tokens up to the first CJK text. When their count is the column
   count they are used as they are; otherwise their digits are split with
   loaders.numbers.split_run under the table's own arithmetic (B4, C1), then
   B1/B3 across rows, then the whitespace left in the text. What is still
   ambiguous is a fact with value None, raw = the fused run, and a warning
   naming the candidate splits. Nothing is guessed.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import product
from typing import TypeVar

from loaders.catalog import APPLICANT_COLUMNS, applicants, metrics
from loaders.model import CELL_SEP, Fact
from loaders.numbers import (
    NULL_MARK,
    NULL_TOKENS,
    ColumnSpec,
    SumRule,
    parse_number,
    respects,
    show_split,
    split_run,
)

# ---------------------------------------------------------------------------
# Text with a label key

# What label matching ignores: whitespace, cell separators, punctuation in
# both widths. Digits and CJK stay.
_SKIP = re.compile(
    r"[\s\u3000\u00a0‖|,，、.．。:：;；()（）\[\]【】《》〈〉“”\"'‘’「」·•\-—–_/~～]+"
)
_KEEP = re.compile(
    r"[^\s\u3000\u00a0‖|,，、.．。:：;；()（）\[\]【】《》〈〉“”\"'‘’「」·•\-—–_/~～]+"
)
_VARIANTS = (("其它", "其他"), ("钩稽", "勾稽"))
# Page footers of PDFs ("- 5 -", "第 3 页", "3 / 6") inside a table.
_PAGE_FOOTER = re.compile(
    r"^[ \t]*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3})[ \t]*$",
    re.M,
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_SEP = CELL_SEP.strip()  # a grid cell boundary in Document.linear()


def _key(text: str) -> str:
    s = _SKIP.sub("", unicodedata.normalize("NFKC", text))
    for a, b in _VARIANTS:
        s = s.replace(a, b)
    return s


class _Text:
    """The linear text, its NFKC form, and the punctuation-free key with a position map."""

    def __init__(self, linear: str) -> None:
        norm = unicodedata.normalize("NFKC", linear)
        if len(norm) != len(linear):
            # Rare (ligatures, "…"): normalise char by char so positions hold.
            norm = "".join(
                c if len(n := unicodedata.normalize("NFKC", c)) != 1 else n for c in linear
            )
        norm = _PAGE_FOOTER.sub(lambda m: " " * len(m.group()), norm)
        self.text = norm  # what is read (same positions as ``linear``)
        self.original = linear if len(linear) == len(norm) else norm
        pieces: list[str] = []
        self._kstart: list[int] = []
        self._ostart: list[int] = []
        k = 0
        for m in _KEEP.finditer(norm):
            self._kstart.append(k)
            self._ostart.append(m.start())
            pieces.append(m.group())
            k += len(m.group())
        key = "".join(pieces)
        for a, b in _VARIANTS:
            key = key.replace(a, b)
        self.key = key

    def orig(self, ki: int) -> int:
        """Original position of key character ``ki``."""
        if ki >= len(self.key):
            return len(self.text)
        j = bisect.bisect_right(self._kstart, ki) - 1
        return self._ostart[j] + (ki - self._kstart[j])

    def span(self, ks: int, ke: int) -> tuple[int, int]:
        """Original [start, end) of the key slice [ks, ke)."""
        return self.orig(ks), self.orig(ke - 1) + 1

    def written(self, ks: int, ke: int) -> str:
        """The label as printed, with an opening bracket the key left out."""
        s, e = self.span(ks, ke)
        while s > 0 and self.text[s - 1] == "(":
            s -= 1
        return " ".join(self.original[s:e].split())

    def find_fuzzy(self, key: str, start: int, end: int) -> tuple[int, int]:
        """A near match of ``key`` in key[start:end): (position, length) or (-1, 0).

        Allows one wrong, missing or extra character (two for long labels),
        e.g. 属于行政执法案件 for 案卷, 其他法律和行政法规禁止公开. A label
        shorter than 5 characters is never matched loosely.
        """
        n = len(key)
        if n < 5:
            return -1, 0
        allowed = 1 if n < 14 else 2
        hay = self.key
        # Same length, wrong characters (the common typo): cheap.
        for i in range(start, end - n + 1):
            miss = 0
            for a, b in zip(hay[i : i + n], key, strict=True):
                if a != b:
                    miss += 1
                    if miss > allowed:
                        break
            else:
                # One end must be right: a shifted window is not a typo.
                if hay[i] == key[0] or hay[i + n - 1] == key[-1]:
                    return i, n
        # Missing or extra characters: anchored on the first character.
        for i in range(start, end):
            if hay[i] != key[0]:
                continue
            for m in range(n - allowed, n + allowed + 1):
                if m != n and i + m <= end and _edits(hay[i : i + m], key, allowed):
                    return i, m
        return -1, 0


def _edits(a: str, b: str, limit: int) -> bool:
    """True when the edit distance between a and b is at most ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return False
        prev = cur
    return prev[-1] <= limit


@dataclass(frozen=True)
class _Label:
    printed: str  # the label as the template prints it (for locations)
    keys: tuple[str, ...]  # accepted keys; the first is the template's own
    tail: str = ""  # optional continuation, e.g. the note of （二）部分公开

    @classmethod
    def of(cls, printed: str, *variants: str, tail: str = "") -> _Label:
        """A label; with ``tail``, ``printed`` is the full label and the tail may be left out."""
        head = printed[: len(printed) - len(tail)] if tail else printed
        return cls(printed, (_key(head), *(_key(v) for v in variants)), _key(tail))


@dataclass
class _Hit:
    ks: int
    ke: int
    exact: bool
    written: str


def _find_rows(tx: _Text, labels: Sequence[_Label], start: int, end: int) -> list[_Hit | None]:
    """Find each label in order within key [start, end): exact, then fuzzy in the gaps."""
    hits: list[_Hit | None] = []
    pos = start
    for lab in labels:
        hit = None
        for i, k in enumerate(lab.keys):
            at = tx.key.find(k, pos, end)
            if at >= 0:
                ke = at + len(k)
                with_tail = lab.tail and tx.key.startswith(lab.tail, ke)
                if with_tail:
                    ke += len(lab.tail)
                exact = i == 0 and (with_tail or not lab.tail)
                hit = _Hit(at, ke, bool(exact), tx.written(at, ke))
                break
        hits.append(hit)
        if hit:
            pos = hit.ke
    for idx, lab in enumerate(labels):
        if hits[idx] is not None:
            continue
        lo = next((h.ke for h in reversed(hits[:idx]) if h), start)
        hi = next((h.ks for h in hits[idx + 1 :] if h), end)
        at, length = tx.find_fuzzy(lab.keys[0], lo, hi)
        if at < 0 and re.match(r"\d", lab.keys[0]) and len(lab.keys[0]) >= 3:
            # "其他" printed without its number "3."
            at = tx.key.find(lab.keys[0][1:], lo, hi)
            length = len(lab.keys[0]) - 1
        if at >= 0:
            ke = at + length
            if lab.tail and tx.key.startswith(lab.tail, ke):
                ke += len(lab.tail)
            hits[idx] = _Hit(at, ke, False, tx.written(at, ke))
    return hits


# ---------------------------------------------------------------------------
# Reading the values after a label

_TOKEN = re.compile(
    r"(?P<num>[+\-]?\d[\d.,]*)(?P<unit>万元|亿元|元|笔|个|件|项|条|次|份)?"
    r"|(?P<null>N/A|n/a|——|—|–|-|/|\\|无(?![\u3400-\u9fff])|\*)"
)
_LEADING = re.compile(r"[\s)）”\"’'」》\]】:：]*")
_LABEL_NUMBER = re.compile(r"[.、]\s*[\u3400-\u9fff“\"]")
_YEAR_TAIL = re.compile(r"(?:19|20)\d\d$")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


@dataclass
class _Tok:
    text: str  # digits/sign/point, or NULL_MARK
    raw: str  # as written
    unit: str | None = None
    cell_end: bool = False  # a grid cell ends after this token
    span: tuple[int, int] | None = None  # where ``raw`` is in the text read


@dataclass
class _Values:
    toks: list[_Tok]
    grid: bool
    rest: str  # what follows the values before the next label


def _tokenise_plain(s: str) -> tuple[list[_Tok], int]:
    """Number/null tokens from the start of ``s`` up to the first other text."""
    toks: list[_Tok] = []
    pos = _LEADING.match(s).end()  # type: ignore[union-attr]
    n = len(s)
    while pos < n:
        ws = pos
        while pos < n and s[pos].isspace():
            pos += 1
        m = _TOKEN.match(s, pos)
        if not m:
            return toks, ws
        if m["null"]:
            toks.append(_Tok(NULL_MARK, m["null"], span=m.span()))
        else:
            num = m["num"].rstrip(".,")
            end = m.start() + len(num) + (len(m["unit"]) if m["unit"] else 0)
            if m["unit"] and m.end("num") != m.start() + len(num):
                # "12.元": the stray point stays outside the number
                end = m.start() + len(num)
                m_unit = None
            else:
                m_unit = m["unit"]
            if "," in num and not _THOUSANDS.fullmatch(num.lstrip("+-")):
                # commas between numbers: separate tokens
                for part in filter(None, num.split(",")):
                    toks.append(_Tok(part, part))
                pos = end
                continue
            if not m_unit and _LABEL_NUMBER.match(s, m.start() + len(num)):
                # "00000002.其他…" where the label "2.其他…" was not recognised:
                # the last digit numbers the next row, it is not a value
                num = num[:-1]
                if num:
                    toks.append(_Tok(num, num))
                return toks, m.start() + len(num)
            if not m_unit and s.startswith("年", end) and _YEAR_TAIL.search(num):
                # "行政事业性收费02025年，我局…": the table ends, a dated sentence begins
                num = num[:-4]
                if num:
                    toks.append(_Tok(num, num))
                return toks, m.start() + len(num)
            toks.append(
                _Tok(num.replace(",", ""), s[m.start() : end], m_unit, span=(m.start(), end))
            )
            pos = end
            continue
        pos = m.end()
    return toks, n


def _is_value_cell(cell: str) -> bool:
    c = cell.strip()
    if c in NULL_TOKENS:
        return True
    toks, stop = _tokenise_plain(c)
    return bool(toks) and stop == len(c)


def _read_values(region: str, original: str) -> _Values:
    """The values at the start of ``region`` (normalised text; ``original`` is the
    same slice as printed, for the raw tokens)."""
    vals = _read_values_norm(region)
    for t in vals.toks:
        if t.span is not None:
            t.raw = original[t.span[0] : t.span[1]]
    return vals


def _read_values_norm(region: str) -> _Values:
    first_nl = region.find("\n")
    line = region if first_nl < 0 else region[:first_nl]
    base = 0
    if _SEP in line or (not line.strip() and _SEP in region[first_nl + 1 :].split("\n", 1)[0]):
        new_line = not line.strip()
        if new_line:
            base = first_nl + 1
            next_nl = region.find("\n", base)
            line = region[base:] if next_nl < 0 else region[base:next_nl]
            first_nl = next_nl
        cells: list[tuple[str, int]] = []
        pos = base
        for piece in line.split(_SEP):
            cells.append((piece, pos))
            pos += len(piece) + 1
        if not new_line:
            head, _ = cells[0]
            if not (head.strip() and _is_value_cell(head) and not _CJK.search(head)):
                cells.pop(0)  # the rest of the label's own cell
        toks: list[_Tok] = []
        started = False
        for piece, off in cells:
            c = piece.strip()
            off += len(piece) - len(piece.lstrip())
            if not _is_value_cell(c):
                if started:
                    break
                continue  # a copy of the label from a merged cell
            started = True
            if c in NULL_TOKENS:
                toks.append(_Tok(NULL_MARK, c, cell_end=True, span=(off, off + len(c))))
                continue
            ctoks, _ = _tokenise_plain(c)
            for t in ctoks:
                if t.span is not None:
                    t.span = (t.span[0] + off, t.span[1] + off)
            ctoks[-1].cell_end = True
            toks.extend(ctoks)
        rest = "" if first_nl < 0 else region[first_nl + 1 :]
        return _Values(toks, True, rest)
    toks, stop = _tokenise_plain(region)
    return _Values(toks, False, region[stop:])


@dataclass
class _Run:
    run: str
    hard: frozenset[int]
    soft: frozenset[int]
    units: dict[int, str]
    raw: str  # the values as written, for warnings and ambiguous facts


def _to_run(vals: _Values) -> _Run:
    run = ""
    hard: set[int] = set()
    soft: set[int] = set()
    units: dict[int, str] = {}
    prev: _Tok | None = None
    for t in vals.toks:
        if run:
            p = len(run)
            forced = (
                (vals.grid and prev is not None and prev.cell_end)
                or t.text == NULL_MARK
                or (prev is not None and (prev.text == NULL_MARK or prev.unit))
                or t.text[0] in "+-"
            )
            (hard if forced else soft).add(p)
        run += t.text
        if t.unit:
            units[len(run)] = t.unit
        prev = t
    if vals.grid:
        cells: list[str] = []
        current: list[str] = []
        for t in vals.toks:
            current.append(t.raw)
            if t.cell_end:
                cells.append(" ".join(current))
                current = []
        raw = CELL_SEP.join(cells)
    else:
        raw = " ".join(t.raw for t in vals.toks)
    return _Run(run, frozenset(hard), frozenset(soft), units, raw)


def _collapse_merged(toks: list[_Tok], k: int) -> list[list[_Tok]]:
    """Grids repeat a merged cell in every column it spans: undo it.

    Returns every way of reading ``toks`` as ``k`` values by merging runs of
    identical adjacent cells (distinct results only).
    """
    groups: list[tuple[_Tok, int]] = []
    for t in toks:
        if groups and groups[-1][0].raw == t.raw and groups[-1][0].text == t.text:
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
        else:
            groups.append((t, 1))
    if len(groups) > k:
        return []
    results: set[tuple[int, ...]] = set()

    def go(i: int, left: int, acc: tuple[int, ...]) -> None:
        if i == len(groups):
            if left == 0:
                results.add(acc)
            return
        for m in range(1, groups[i][1] + 1):
            if m <= left - (len(groups) - i - 1):
                go(i + 1, left - m, (*acc, m))

    go(0, k, ())
    seen: set[tuple[str, ...]] = set()
    out: list[list[_Tok]] = []
    for counts in sorted(results):
        seq = [g[0] for g, m in zip(groups, counts, strict=True) for _ in range(m)]
        sig = tuple(t.raw for t in seq)
        if sig not in seen:
            seen.add(sig)
            out.append(seq)
    return out


# ---------------------------------------------------------------------------
# Solving one row


_V = TypeVar("_V")


@dataclass
class _Cell:
    value: float | None
    raw: str


@dataclass
class _Row:
    """One table row being solved."""

    name: str  # for warnings and locations
    columns: Sequence[ColumnSpec]
    run: _Run
    candidates: list[tuple[str, ...]] = field(default_factory=list)
    cells: list[_Cell] | None = None  # set once decided
    how: str = ""
    drop: int | None = None  # a column the template does not have (法人小计)

    def template_values(self, values: Sequence[_V]) -> list[_V]:
        return [v for j, v in enumerate(values) if j != self.drop]


def _valid_direct(toks: Sequence[_Tok], columns: Sequence[ColumnSpec]) -> bool:
    if len(toks) != len(columns):
        return False
    for t, c in zip(toks, columns, strict=True):
        if t.text == NULL_MARK:
            continue
        if not c.pattern().fullmatch(t.text):
            return False
    return True


def _cells_from_split(
    split: Sequence[str], run: _Run, units: Sequence[tuple[str | None, str | None]]
) -> list[_Cell]:
    """Values of one split. ``units[j]`` = (target unit, default unit) for money columns."""
    cells: list[_Cell] = []
    pos = 0
    for j, part in enumerate(split):
        pos += len(part)
        if part == NULL_MARK:
            cells.append(_Cell(None, ""))
            continue
        unit = run.units.get(pos)
        target, default = units[j]
        num = parse_number(part + (unit or ""), target, default)
        cells.append(_Cell(num.value, num.raw))
    return cells


def _cells_from_tokens(
    toks: Sequence[_Tok], units: Sequence[tuple[str | None, str | None]]
) -> list[_Cell]:
    cells = []
    for t, (target, default) in zip(toks, units, strict=True):
        if t.text == NULL_MARK:
            cells.append(_Cell(None, "" if t.raw in ("", " ") else t.raw))
        else:
            num = parse_number(t.text + (t.unit or ""), target, default)
            cells.append(_Cell(num.value, t.raw))
    return cells


def _solve_row(
    row: _Row,
    vals: _Values,
    rules: Sequence[SumRule],
    units: Sequence[tuple[str | None, str | None]],
    digit_fallback: bool,
) -> None:
    """Decide a row where possible; otherwise leave candidates for later steps."""
    k = len(row.columns)
    toks = vals.toks
    if vals.grid and len(toks) > k:
        options = [s for s in _collapse_merged(toks, k) if _valid_direct(s, row.columns)]
        if len(options) == 1:
            row.cells = _cells_from_tokens(options[0], units)
            row.how = "merged cells"
            return
    if _valid_direct(toks, row.columns):
        row.cells = _cells_from_tokens(toks, units)
        return
    if not row.run.run:
        return
    row.candidates = split_run(row.run.run, row.columns, rules, row.run.hard)
    if len(row.candidates) == 1:
        row.cells = _cells_from_split(row.candidates[0], row.run, units)
        return
    if not row.candidates and rules and digit_fallback:
        digits = row.run.run
        if len(digits) == k and digits.isdigit():
            # The report's own table does not add up; the checks will say so.
            row.cells = _cells_from_split(tuple(digits), row.run, units)
            row.how = "single digits (no split satisfies the table's sums)"
    # Otherwise the candidates (none, or several) go to the next steps.


def _table_fact(code: str, cell: _Cell, location: str, applicant: str | None = None) -> Fact:
    """One table cell as a fact; the unit is the catalog's (money already in 万元)."""
    return Fact(
        metric=code,
        applicant=applicant,
        value=cell.value,
        raw=cell.raw,
        unit=metrics()[code].unit,
        source="table",
        location=location,
    )


# The tables as warnings name them, in the template's own words.
_TA = "主动公开政府信息情况表"
_TB = "收到和处理政府信息公开申请情况表"
_TC = "政府信息公开行政复议、行政诉讼情况表"
# What a row rule requires, for warnings (the codes are FORMAT.md's B4 and C1).
_RULE_WORDS = {
    "B4": "“总计”栏等于各类申请人栏之和",
    "C1": "每个“总计”等于其维持、纠正、其他结果、尚未审结四项之和",
}


def _finish_row(
    row: _Row, units: Sequence[tuple[str | None, str | None]], warnings: list[str], what: str
) -> None:
    """Last steps for an undecided row: whitespace, then blanks with a warning."""
    if row.cells is not None:
        return
    k = len(row.columns)
    cands = row.candidates
    if len(cands) > 1:
        spaced = [c for c in cands if respects(c, row.run.soft)]
        if len(spaced) == 1 and row.run.soft:
            row.cells = _cells_from_split(spaced[0], row.run, units)
            return
        if spaced:
            cands = spaced
    if not cands:
        if row.run.run:
            loose = split_run(row.run.run, row.columns, (), row.run.hard, limit=6)
            shown = "、".join(show_split(c) for c in loose[:5]) + (" 等" if len(loose) > 5 else "")
            why = f"没有一种拆法能使{_RULE_WORDS[what]}" if what else "没有一种拆法符合各栏的位数"
            if what and loose:
                why += f"；不考虑这一要求时可拆为 {shown}"
            warnings.append(
                f"{row.name}：原文为 {row.run.raw}，无法从中读出 {k} 个数（{why}），"
                "该行数值无法确定，已留空并标记为存疑"
            )
        else:
            warnings.append(f"{row.name}：没有找到数值，该行各格留空")
        row.cells = [_Cell(None, row.run.raw) for _ in range(k)]
        return
    # Cells on which every remaining candidate agrees are known.
    decoded = [_cells_from_split(c, row.run, units) for c in cands]
    cells = []
    for j in range(k):
        vals = {d[j].value for d in decoded}
        cells.append(decoded[0][j] if len(vals) == 1 else _Cell(None, row.run.raw))
    row.cells = cells
    shown = "、".join(show_split(c) for c in cands[:6]) + (" 等" if len(cands) > 6 else "")
    consistent = f"（均能使{_RULE_WORDS[what]}）" if what else ""
    warnings.append(
        f"{row.name}：各栏数字连在一起，原文为 {row.run.raw}，可能的拆分有 {len(cands)} 种"
        f"{consistent}：{shown}；无法确定的格已留空并标记为存疑"
    )


# ---------------------------------------------------------------------------
# Table B

_B_GROUP = {
    "requests.withheld": "（三）不予公开",
    "requests.unavailable": "（四）无法提供",
    "requests.not_processed": "（五）不予处理",
}


@dataclass(frozen=True)
class _BRow:
    metric: str
    label: _Label


@cache
def _b_rows(version: str) -> tuple[_BRow, ...]:
    m = metrics()
    rows: list[_BRow] = []
    for code, met in m.items():
        if met.table != "B" or version not in met.formats:
            continue
        label = met.label
        if " " in label:  # "（三）不予公开 1.属于国家秘密": the row's own label is the last part
            label = label.split(" ", 1)[1]
        if code == "requests.partially_disclosed":
            lab = _Label.of(label, tail="（区分处理的，只计这一情形，不计其他情形）")
        elif code.startswith("requests.other_handling.") and version == "gov2021":
            # 不再处理 is often printed 不再受理; separators vary (、 ，)
            lab = _Label.of(label, label.replace("不再处理", "不再受理"))
        else:
            lab = _Label.of(label)
        rows.append(_BRow(code, lab))
    return tuple(rows)


_B_COLUMNS = [ColumnSpec(max_digits=6)] * 7
_B4: list[SumRule] = [((0, 1, 2, 3, 4, 5), 6)]


def _b_location(metric: str, applicant: str) -> str:
    return f"B {metrics()[metric].label} / {applicants()[applicant].split(' ')[-1]}"


def _resolve_b_by_columns(rows: dict[str, _Row], version: str) -> None:
    """Choose among B4-consistent splits with B1 and B3 down the columns."""
    pending = [code for code, r in rows.items() if r.cells is None and len(r.candidates) > 1]
    if not pending:
        return
    choices = [rows[c].candidates for c in pending]
    n_combos = 1
    for c in choices:
        n_combos *= len(c)
    if n_combos > 4096:
        return
    outcome_codes = [
        code
        for code in rows
        if metrics()[code].parent == "requests.closed" and code != "requests.closed"
    ]

    def known(code: str, assign: dict[str, tuple[str, ...]]) -> list[int | None] | None:
        r = rows.get(code)
        if r is None:
            return None
        if code in assign:
            return r.template_values([None if p == NULL_MARK else int(p) for p in assign[code]])
        if r.cells is None:
            return None
        return r.template_values([None if c.value is None else int(c.value) for c in r.cells])

    def score(assign: dict[str, tuple[str, ...]]) -> int:
        s = 0
        one, two = known("requests.received", assign), known("requests.carried_over", assign)
        seven, four = known("requests.closed", assign), known("requests.carried_forward", assign)
        outs = [known(c, assign) for c in outcome_codes]
        for j in range(7):
            if one and two and seven and four:
                ops = [one[j], two[j], seven[j], four[j]]
                if all(v is not None for v in ops) and ops[0] + ops[1] == ops[2] + ops[3]:  # type: ignore[operator]
                    s += 1
            if seven and all(outs):
                parts = [o[j] for o in outs if o]
                if seven[j] is not None and all(p is not None for p in parts):
                    if seven[j] == sum(p for p in parts if p is not None):
                        s += 1
        return s

    scored = []
    for combo in product(*choices):
        assign = dict(zip(pending, combo, strict=True))
        scored.append((score(assign), combo))
    best = max(s for s, _ in scored)
    winners = [combo for s, combo in scored if s == best]
    for i, code in enumerate(pending):
        kept = []
        for combo in winners:
            if combo[i] not in kept:
                kept.append(combo[i])
        if len(kept) < len(rows[code].candidates):
            rows[code].candidates = kept
            if len(kept) == 1:
                rows[code].how = "column sums (B1/B3)"


_B1_ROWS = (
    "requests.received",
    "requests.carried_over",
    "requests.closed",
    "requests.carried_forward",
)
_B3_WORDS = "（七）总计等于各项办理结果之和"
_B1_WORDS = "一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年"


def _resolve_b_without_b4(rows: dict[str, _Row], warnings: list[str]) -> None:
    """Rows no split of which satisfies their own B4: let B1/B3 down the columns decide.

    Some reports print a 总计 column that does not add up (2023-zrz-106 （七）总计
    '191000019': 19 natural persons + 1 company, 总计 19), so B4 rules out every
    split and the row is not 7 single digits. The other rows, as already read,
    give each column of this row through B1 or B3; a split of the run (same
    number grammar, no sums) equal to what a column rule gives is the reading.
    Only rows with no cells yet are touched: the single-digit reading of 7-digit
    runs and the B4 splits stay as they are. Rows decided here do not feed each
    other (one step of arithmetic, no chains). Two rules giving two different
    splits, or none matching, leave the row blank as before.
    """
    pending = [
        code
        for code, r in rows.items()
        if r.cells is None and not r.candidates and r.run.run.strip(NULL_MARK)
    ]
    if not pending:
        return
    outcome_codes = [
        code
        for code in rows
        if metrics()[code].parent == "requests.closed" and code != "requests.closed"
    ]

    def known(code: str) -> list[int] | None:
        """The row's template columns when every cell is read, else None."""
        r = rows.get(code)
        if r is None or code in pending or r.cells is None:
            return None
        vals = r.template_values([c.value for c in r.cells])
        if any(v is None for v in vals):
            return None
        return [int(v) for v in vals if v is not None]

    def expected(code: str) -> list[tuple[str, list[int]]]:
        """(rule, the row's columns by that rule) for each rule that fixes them."""
        out: list[tuple[str, list[int]]] = []
        if code in _B1_ROWS:
            one, two, seven, four = ([0] * 7 if c == code else known(c) for c in _B1_ROWS)
            if one and two and seven and four:
                # one + two = seven + four, with this row's own columns at 0
                sign = 1 if code in _B1_ROWS[2:] else -1
                out.append(
                    ("B1", [sign * (one[j] + two[j] - seven[j] - four[j]) for j in range(7)])
                )
        if outcome_codes and (code == "requests.closed" or code in outcome_codes):
            parts = [known(c) for c in outcome_codes if c != code]
            seven = known("requests.closed") if code != "requests.closed" else [0] * 7
            if all(parts) and seven is not None:
                sums = [sum(p[j] for p in parts if p) for j in range(7)]
                if code == "requests.closed":
                    out.append(("B3", sums))
                else:
                    out.append(("B3", [seven[j] - sums[j] for j in range(7)]))
        return out

    for code in pending:
        row = rows[code]
        rules = expected(code)
        if not rules:
            continue
        limit = 5000
        loose = split_run(row.run.run, row.columns, (), row.run.hard, limit=limit)
        if len(loose) >= limit:  # not every split seen: no claim of uniqueness
            continue
        fits: dict[tuple[str, ...], list[str]] = {}
        for split in loose:
            vals = row.template_values([int(p) if p.isdigit() else None for p in split])
            for rule, cols in rules:
                if vals == cols:
                    fits.setdefault(split, []).append(rule)
        if len(fits) == 1:
            ((split, by),) = fits.items()
            row.candidates = [split]
            words = "、".join(_B3_WORDS if r == "B3" else _B1_WORDS for r in by)
            row.how = "no B4 split; " + " and ".join(by)
            warnings.append(
                f"{row.name}：原文为 {row.run.raw}，没有一种拆法能使{_RULE_WORDS['B4']}；"
                f"按各栏的纵向关系读作 {show_split(split)}，这是唯一使每一栏都满足"
                f"“{words}”的拆法"
            )
        elif len(fits) > 1:
            shown = "、".join(show_split(s) for s in fits)
            warnings.append(
                f"{row.name}：原文为 {row.run.raw}，没有一种拆法能使{_RULE_WORDS['B4']}，"
                f"而满足各栏纵向关系的拆法不止一种：{shown}"
            )


def _parse_b(tx: _Text, fmt: str, start: int, warnings: list[str]) -> tuple[list[Fact], int]:
    key = tx.key
    # The 勾稽 note is specific enough to be looked for anywhere (Table B may
    # come before Table A); the weaker anchors only after Table A.
    anchor = key.find("本列数据的勾稽关系")
    if anchor < 0:
        anchor = key.find("申请人情况", start)
    if anchor < 0:
        anchor = key.find(_key("一、本年新收政府信息公开申请数量"), start)
    if anchor < 0:
        warnings.append(f"未找到{_TB}，该表没有数据")
        return [], start
    end = key.find("结果维持", anchor)
    if end < 0:
        end = min(len(key), anchor + 8000)
    region_key = key[anchor:end]
    # Which （六）其他处理 layout: by the table itself, else by the report's format.
    if "逾期不补正" in region_key or "未按收费通知" in region_key:
        version = "gov2021"
    elif "六其他处理" in region_key:
        version = "gov2019"
    else:
        version = fmt if fmt in ("gov2019", "gov2021") else "gov2021"
    if fmt in ("gov2019", "gov2021") and version != fmt:
        warnings.append(
            f"{_TB}的“（六）其他处理”按{version[3:]}格式排列，而报告其余部分是{fmt[3:]}格式"
        )
    specs = _b_rows(version)
    hits = _find_rows(tx, [s.label for s in specs], anchor, end)
    if not any(hits):
        warnings.append(f"找到了{_TB}，但认不出任何行名，该表没有数据")
        return [], end
    rows: dict[str, _Row] = {}
    found = [(s, h) for s, h in zip(specs, hits, strict=True) if h]
    # A 法人小计 column added by the reporter (FORMAT.md §6.9): read it so the
    # other cells line up, then leave it out.
    columns, rules, drop = _B_COLUMNS, _B4, None
    header = key[anchor : found[0][1].ks]
    if "小计" in header:
        drop = 1 if header[: header.find("小计")].endswith("法人或其他组织") else 6
        columns = [ColumnSpec(max_digits=6)] * 8
        rules = [((1, 2, 3, 4, 5), 6), ((0, 6), 7)] if drop == 6 else [((0, 2, 3, 4, 5, 6), 7)]
        warnings.append(f"{_TB}多出模板没有的“小计”栏，该栏数值未保存")
    units = [(None, None)] * len(columns)
    for idx, (spec, hit) in enumerate(found):
        name = f"{_TB}“{metrics()[spec.metric].label}”行"
        if not hit.exact:
            written = " ".join(hit.written.split())
            warnings.append(f"{_TB}的行名“{written}”与模板不完全一致，按“{spec.label.printed}”读取")
        _, o_end = tx.span(hit.ks, hit.ke)
        o_next = tx.orig(found[idx + 1][1].ks) if idx + 1 < len(found) else tx.orig(end)
        vals = _read_values(tx.text[o_end:o_next], tx.original[o_end:o_next])
        if idx + 1 < len(found) and re.search(r"\d", vals.rest):
            extra = " ".join(vals.rest.split())[:60]
            warnings.append(f"{name}后面带数字的多余文字已忽略：“{extra}”")
        row = _Row(name, columns, _to_run(vals), drop=drop)
        _solve_row(row, vals, rules, units, digit_fallback=True)
        rows[spec.metric] = row
    for spec, maybe in zip(specs, hits, strict=True):
        if maybe is None:
            warnings.append(f"{_TB}中未找到“{metrics()[spec.metric].label}”行，该行没有数据")
    _resolve_b_by_columns(rows, version)
    _resolve_b_without_b4(rows, warnings)
    facts: list[Fact] = []
    for code, row in rows.items():
        if row.cells is None and len(row.candidates) == 1:
            row.cells = _cells_from_split(row.candidates[0], row.run, units)
        _finish_row(row, units, warnings, "B4")
        if row.how and row.how.startswith("column"):
            warnings.append(
                f"{row.name}：原文为 {row.run.raw}，读作 {show_split(row.candidates[0])}"
                f"（唯一使各栏满足“{_B1_WORDS}”和“{_B3_WORDS}”的拆法）"
            )
        elif row.how.startswith("single digits"):
            warnings.append(
                f"{row.name}：原文为 {row.run.raw}，没有一种拆法能使{_RULE_WORDS['B4']}，"
                "按每格一位数读取"
            )
        assert row.cells is not None
        for applicant, cell in zip(APPLICANT_COLUMNS, row.template_values(row.cells), strict=True):
            facts.append(_table_fact(code, cell, _b_location(code, applicant), applicant))
    last = max(h.ke for h in hits if h)
    return facts, last


# ---------------------------------------------------------------------------
# Table C

_C_CODES = [
    f"{block}.{outcome}"
    for block in ("review", "litigation.direct", "litigation.after_review")
    for outcome in ("upheld", "corrected", "other", "pending", "total")
]
_C1: list[SumRule] = [((0, 1, 2, 3), 4), ((5, 6, 7, 8), 9), ((10, 11, 12, 13), 14)]
_C_HEADER_WORDS = tuple(
    _key(w)
    for w in (
        "未经复议直接起诉",
        "复议后起诉",
        "行政复议",
        "行政诉讼",
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
    )
)


def _parse_c(tx: _Text, start: int, warnings: list[str]) -> list[Fact]:
    key = tx.key
    p = key.find("结果维持", start)
    if p < 0:
        warnings.append(f"未找到{_TC}，该表没有数据")
        return []
    while True:
        for w in _C_HEADER_WORDS:
            if key.startswith(w, p):
                p += len(w)
                break
        else:
            break
    o_start = tx.orig(p - 1) + 1
    vals = _read_values(tx.text[o_start : o_start + 600], tx.original[o_start : o_start + 600])
    if not vals.toks:
        # Header text the template does not have ("单位：件" …): skip it when
        # the numbers follow within a short stretch of the same table.
        window = tx.text[o_start : o_start + 120]
        m = re.search(r"\d", window)
        if m and not re.search(r"[。；;]|五、", window[: m.start()]):
            line_start = window.rfind("\n", 0, m.start()) + 1
            at = o_start + (line_start if _SEP in window[line_start : m.start()] else m.start())
            vals = _read_values(tx.text[at : at + 600], tx.original[at : at + 600])
            skipped = " ".join(tx.original[o_start:at].split())
            warnings.append(f"{_TC}表头后的文字“{skipped}”已跳过")
    row = _Row(_TC, [ColumnSpec(max_digits=6)] * 15, _to_run(vals))
    units = [(None, None)] * 15
    _solve_row(row, vals, _C1, units, digit_fallback=True)
    if row.how.startswith("single digits"):
        warnings.append(
            f"{_TC}：原文为 {row.run.raw}，没有一种拆法能使{_RULE_WORDS['C1']}，按每格一位数读取"
        )
    _finish_row(row, units, warnings, "C1")
    assert row.cells is not None
    return [
        _table_fact(code, cell, f"C {metrics()[code].label}")
        for code, cell in zip(_C_CODES, row.cells, strict=True)
    ]


# ---------------------------------------------------------------------------
# Table A


@dataclass(frozen=True)
class _AColumn:
    printed: str
    suffix: str  # metric code suffix
    spec: ColumnSpec
    money: bool = False


_COUNT = ColumnSpec(max_digits=7)
_SIGNED = ColumnSpec(signed=True, max_digits=7)
_MONEY = ColumnSpec(decimal=True, max_digits=13)

_A_ROWS: dict[str, list[tuple[_Label, str]]] = {
    "一2019": [
        (_Label.of("规章"), "proactive.rules"),
        (_Label.of("规范性文件", "行政规范性文件"), "proactive.normative_docs"),
    ],
    "一2021": [
        (_Label.of("规章"), "proactive.rules"),
        (_Label.of("行政规范性文件", "规范性文件"), "proactive.normative_docs"),
    ],
    "五2019": [
        (_Label.of("行政许可"), "proactive.licensing"),
        (_Label.of("其他对外管理服务事项"), "proactive.other_services"),
    ],
    "五2021": [(_Label.of("行政许可"), "proactive.licensing")],
    "六2019": [
        (_Label.of("行政处罚"), "proactive.penalties"),
        (_Label.of("行政强制"), "proactive.coercion"),
    ],
    "六2021": [
        (_Label.of("行政处罚"), "proactive.penalties"),
        (_Label.of("行政强制"), "proactive.coercion"),
    ],
    "八2019": [(_Label.of("行政事业性收费"), "proactive.fees")],
    "八2021": [(_Label.of("行政事业性收费"), "proactive.fees")],
    "九2019": [(_Label.of("政府集中采购"), "proactive.procurement")],
}
_ITEMS = [
    _AColumn("上一年项目数量", "items_last_year", _COUNT),
    _AColumn("本年增/减", "items_change", _SIGNED),
    _AColumn("处理决定数量", "decisions", _COUNT),
]
_A_COLUMNS: dict[str, list[_AColumn]] = {
    "一2019": [
        _AColumn("本年新制作数量", "made", _COUNT),
        _AColumn("本年新公开数量", "published", _COUNT),
        _AColumn("对外公开总数量", "published_total", _COUNT),
    ],
    "一2021": [
        _AColumn("本年制发件数", "issued", _COUNT),
        _AColumn("本年废止件数", "repealed", _COUNT),
        _AColumn("现行有效件数", "in_force", _COUNT),
    ],
    "五2019": _ITEMS,
    "五2021": [_AColumn("本年处理决定数量", "decisions", _COUNT)],
    "六2019": _ITEMS,
    "六2021": [_AColumn("本年处理决定数量", "decisions", _COUNT)],
    "八2019": _ITEMS[:2],
    "八2021": [_AColumn("本年收费金额（单位：万元）", "amount", _MONEY, money=True)],
    "九2019": [
        _AColumn("采购项目数量", "projects", _COUNT),
        _AColumn("采购总金额", "amount", _MONEY, money=True),
    ],
}
# Words that tell the 2019 header of a sub-block from the 2021 one.
_A_SIGNS = {
    "一": (("新制作", "新公开", "对外公开"), ("制发", "废止", "现行有效", "废纸", "先行有效")),
    "五": (("上一年", "增减"), ("本年处理决定",)),
    "六": (("上一年", "增减"), ("本年处理决定",)),
    "八": (("上一年", "增减"), ("收费金额",)),
    "九": (("采购",), ()),
}
_CAPTION = {item: _key(f"第二十条第（{item}）项") for item in "一五六八九"}


def _header_unit(header_key: str) -> str | None:
    if "万元" in header_key:
        return "万元"
    if "元" in header_key:
        return "元"
    return None


def _parse_a(tx: _Text, fmt: str, warnings: list[str]) -> tuple[list[Fact], int]:
    key = tx.key
    year = "2021" if fmt == "gov2021" else "2019"
    items = "一五六八" if year == "2021" else "一五六八九"
    # Locate the captions in order; a caption must be followed by 信息内容 or a
    # header word soon, so that a mention of 第二十条 in the narrative is skipped.
    caps: dict[str, int] = {}
    pos = 0
    for item in "一五六八九":
        at = first = key.find(_CAPTION[item], pos)
        while at >= 0 and "信息内容" not in key[at : at + 40]:
            at = key.find(_CAPTION[item], at + 1)
        if at < 0:
            at = first
        if at >= 0:
            caps[item] = at
            pos = at + len(_CAPTION[item])
    if not caps:
        warnings.append(f"{_TA}中未找到任何第二十条栏目，该表没有数据")
        return [], 0
    if "九" in caps and year == "2021":
        warnings.append(f"{_TA}中出现了2019格式才有的第二十条第（九）项，而报告是2021格式")
    order = sorted(caps.items(), key=lambda kv: kv[1])
    tb = key.find("本列数据的勾稽关系", order[-1][1])
    if tb < 0:
        tb = key.find("申请人情况", order[-1][1])
    table_end = tb if tb >= 0 else min(len(key), order[-1][1] + 400)
    facts: list[Fact] = []
    last_end = order[0][1]
    for item in sorted(set(items) | set(caps), key="一五六八九".index):
        later = [at for at in caps.values() if at > last_end]
        block_end = min(later) if later else table_end
        if item in caps:
            at = caps[item]
            later = [a for a in caps.values() if a > at]
            block_end = min(later) if later else table_end
            got, last_end = _parse_a_block(
                tx, item, year, at + len(_CAPTION[item]), block_end, warnings, True
            )
        else:
            # Caption missing (e.g. （六）'s rows printed straight after （五）'s):
            # look for the rows after the previous sub-block.
            got, end = _parse_a_block(tx, item, year, last_end, block_end, warnings, False)
            last_end = max(last_end, end)
        facts.extend(got)
    return facts, table_end


def _parse_a_block(
    tx: _Text, item: str, year: str, start: int, end: int, warnings: list[str], captioned: bool
) -> tuple[list[Fact], int]:
    """Facts of one 第二十条 sub-block, and the key position after its last row label."""
    key = tx.key
    caption = f"第二十条第（{item}）项"
    if not captioned:
        spec_key = item + year
        if spec_key not in _A_ROWS:
            warnings.append(f"{_TA}中未找到{caption}，该栏目没有数据")
            return [], start
        hits = _find_rows(tx, [lab for lab, _ in _A_ROWS[spec_key]], start, end)
        if not any(h and h.exact for h in hits):
            warnings.append(f"{_TA}中未找到{caption}，该栏目没有数据")
            return [], start
        warnings.append(f"{_TA}中{caption}的标题缺失，按其各行所在位置读取")
    info = key.find("信息内容", start, end) if captioned else -1
    hstart = info + len("信息内容") if info >= 0 else start
    # Which version of the sub-block: by its header words, else by the report's format.
    probe = key[hstart : min(end, hstart + 60)] if captioned else ""
    old, new = _A_SIGNS[item]
    version = year
    if any(w in probe for w in old) and not any(w in probe for w in new):
        version = "2019"
    elif any(w in probe for w in new) and not any(w in probe for w in old):
        version = "2021"
    if version != year:
        warnings.append(f"{_TA}{caption}按{version}格式排列")
    spec_key = item + version
    if spec_key not in _A_ROWS:
        warnings.append(f"{_TA}{caption}：{version}格式没有这一栏目，已忽略")
        return [], start
    row_labels = _A_ROWS[spec_key]
    columns = _A_COLUMNS[spec_key]
    hits = _find_rows(tx, [lab for lab, _ in row_labels], hstart, end)
    first = min((h.ks for h in hits if h), default=end)
    header_key = key[hstart:first] if captioned else ""
    hs, he = tx.span(hstart, first) if first > hstart else (0, 0)
    header_written = " ".join(tx.original[hs:he].split())
    hpos = 0
    for col in columns if header_key else ():
        ck = _key(col.printed)
        if col.money:
            ck = _key(col.printed.split("（")[0])
        at = header_key.find(ck, hpos)
        if at >= 0:
            hpos = at + len(ck)
            continue
        probe_text = _Text(header_key)
        fz, length = probe_text.find_fuzzy(ck, hpos, len(header_key))
        if fz >= 0:
            warnings.append(
                f"{_TA}{caption}的表头“{header_key[fz : fz + length]}”与模板不完全一致，"
                f"按“{col.printed}”读取"
            )
            hpos = fz + length - 1  # the typo may have eaten the next column's first character
        elif header_key:
            warnings.append(f"{_TA}{caption}的表头“{header_written}”中找不到“{col.printed}”栏")
    unit_in_header = _header_unit(header_key)
    facts: list[Fact] = []
    found = [(lab, code, h) for (lab, code), h in zip(row_labels, hits, strict=True) if h]
    for (lab, _), h in zip(row_labels, hits, strict=True):
        if h is None:
            warnings.append(f"{_TA}{caption}中未找到“{lab.printed}”行，该行没有数据")
    for idx, (lab, prefix, hit) in enumerate(found):
        if not hit.exact:
            warnings.append(
                f"{_TA}{caption}的行名“{' '.join(hit.written.split())}”与模板不完全一致，"
                f"按“{lab.printed}”读取"
            )
        _, o_end = tx.span(hit.ks, hit.ke)
        o_next = tx.orig(found[idx + 1][2].ks) if idx + 1 < len(found) else tx.orig(end)
        vals = _read_values(tx.text[o_end:o_next], tx.original[o_end:o_next])
        units: list[tuple[str | None, str | None]] = []
        for col in columns:
            if col.money:
                units.append(("万元", unit_in_header or "万元"))
            else:
                units.append((None, None))
        name = f"{_TA}{caption}“{lab.printed}”行"
        row = _Row(name, [c.spec for c in columns], _to_run(vals))
        _solve_row(row, vals, (), units, digit_fallback=False)
        _finish_row(row, units, warnings, "")
        assert row.cells is not None
        for col, cell in zip(columns, row.cells, strict=True):
            code = f"{prefix}.{col.suffix}"
            if code not in metrics():  # pragma: no cover - the tables above use catalog codes
                continue
            if (
                col.money
                and unit_in_header is None
                and cell.value is not None
                and not re.search(r"元", cell.raw)
                and version == "2019"
            ):
                warnings.append(f"{name}的{col.printed}“{cell.raw}”没有写单位，按万元读取")
            facts.append(_table_fact(code, cell, f"A {caption} / {lab.printed} / {col.printed}"))
    return facts, max((h.ke for h in hits if h), default=start)


# ---------------------------------------------------------------------------


def parse_gov_tables(linear: str, fmt: str) -> tuple[tuple[Fact, ...], tuple[str, ...]]:
    """Facts of Tables A, B and C, and the warnings met on the way."""
    tx = _Text(linear)
    warnings: list[str] = []
    facts_a, a_end = _parse_a(tx, fmt, warnings)
    facts_b, b_end = _parse_b(tx, fmt, a_end, warnings)
    facts_c = _parse_c(tx, b_end, warnings)
    return tuple(facts_a + facts_b + facts_c), tuple(warnings)
