"""Pre-2019 statistical tables (national 统计表 and local tables) -> legacy.* facts.

The tables reach us in three shapes, all handled by one row grammar
``[numbering] LABEL [(note)] [UNIT] VALUE [VALUE]``:

* grid rows from HTML/DOCX/PDF: ``label ‖ 件 ‖ 3`` (a blank cell is a blank value);
* the seed's one-cell-per-line dump (``3649 |``, ``||``, a lone ``|`` = blank cell),
  turned into the grid shape first;
* tables flattened into running text by the Pingtan crawler, either spaced
  (``主动公开信息数 条 425 1516 其中：1.网站公开 条 418 1509``) or fused
  (``主动公开信息数条4251516其中：1.网站公开条41815092.政府公报公开条77``).

Only the annual column counts (FORMAT.md P14): 2011年度 / 本年度 / 年末统计 / 本年累计,
never 历年累计. When the two columns are fused into one digit run, the split is
decided by structure (a 其中 row is part of its total, in both columns), then by the
report's own narrative (“主动公开政府信息2026条”), then by annual ≤ cumulative; when
more than one split is still possible the value is None and a warning names the
candidates. Blank cells are None (raw ''), never 0.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from loaders.catalog import metrics
from loaders.labels import label_key, label_pattern, nfkc
from loaders.legacy_labels import CONTEXTUAL, LABELS, MONEY_DEFAULT_UNIT, NEW_METRICS, RowLabel
from loaders.model import CELL_SEP, Fact

SEP = CELL_SEP.strip()  # "‖"

_UNITS = ("万元", "人次", "元", "条", "件", "次", "篇", "个", "人", "项")
_UNIT_RE = "|".join(_UNITS)
_NULL_TOKENS = {"", "-", "—", "–", "/", "N/A", "n/a", "无", "\\"}

# Header of the table and the names of its value columns.
_HEADER_RE = re.compile(r"指\s*标\s*名\s*称|统\s*计\s*指\s*标")
_COLUMN_RE = re.compile(
    r"历年累计|本年累计|本期实际|年末统计|本年度|(?:19|20)\d\d年度?|统计数|数量"
)

# Numbering in front of a label: 其中：1.  /  2、  /  (一)  /  四、
_CN_NUM = "一二三四五六七八九十"
_PREFIX_RE = re.compile(
    rf"(?:其中\s*:?\s*)?(?:(?<!\d)\d{{1,2}}\s*[.、]?|\(\s*[{_CN_NUM}]+\s*\)|[{_CN_NUM}]+\s*[、.])?\s*$"
)
_NEEDS_PREFIX_RE = re.compile(r"(?:\d{1,2}\s*[.、]|其中\s*:?\s*\d{0,2})\s*$")
# A note in brackets right after a label: (不同渠道和方式公开相同信息计1条).
_NOTE_RE = re.compile(r"\s*\([^()]{0,60}\)")
_VALUE_TOKEN_RE = re.compile(r"\s*([-+]?\d+(?:\.\d+)?)(万元|元)?(?![\d.]*\s*[年月日])")

# Rows after which a table may legitimately end; ending anywhere else is a truncation.
_FINAL_PREFIXES = (
    "legacy.review",
    "legacy.litigation",
    "legacy.appeals",
    "legacy.complaints",
    "legacy.fees",
    "legacy.funding",
    "legacy.meetings",
    "legacy.trainings",
    "legacy.trainees",
    "legacy.inquiries",
    "legacy.staff",
    "legacy.org",
)

# Structural “part of” relations used to decide fused splits (besides the catalog's
# parent column): the channels of 主动公开 are each at most the total (FORMAT P9).
_EXTRA_PARENTS = {
    "legacy.proactive.via_gazette": "legacy.proactive.total",
    "legacy.proactive.via_website": "legacy.proactive.total",
    "legacy.proactive.via_weibo": "legacy.proactive.total",
    "legacy.proactive.via_wechat": "legacy.proactive.total",
    "legacy.proactive.via_other": "legacy.proactive.total",
}


@cache
def _label_index() -> tuple[re.Pattern[str], dict[str, RowLabel]]:
    by_key: dict[str, RowLabel] = {}
    for lab in LABELS:
        by_key.setdefault(label_key(lab.text), lab)
    # Longest first: at one position the longer label wins (政府网站公开数 over 网站公开).
    ordered = sorted(LABELS, key=lambda lab: -len(label_key(lab.text)))
    pattern = "|".join(f"(?:{label_pattern(lab.text)})" for lab in ordered)
    return re.compile(pattern), by_key


def unit_of(code: str) -> str:
    m = metrics().get(code)
    if m is not None:
        return m.unit
    return NEW_METRICS[code][1] if code in NEW_METRICS else ""


def parent_of(code: str) -> str | None:
    m = metrics().get(code)
    if m is not None and m.parent:
        return m.parent
    if code in NEW_METRICS and NEW_METRICS[code][2]:
        return NEW_METRICS[code][2]
    return _EXTRA_PARENTS.get(code)


def normalise(linear: str) -> str:
    """NFKC, and the seed's one-cell-per-line dump turned into grid rows.

    A run of lines that each end in ``|`` (``3649 |``, ``||``, ``|``) is one table
    flattened cell by cell; it becomes one line of cells joined by ‖ so that the
    grid grammar applies. ``||`` is two empty cells, a lone ``|`` one.
    """
    out: list[str] = []
    run: list[str] = []
    for line in nfkc(linear).split("\n"):
        st = line.strip()
        if st.endswith("|") and (st in ("|", "||") or st.endswith(" |")):
            if st == "||":
                run.extend(["", ""])
            else:
                run.append(st[:-1].strip())
            continue
        if run:
            out.append(CELL_SEP.join(run) + CELL_SEP)
            run = []
        out.append(line)
    if run:
        out.append(CELL_SEP.join(run) + CELL_SEP)
    return "\n".join(out)


@dataclass
class _Header:
    start: int
    columns: tuple[str, ...]  # the value columns as printed, e.g. ("2011年度", "历年累计")
    has_code: bool = False  # a 代码 column (定西-style forms) precedes the values

    @property
    def annual_index(self) -> int:
        cols = self.columns
        if "本年累计" in cols:
            return cols.index("本年累计")
        for i, c in enumerate(cols):
            if c not in ("历年累计", "本期实际"):
                return i
        return 0

    @property
    def ncols(self) -> int:
        return max(1, len(self.columns))


@dataclass
class _Row:
    label: RowLabel
    written: str  # numbering + label as printed
    start: int
    end: int  # end of label (and its note)
    item: int | None  # the item number of its numbering (1. → 1), if any
    label_written: str = ""  # the label alone as printed
    metric: str = ""
    unit_written: str = ""
    cells: list[str] = field(default_factory=list)  # value tokens as written
    grid: bool = False
    candidates: list[tuple[float | None, float | None]] = field(default_factory=list)
    fused: str = ""  # a digit run holding both columns
    header: _Header | None = None
    problem: str = ""  # why the value is None although something is written


def _headers(text: str, first_label_after: dict[int, int]) -> list[_Header]:
    out = []
    for m in _HEADER_RE.finditer(text):
        stop = first_label_after.get(m.start(), m.end() + 80)
        head = re.sub(r"\s+", "", text[m.end() : min(stop, m.end() + 80)])
        cols = tuple(c.group(0) for c in _COLUMN_RE.finditer(head))
        out.append(_Header(m.start(), cols, "代码" in head))
    return out


def _find_rows(text: str) -> list[_Row]:
    pattern, by_key = _label_index()
    rows: list[_Row] = []
    for m in pattern.finditer(text):
        lab = by_key.get(label_key(m.group(0)))
        if lab is None:
            continue
        before = text[max(0, m.start() - 12) : m.start()]
        if lab.needs_prefix and not _NEEDS_PREFIX_RE.search(before):
            continue
        end = m.end()
        note = _NOTE_RE.match(text, end)
        if note:
            end = note.end()
        # A table row goes on with a cell boundary or its unit (“条 425”, “条86”, and in
        # PDF text the unit on the next line). A sentence puts the unit after the
        # number (“申请总数2件”, “主动公开信息数为62条”): not a row.
        after = text[end : end + 12].lstrip()
        if not after or not (after[0] == SEP or re.match(_UNIT_RE, after)):
            continue
        cell = re.split(r"[‖\n]", before)[-1]
        pm = _PREFIX_RE.search(cell)
        prefix = _squash(pm.group(0)) if pm else ""
        item_m = re.search(r"(\d{1,2})", prefix)
        item = int(item_m.group(1)) if item_m else None
        written = _squash(m.group(0))
        rows.append(_Row(lab, prefix + written, m.start(), end, item, written))
    return rows


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _strip_next_prefix(seg: str, expected: int) -> tuple[str, int | None, str]:
    """Remove the numbering of the next row from the end of a text segment.

    Returns the segment without it, the item number found (None for 其中 / (二) /
    三、 or no numbering) and the numbering as written. In fused text the number runs
    into the values (``条41815092.``): the item number we expect next decides how many
    digits are numbering, and the rest stay values.
    """
    m = re.search(r"其中\s*:?\s*(\d{1,2})?\s*[.、]?\s*$", seg)
    if m:
        return seg[: m.start()], int(m.group(1)) if m.group(1) else None, seg[m.start() :]
    m = re.search(rf"(?:\(\s*[{_CN_NUM}]+\s*\)|[{_CN_NUM}]+\s*[、.])\s*$", seg)
    if m:
        return seg[: m.start()], None, seg[m.start() :]
    m = re.search(r"(\d+)\s*[.、]\s*$", seg)
    if not m:
        return seg, None, ""
    run, want = m.group(1), str(expected)
    if run == want or len(run) == 1:
        return seg[: m.start()], int(run), seg[m.start() :]
    keep = len(run) - len(want) if run.endswith(want) else len(run) - 1
    return seg[: m.start() + keep], int(run[keep:]), seg[m.start() + keep :]


def _splits(run: str) -> list[tuple[float | None, float | None]]:
    out: list[tuple[float | None, float | None]] = []
    for k in range(1, len(run)):
        a, c = run[:k], run[k:]
        if (len(a) > 1 and a[0] == "0") or (len(c) > 1 and c[0] == "0"):
            continue
        out.append((float(a), float(c)))
    return out


def _number(tok: str) -> float | None:
    t = tok.strip().replace(",", "")
    m = re.fullmatch(r"([-+]?\d+(?:\.\d+)?)\s*(万元|元)?", t)
    return float(m.group(1)) if m else None


def _read_values(row: _Row, seg: str) -> None:
    header = row.header
    ncols = header.ncols if header else 1
    s = seg.lstrip(" \t")
    if s.startswith(SEP):
        # grid row: cells up to the end of the line
        row.grid = True
        cells = [c.strip() for c in s.split("\n", 1)[0].split(SEP)][1:]
        i = 0
        if i < len(cells) and re.fullmatch(_UNIT_RE, cells[i]):
            row.unit_written = cells[i]
            i += 1
        if header and header.has_code and i < len(cells):
            i += 1  # the row's indicator code (01, 02 …) is not a value
        vals = cells[i : i + ncols]
        row.cells = vals
        parsed: list[float | None] = []
        for v in vals:
            n = _number(v)
            if n is None and v not in _NULL_TOKENS:
                row.problem = f"格中“{v}”不是数字"
            parsed.append(n)
        while len(parsed) < ncols:
            parsed.append(None)
        row.candidates = [(parsed[0], parsed[1] if ncols > 1 else None)]
        return
    um = re.match(rf"\s*({_UNIT_RE})", s)
    if um:
        row.unit_written = um.group(1)
        s = s[um.end() :]
    toks: list[str] = []
    pos = 0
    while True:
        tm = _VALUE_TOKEN_RE.match(s, pos)
        if not tm:
            break
        toks.append(tm.group(1) + (tm.group(2) or ""))
        pos = tm.end()
    if header and header.has_code and toks and re.fullmatch(r"\d{2}", toks[0]):
        toks = toks[1:]  # the row's indicator code (01, 02 …) is not a value
    row.cells = toks
    if not toks:
        row.candidates = [(None, None)]
        return
    if ncols == 1:
        row.candidates = [(_number(toks[0]), None)]
        if len(toks) > 1:
            row.problem = ""  # extra numbers after a one-column row are other text
        return
    if len(toks) >= 2:
        row.candidates = [(_number(toks[0]), _number(toks[1]))]
        return
    tok = toks[0]
    if re.fullmatch(r"\d{2,}", tok):
        row.fused = tok
        row.candidates = _splits(tok) or [(None, None)]
    else:
        row.candidates = [(None, None)]
        row.problem = f"本年和历年累计两栏只写了一个数“{tok}”，无法确定属于哪一栏"


# Narrative evidence for a fused split: the annual figure of these rows is usually
# repeated in the report's text, near its own keyword (“主动公开政府信息1853条”).
_NARRATIVE_KEYWORDS = {
    "legacy.proactive.total": "主动公开",
    "legacy.proactive.via_website": "公开",
    "legacy.requests.received": "申请",
}


def _single_valued(rows: list[_Row]) -> list[str]:
    """Two value columns in the header, but every row carries one value.

    Some reports print the 历年累计 column empty (pingtan 2017-jjf-152: “主动公开文件数
    条148 … 受理政府信息公开申请总数条2”). A one-digit value cannot hold two columns,
    so when no row shows two values and some row shows a single digit, each row's
    one value is the annual one.
    """
    notes: list[str] = []
    for header in {id(r.header): r.header for r in rows if r.header}.values():
        if header.ncols < 2:
            continue
        group = [r for r in rows if r.header is header and not r.grid]
        if any(len(r.cells) >= 2 for r in group):
            continue
        if not any(len(r.cells) == 1 and re.fullmatch(r"\d", r.cells[0]) for r in group):
            continue
        annual_first = header.annual_index == 0
        for r in group:
            if len(r.cells) == 1:
                v = _number(r.cells[0])
                r.candidates = [(v, None)] if annual_first else [(None, v)]
                r.fused = ""
                r.problem = ""
        notes.append(
            f"统计表表头有{'、'.join(header.columns)}两栏，但每行只写了一个数："
            "按本年数读取，历年累计留空"
        )
    return notes


def _narrative_numbers(text: str, keyword: str) -> set[int]:
    pattern = rf"{keyword}[^。；;,，]{{0,25}}?(?<![\d.])(\d+)\s*(?:条|件)"
    return {int(x) for x in re.findall(pattern, text)}


def _decide(rows: list[_Row], narrative_text: str) -> list[str]:
    """Narrow the candidate splits of fused rows; return notes on the choices made."""
    notes: list[str] = []
    by_metric: dict[str, _Row] = {}
    for r in rows:
        by_metric.setdefault(r.metric, r)

    def fits(child: tuple[float | None, float | None], par: tuple[float | None, float | None]):
        return all(x is None or y is None or x <= y for x, y in zip(child, par, strict=True))

    def consistent() -> None:
        # arc consistency on “part ≤ whole”, never emptying a domain (data can be wrong)
        for _ in range(4):
            changed = False
            for r in rows:
                p = parent_of(r.metric)
                pr = by_metric.get(p) if p else None
                if pr is None or pr is r:
                    continue
                if len(r.candidates) > 1:
                    keep = [c for c in r.candidates if any(fits(c, q) for q in pr.candidates)]
                    if keep and len(keep) < len(r.candidates):
                        r.candidates, changed = keep, True
                if len(pr.candidates) > 1:
                    keep = [q for q in pr.candidates if any(fits(c, q) for c in r.candidates)]
                    if keep and len(keep) < len(pr.candidates):
                        pr.candidates, changed = keep, True
            if not changed:
                return

    ways = {id(r): len(r.candidates) for r in rows}
    consistent()
    for r in rows:
        keyword = _NARRATIVE_KEYWORDS.get(r.metric)
        if len(r.candidates) > 1 and keyword:
            narrative = _narrative_numbers(narrative_text, keyword)
            told = [c for c in r.candidates if c[0] is not None and int(c[0]) in narrative]
            if len(told) == 1:
                r.candidates = told
                notes.append(
                    f"统计表“{r.written}”：本年和历年累计两栏的数字连写为 {r.fused}，"
                    f"正文写明本年为 {_fmt(told[0][0])}条/件，据此读作本年 {_fmt(told[0][0])}、"
                    f"历年累计 {_fmt(told[0][1])}"
                )
                ways[id(r)] = 1
                consistent()
    for r in rows:
        if len(r.candidates) > 1:
            keep = [c for c in r.candidates if c[0] is None or c[1] is None or c[0] <= c[1]]
            if keep and len(keep) < len(r.candidates):
                r.candidates = keep
                if len(keep) == 1:
                    notes.append(
                        f"统计表“{r.written}”：本年和历年累计两栏的数字连写为 {r.fused}，"
                        f"只有读作本年 {_fmt(keep[0][0])}、历年累计 {_fmt(keep[0][1])} "
                        "时本年数不大于历年累计，据此读取"
                    )
                    ways[id(r)] = 1
                consistent()
    for r in rows:
        if ways[id(r)] > 1 and len(r.candidates) == 1:
            a, c = r.candidates[0]
            notes.append(
                f"统计表“{r.written}”：本年和历年累计两栏的数字连写为 {r.fused}，"
                f"只有读作本年 {_fmt(a)}、历年累计 {_fmt(c)} 才与其“其中”各行及合计相符，据此读取"
            )
    return notes


def _fmt(v: float | None) -> str:
    if v is None:
        return "空"
    return str(int(v)) if v == int(v) else str(v)


def _dominant_year(text: str) -> str | None:
    years = Counter(re.findall(r"((?:19|20)\d\d)\s*年", text))
    return years.most_common(1)[0][0] if years else None


@dataclass(frozen=True)
class TableRead:
    facts: tuple[Fact, ...]
    warnings: tuple[str, ...]
    rows_with_values: int  # rows where something was written in the annual column


def read_legacy_tables(linear: str) -> TableRead:
    text = normalise(linear)
    rows = _find_rows(text)
    warnings: list[str] = []
    if not rows:
        return TableRead((), (), 0)
    first_after: dict[int, int] = {}
    header_starts = [m.start() for m in _HEADER_RE.finditer(text)]
    for hs in header_starts:
        first_after[hs] = next((r.start for r in rows if r.start > hs), hs + 80)
    headers = _headers(text, first_after)
    if headers:
        # Rows before the first header are words of the narrative, not a table.
        rows = [r for r in rows if r.start > headers[0].start]
    for r in rows:
        r.header = next((h for h in reversed(headers) if h.start < r.start), None)

    # Resolve context-dependent labels and read the value segment of every row.
    context: str | None = None
    kept: list[_Row] = []
    for i, r in enumerate(rows):
        lab = r.label
        if lab.metric.startswith("@"):
            metric = CONTEXTUAL[lab.metric].get(context or "")
            if metric is None:
                warnings.append(f"统计表行“{r.written}”不在它所属的栏目下，无法确定含义，已跳过")
                continue
            r.metric = metric
        else:
            r.metric = lab.metric
        if lab.opens:
            context = lab.opens
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        seg = text[r.end : nxt.start if nxt else len(text)]
        if nxt is not None and not seg.lstrip(" \t").startswith(SEP):
            seg, nxt.item, tail = _strip_next_prefix(seg, r.item + 1 if r.item else 1)
            nxt.written = _squash(tail) + nxt.label_written
        _read_values(r, seg)
        kept.append(r)
    rows = kept
    warnings.extend(_single_valued(rows))

    # The same statistic printed twice (two tables, or a repeated row): keep the first.
    seen: set[str] = set()
    unique: list[_Row] = []
    for r in rows:
        if r.metric in seen:
            warnings.append(
                f"统计表行“{r.written}”重复了“{metrics()[r.metric].label}”一项，"
                "保留第一次出现的数值"
            )
            continue
        seen.add(r.metric)
        unique.append(r)
    rows = unique

    warnings.extend(_decide(rows, text[: rows[0].start]))

    facts: list[Fact] = []
    with_values = 0
    for r in rows:
        ai = r.header.annual_index if r.header else 0
        col = ""
        if r.header and r.header.ncols > 1:
            col = f" / {r.header.columns[ai]}"
        location = f"统计表 {r.written}{col}"
        if r.label.variant:
            warnings.append(
                f"统计表行名“{r.written}”与标准行名不完全一致，"
                f"按“{metrics()[r.metric].label}”读取（近似匹配）"
            )
        if len(r.candidates) == 1:
            value = r.candidates[0][0] if ai == 0 else r.candidates[0][1]
        else:
            value = None
            cands = "；".join(f"本年 {_fmt(a)}、历年累计 {_fmt(c)}" for a, c in r.candidates)
            warnings.append(
                f"统计表“{r.written}”：本年和历年累计两栏的数字连写为 {r.fused}，"
                f"有 {len(r.candidates)} 种拆法（{cands}），"
                "该格数值无法确定，已留空并标记为存疑"
            )
        if r.problem:
            warnings.append(f"统计表“{r.written}”：{r.problem}，已留空")
        if r.fused:
            raw = r.fused
        elif r.cells:
            idx = ai if r.header and ai < len(r.cells) else 0
            raw = r.cells[idx] if idx < len(r.cells) else ""
        else:
            raw = ""
        if raw:
            with_values += 1
        unit = unit_of(r.metric)
        value = _money(r, raw, value, unit, warnings)
        facts.append(Fact(r.metric, None, value, raw, unit, "table", location))

    last = rows[-1]
    if not last.metric.startswith(_FINAL_PREFIXES):
        warnings.append(
            f"统计表在“{last.written}”之后中断，其后各行缺失（表格不完整），这些项目没有数据"
        )
    year = _dominant_year(text[: rows[0].start])
    for h in headers:
        for c in h.columns:
            ym = re.match(r"(\d{4})", c)
            if ym and year and ym.group(1) != year:
                warnings.append(f"统计表表头写的是“{c}”，而报告讲的是{year}年；该栏仍按本年数读取")
    return TableRead(tuple(facts), tuple(warnings), with_values)


def _money(r: _Row, raw: str, value: float | None, unit: str, warnings: list[str]) -> float | None:
    """Money is stored in the catalog unit (万元); 元 as written is divided by 10000."""
    if r.metric not in MONEY_DEFAULT_UNIT or value is None:
        return value
    written = r.unit_written
    m = re.search(r"(万元|元)$", raw)
    if m:
        written = m.group(1)
    if written not in ("元", "万元"):
        default = MONEY_DEFAULT_UNIT[r.metric]
        warnings.append(
            f"统计表“{r.written}”：单位“{written or '未写'}”不是金额单位，按模板的单位{default}读取"
        )
        written = default
    if written == "元" and unit == "万元":
        return value / 10000
    return value


def parse_legacy_tables(linear: str) -> tuple[tuple[Fact, ...], tuple[str, ...]]:
    read = read_legacy_tables(linear)
    return read.facts, read.warnings
