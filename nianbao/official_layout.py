"""The facts of one report laid out like the tables of the official templates.

Pure: facts in, pandas DataFrames of display strings out. No database, no
Streamlit. The layouts follow FORMAT.md: Table A (§3.3, stacked blocks that
differ between the 2019 trial and the 2021 format), Table B (§3.4, rows ×
the 7 applicant columns), Table C (§3.5, one row of 15 numbers) and the
pre-2019 统计表 (§2.3).

Every cell is a string, in one of three states (cell_state):

- a number: printed as the report has it (23, 96171.6);
- blank (空白): a blank cell in the document (a fact whose value is None and
  whose raw text has no digits) and a statistic the document does not have
  (no fact) are both shown as "" — never 0, never "None" or "nan". A null
  token written in the cell ('—', '/', '无') is shown as written;
- uncertain (存疑): the parser found digits but could not tell the values
  apart (a fused run such as "77132470" that splits several ways). The
  fact's value is None and its raw holds the source run, so the cell reads
  "存疑（原文 77132470）" — never a blank, which would say the report left it
  empty.

table_html renders a table as static HTML in the template's shape (merged
label cells, grouped column heads) with every character of the report
escaped, so nothing in a document is interpreted as HTML or markdown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import pandas as pd

from loaders.catalog import APPLICANT_COLUMNS, metrics
from nianbao.ui_text import escape_literal


class FactLike(Protocol):
    """What a layout needs of a fact: a loaders.model.Fact or a DataFrame row."""

    metric: str
    applicant: str | None
    value: float | None
    raw: str


@dataclass(frozen=True)
class _Cell:
    metric: str
    applicant: str | None
    value: float | None
    raw: str


# A header cell of table_html: (text, colspan, rowspan).
HeadCell = tuple[str, int, int]


@dataclass(frozen=True)
class OfficialTable:
    """One table (or one block of Table A) ready to show."""

    key: str  # "A（一）", "B", "C", "统计表"
    title: str  # the block caption or the table heading
    frame: pd.DataFrame
    section: str = ""  # the report section the table belongs to
    # The template's column heads, row by row; () means one row of frame.columns.
    header: tuple[tuple[HeadCell, ...], ...] = ()
    # How many leading columns are row labels (merged like the template's cells).
    label_columns: int = 1
    # The share of the page width the label columns take; the number columns
    # share the rest equally, so Table B's 总计 is on screen at 1400 px.
    label_width: float = 0.3


# --- cell values --------------------------------------------------------------


UNCERTAIN = "存疑"
CellState = Literal["number", "blank", "uncertain"]


def cell_state(value: float | None, raw: str = "") -> CellState:
    """number, blank (空白 in the report) or uncertain (存疑: digits the parser
    could not read as values; the fact's raw holds them)."""
    if value is not None and not (isinstance(value, float) and value != value):  # NaN
        return "number"
    return "uncertain" if re.search(r"\d", raw or "") else "blank"


def format_value(value: float | None, raw: str = "") -> str:
    """The display string of one cell.

    Counts print as integers (23, not 23.0); amounts keep their decimals.
    A blank cell prints as "", or as the null token written in it ('—', '/',
    '无'). A None whose raw has digits is a value the parser could not
    determine: it prints "存疑（原文 …）" with the source text, so it is
    neither mistaken for an empty cell nor for a value the parser accepted.
    """
    state = cell_state(value, raw)
    if state == "uncertain":
        return f"{UNCERTAIN}（原文 {' '.join((raw or '').split())}）"
    if state == "blank" or value is None:
        return (raw or "").strip()
    v = float(value)
    if v.is_integer():
        return str(int(v))
    return f"{v:.6f}".rstrip("0").rstrip(".")


def cells(facts: Iterable[FactLike] | pd.DataFrame) -> dict[tuple[str, str | None], _Cell]:
    """Index the facts of one report by (metric, applicant).

    Accepts Fact objects or a DataFrame with columns metric, applicant,
    value, raw (as returned by nianbao.queries.reports.report_facts). Text
    facts are skipped: a table cell comes from the table only.
    """
    out: dict[tuple[str, str | None], _Cell] = {}
    if isinstance(facts, pd.DataFrame):
        rows: Iterable[Mapping[str, Any]] = facts.to_dict("records")
    else:
        rows = (
            {
                "metric": f.metric,
                "applicant": f.applicant,
                "value": f.value,
                "raw": f.raw,
                "source": getattr(f, "source", "table"),
            }
            for f in facts
        )
    for r in rows:
        source = r.get("source")
        if isinstance(source, str) and source != "table":
            continue
        applicant = r.get("applicant")
        if not isinstance(applicant, str) or not applicant:  # None / NaN from pandas
            applicant = None
        value = r.get("value")
        if value is not None and value != value:  # NaN
            value = None
        cell = _Cell(str(r["metric"]), applicant, value, str(r.get("raw") or ""))
        out.setdefault((cell.metric, cell.applicant), cell)
    return out


def _show(index: Mapping[tuple[str, str | None], _Cell], metric: str, applicant: str | None) -> str:
    cell = index.get((metric, applicant))
    if cell is None and applicant is None:
        # Single-value metrics are sometimes stored under the 'total' column.
        cell = index.get((metric, "total"))
    return "" if cell is None else format_value(cell.value, cell.raw)


# --- Table B ------------------------------------------------------------------

APPLICANT_LABELS: tuple[str, ...] = (
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
)

# (第一栏, 第二栏, 第三栏, metric); group labels repeat on every row they span,
# as a merged cell does in the template grid (loaders.model.Table does the same).
_RESULT = "三、本年度办理结果"
_WITHHELD = "（三）不予公开"
_UNAVAILABLE = "（四）无法提供"
_NOT_PROCESSED = "（五）不予处理"
_B_HEAD: tuple[tuple[str, str, str, str], ...] = (
    ("一、本年新收政府信息公开申请数量", "", "", "requests.received"),
    ("二、上年结转政府信息公开申请数量", "", "", "requests.carried_over"),
    (_RESULT, "（一）予以公开", "", "requests.disclosed"),
    (
        _RESULT,
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "",
        "requests.partially_disclosed",
    ),
    (_RESULT, _WITHHELD, "1.属于国家秘密", "requests.withheld.state_secret"),
    (
        _RESULT,
        _WITHHELD,
        "2.其他法律行政法规禁止公开",
        "requests.withheld.prohibited_by_law",
    ),
    (_RESULT, _WITHHELD, "3.危及“三安全一稳定”", "requests.withheld.security_stability"),
    (_RESULT, _WITHHELD, "4.保护第三方合法权益", "requests.withheld.third_party"),
    (_RESULT, _WITHHELD, "5.属于三类内部事务信息", "requests.withheld.internal_affairs"),
    (_RESULT, _WITHHELD, "6.属于四类过程性信息", "requests.withheld.deliberative"),
    (_RESULT, _WITHHELD, "7.属于行政执法案卷", "requests.withheld.enforcement_file"),
    (_RESULT, _WITHHELD, "8.属于行政查询事项", "requests.withheld.query_service"),
    (_RESULT, _UNAVAILABLE, "1.本机关不掌握相关政府信息", "requests.unavailable.not_held"),
    (
        _RESULT,
        _UNAVAILABLE,
        "2.没有现成信息需要另行制作",
        "requests.unavailable.needs_creation",
    ),
    (_RESULT, _UNAVAILABLE, "3.补正后申请内容仍不明确", "requests.unavailable.still_unclear"),
    (_RESULT, _NOT_PROCESSED, "1.信访举报投诉类申请", "requests.not_processed.petition"),
    (_RESULT, _NOT_PROCESSED, "2.重复申请", "requests.not_processed.repeated"),
    (_RESULT, _NOT_PROCESSED, "3.要求提供公开出版物", "requests.not_processed.publication"),
    (_RESULT, _NOT_PROCESSED, "4.无正当理由大量反复申请", "requests.not_processed.excessive"),
    (
        _RESULT,
        _NOT_PROCESSED,
        "5.要求行政机关确认或重新出具已获取信息",
        "requests.not_processed.confirmation",
    ),
)
_B_OTHER_2019: tuple[tuple[str, str, str, str], ...] = (
    (_RESULT, "（六）其他处理", "", "requests.other_handling"),
)
_B_OTHER_2021: tuple[tuple[str, str, str, str], ...] = (
    (
        _RESULT,
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "requests.other_handling.no_correction",
    ),
    (
        _RESULT,
        "（六）其他处理",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "requests.other_handling.unpaid_fee",
    ),
    (_RESULT, "（六）其他处理", "3.其他", "requests.other_handling.other"),
)
_B_TAIL: tuple[tuple[str, str, str, str], ...] = (
    (_RESULT, "（七）总计", "", "requests.closed"),
    ("四、结转下年度继续办理", "", "", "requests.carried_forward"),
)

B_LABEL_COLUMNS: tuple[str, str, str] = ("项目", "分类", "情形")


def table_b_rows(fmt: str) -> tuple[tuple[str, str, str, str], ...]:
    """The rows of Table B for a format: the 2019 trial has one （六） row, 2021 three."""
    other = _B_OTHER_2019 if fmt == "gov2019" else _B_OTHER_2021
    return _B_HEAD + other + _B_TAIL


def table_b(facts: Iterable[FactLike] | pd.DataFrame, fmt: str) -> pd.DataFrame:
    """Table B: one row per template row, the 3 label columns then the 7 applicant columns."""
    index = cells(facts)
    records = []
    for first, second, third, metric in table_b_rows(fmt):
        row = dict(zip(B_LABEL_COLUMNS, (first, second, third), strict=True))
        for key, label in zip(APPLICANT_COLUMNS, APPLICANT_LABELS, strict=True):
            row[label] = _show(index, metric, key)
        records.append(row)
    return pd.DataFrame(records, columns=[*B_LABEL_COLUMNS, *APPLICANT_LABELS])


# --- Table C ------------------------------------------------------------------

_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
_C_BLOCKS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation.direct", "行政诉讼·未经复议直接起诉"),
    ("litigation.after_review", "行政诉讼·复议后起诉"),
)
C_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (f"{prefix}.{outcome}", f"{block}·{label}")
    for prefix, block in _C_BLOCKS
    for outcome, label in _OUTCOMES
)


def table_c(facts: Iterable[FactLike] | pd.DataFrame) -> pd.DataFrame:
    """Table C: one row of 15 cells (复议 5, 直接起诉 5, 复议后起诉 5)."""
    index = cells(facts)
    row = {label: _show(index, metric, None) for metric, label in C_COLUMNS}
    return pd.DataFrame([row], columns=[label for _, label in C_COLUMNS])


# --- Table A ------------------------------------------------------------------

# (caption, columns, rows as (row label, metrics per column; None where the
# template has no cell)).
_ABlock = tuple[str, tuple[str, ...], tuple[tuple[str, tuple[str | None, ...]], ...]]

_A_2021: tuple[_ABlock, ...] = (
    (
        "第二十条第（一）项",
        ("本年制发件数", "本年废止件数", "现行有效件数"),
        (
            (
                "规章",
                ("proactive.rules.issued", "proactive.rules.repealed", "proactive.rules.in_force"),
            ),
            (
                "行政规范性文件",
                (
                    "proactive.normative_docs.issued",
                    "proactive.normative_docs.repealed",
                    "proactive.normative_docs.in_force",
                ),
            ),
        ),
    ),
    (
        "第二十条第（五）项",
        ("本年处理决定数量",),
        (("行政许可", ("proactive.licensing.decisions",)),),
    ),
    (
        "第二十条第（六）项",
        ("本年处理决定数量",),
        (
            ("行政处罚", ("proactive.penalties.decisions",)),
            ("行政强制", ("proactive.coercion.decisions",)),
        ),
    ),
    (
        "第二十条第（八）项",
        ("本年收费金额（单位：万元）",),
        (("行政事业性收费", ("proactive.fees.amount",)),),
    ),
)

_A_2019: tuple[_ABlock, ...] = (
    (
        "第二十条第（一）项",
        ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
        (
            (
                "规章",
                (
                    "proactive.rules.made",
                    "proactive.rules.published",
                    "proactive.rules.published_total",
                ),
            ),
            (
                "规范性文件",
                (
                    "proactive.normative_docs.made",
                    "proactive.normative_docs.published",
                    "proactive.normative_docs.published_total",
                ),
            ),
        ),
    ),
    (
        "第二十条第（五）项",
        ("上一年项目数量", "本年增/减", "处理决定数量"),
        (
            (
                "行政许可",
                (
                    "proactive.licensing.items_last_year",
                    "proactive.licensing.items_change",
                    "proactive.licensing.decisions",
                ),
            ),
            (
                "其他对外管理服务事项",
                (
                    "proactive.other_services.items_last_year",
                    "proactive.other_services.items_change",
                    "proactive.other_services.decisions",
                ),
            ),
        ),
    ),
    (
        "第二十条第（六）项",
        ("上一年项目数量", "本年增/减", "处理决定数量"),
        (
            (
                "行政处罚",
                (
                    "proactive.penalties.items_last_year",
                    "proactive.penalties.items_change",
                    "proactive.penalties.decisions",
                ),
            ),
            (
                "行政强制",
                (
                    "proactive.coercion.items_last_year",
                    "proactive.coercion.items_change",
                    "proactive.coercion.decisions",
                ),
            ),
        ),
    ),
    (
        "第二十条第（八）项",
        ("上一年项目数量", "本年增/减"),
        (
            (
                "行政事业性收费",
                ("proactive.fees.items_last_year", "proactive.fees.items_change"),
            ),
        ),
    ),
    (
        "第二十条第（九）项",
        ("采购项目数量", "采购总金额（万元）"),
        (
            (
                "政府集中采购",
                ("proactive.procurement.projects", "proactive.procurement.amount"),
            ),
        ),
    ),
)


_A_SECTION = "二、主动公开政府信息情况"


def table_a(facts: Iterable[FactLike] | pd.DataFrame, fmt: str) -> list[OfficialTable]:
    """Table A as its stacked blocks, each with 信息内容 then the block's columns."""
    index = cells(facts)
    blocks = _A_2019 if fmt == "gov2019" else _A_2021
    out = []
    for caption, columns, rows in blocks:
        records = []
        for label, row_metrics in rows:
            record = {"信息内容": label}
            for column, metric in zip(columns, row_metrics, strict=True):
                record[column] = "" if metric is None else _show(index, metric, None)
            records.append(record)
        frame = pd.DataFrame(records, columns=["信息内容", *columns])
        key = "A" + caption.removeprefix("第二十条第").removesuffix("项")
        out.append(OfficialTable(key=key, title=caption, frame=frame, section=_A_SECTION))
    return out


# --- the pre-2019 统计表 --------------------------------------------------------

# Block headings of the 2016–2018 附表 (FORMAT.md §2.3), keyed by the metric
# prefix that belongs under them. Fujian's local tables (2008–2016) use the
# same blocks with a few extra rows.
_LEGACY_BLOCKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("一、主动公开情况", ("legacy.proactive.",)),
    ("二、回应解读情况", ("legacy.response.",)),
    ("三、依申请公开情况", ("legacy.requests.", "legacy.answers.")),
    ("四、行政复议数量", ("legacy.review.",)),
    ("五、行政诉讼数量", ("legacy.litigation.", "legacy.litigation_and_complaints")),
    ("六、举报投诉数量", ("legacy.complaints",)),
    ("七、依申请公开信息收取的费用", ("legacy.fees",)),
    ("八、机构建设和保障经费情况", ("legacy.org.", "legacy.staff.", "legacy.funding")),
    ("九、政府信息公开会议和培训情况", ("legacy.meetings", "legacy.trainings", "legacy.trainees")),
)
# Rows whose own label is the block heading (四、行政复议数量 holds a number).
_HEADING_ROWS = {
    "legacy.review.total",
    "legacy.litigation.total",
    "legacy.complaints",
    "legacy.fees",
}

LEGACY_COLUMNS: tuple[str, str, str] = ("统计指标", "单位", "统计数")


def _legacy_block(code: str) -> int:
    for i, (_, prefixes) in enumerate(_LEGACY_BLOCKS):
        if any(code == p or code.startswith(p) for p in prefixes):
            # legacy.fees_waived starts with legacy.fees but belongs to 七 as well.
            return i
    return len(_LEGACY_BLOCKS)


def legacy_table(facts: Iterable[FactLike] | pd.DataFrame) -> pd.DataFrame:
    """The 统计表 of a pre-2019 report: the rows the report has, in template order.

    Local tables differ from year to year and from province to province, so
    only rows the report has are listed (a missing row is not a blank cell);
    each block heading is printed once above its rows.
    """
    index = cells(facts)
    catalog = metrics()
    present = {m for (m, _) in index if m in catalog and catalog[m].table == "统计表"}
    order = {code: i for i, code in enumerate(catalog)}
    ordered = sorted(present, key=lambda c: (_legacy_block(c), order[c]))
    records: list[dict[str, str]] = []
    last_block = -1
    for code in ordered:
        block = _legacy_block(code)
        if block != last_block:
            last_block = block
            if block < len(_LEGACY_BLOCKS) and code not in _HEADING_ROWS:
                records.append({"统计指标": _LEGACY_BLOCKS[block][0], "单位": "", "统计数": ""})
        label = catalog[code].label
        if code in _HEADING_ROWS and block < len(_LEGACY_BLOCKS):
            label = _LEGACY_BLOCKS[block][0]
        records.append(
            {"统计指标": label, "单位": catalog[code].unit, "统计数": _show(index, code, None)}
        )
    return pd.DataFrame(records, columns=list(LEGACY_COLUMNS))


# --- facts from the narrative ---------------------------------------------------


def text_facts_table(facts: Iterable[FactLike] | pd.DataFrame) -> pd.DataFrame:
    """Figures found in the narrative (source == text), with the sentence they came from."""
    if isinstance(facts, pd.DataFrame):
        rows: Sequence[Mapping[str, Any]] = facts.to_dict("records")
    else:
        rows = [
            {
                "metric": f.metric,
                "value": f.value,
                "raw": f.raw,
                "unit": getattr(f, "unit", ""),
                "source": getattr(f, "source", "table"),
                "evidence": getattr(f, "evidence", None),
            }
            for f in facts
        ]
    catalog = metrics()
    records = []
    for r in rows:
        if r.get("source") != "text":
            continue
        code = str(r["metric"])
        label = catalog[code].label if code in catalog else code
        evidence = r.get("evidence")
        records.append(
            {
                "指标": label,
                "数值": format_value(r.get("value"), str(r.get("raw") or "")),
                "单位": str(r.get("unit") or ""),
                "原文": evidence if isinstance(evidence, str) else "",
            }
        )
    return pd.DataFrame(records, columns=["指标", "数值", "单位", "原文"])


# --- all tables of one report ---------------------------------------------------


# The column heads of Tables B and C as the templates print them (FORMAT.md §3.4, §3.5).
B_HEADER: tuple[tuple[HeadCell, ...], ...] = (
    (
        ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
        ("申请人情况", 7, 1),
    ),
    (("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)),
    tuple((label, 1, 1) for label in APPLICANT_LABELS[1:6]),
)
C_HEADER: tuple[tuple[HeadCell, ...], ...] = (
    (("行政复议", 5, 1), ("行政诉讼", 10, 1)),
    (
        *((label, 1, 2) for _, label in _OUTCOMES),
        ("未经复议直接起诉", 5, 1),
        ("复议后起诉", 5, 1),
    ),
    tuple((label, 1, 1) for _, label in _OUTCOMES * 2),
)


def official_tables(facts: Iterable[FactLike] | pd.DataFrame, fmt: str) -> list[OfficialTable]:
    """Every table of the report's format, in the order the template prints them."""
    if not isinstance(facts, pd.DataFrame):
        facts = list(facts)
    out: list[OfficialTable] = []
    if fmt in ("gov2019", "gov2021"):
        out.extend(table_a(facts, fmt))
        b_title = "三、收到和处理政府信息公开申请情况"
        out.append(
            OfficialTable(
                "B",
                b_title,
                table_b(facts, fmt),
                b_title,
                header=B_HEADER,
                label_columns=3,
                label_width=0.42,
            )
        )
        c_title = "四、政府信息公开行政复议、行政诉讼情况"
        out.append(
            OfficialTable("C", c_title, table_c(facts), c_title, header=C_HEADER, label_columns=0)
        )
    elif fmt == "legacy":
        title = "政府信息公开情况统计表"
        frame = legacy_table(facts)
        # 统计指标 and 单位 are labels: a heading row without a unit spans both.
        out.append(OfficialTable("统计表", title, frame, title, label_columns=2, label_width=0.75))
    return out


# --- static HTML ----------------------------------------------------------------

# Inline styles (no page-wide CSS): numbers right-aligned and never wrapped, labels
# wrap, so Table B with its 7 applicant columns fits a 1400 px window.
_TABLE_STYLE = (
    "border-collapse:collapse;width:100%;font-size:0.88rem;line-height:1.35;margin:0 0 0.8rem 0"
)
_CELL = "border:1px solid rgba(128,128,128,0.45);padding:3px 6px;vertical-align:middle"
_HEAD_STYLE = _CELL + ";text-align:center;font-weight:600;background:rgba(128,128,128,0.10)"
_LABEL_STYLE = _CELL + ";text-align:left"
_NUMBER_STYLE = _CELL + ";text-align:right;white-space:nowrap"
_UNCERTAIN_STYLE = _CELL + ";text-align:left;background:rgba(255,193,7,0.25);font-weight:600"


def _label_spans(rows: list[list[str]], n: int) -> list[list[tuple[int, int] | None]]:
    """(rowspan, colspan) of each of the first n cells of each row; None where covered.

    As in the template: an empty label cell belongs to the label on its left
    (一、本年新收… spans all three label columns), and a label equal to the one
    above it under the same parents is one tall cell (三、本年度办理结果).
    """
    spans: list[list[tuple[int, int] | None]] = [[None] * n for _ in rows]
    owner: list[list[tuple[int, int] | None]] = [[None] * n for _ in rows]
    for r, row in enumerate(rows):
        c = 0
        while c < n:
            width = 1
            while c + width < n and row[c + width] == "":
                width += 1
            above = owner[r - 1][c] if r > 0 else None
            if (
                above is not None
                and row[c] != ""
                and row[: c + 1] == rows[r - 1][: c + 1]
                and (spans[above[0]][c] or (0, 0))[1] == width
            ):
                rowspan, colspan = spans[above[0]][c] or (1, width)
                spans[above[0]][c] = (rowspan + 1, colspan)
                owner[r][c] = above
            else:
                spans[r][c] = (1, width)
                owner[r][c] = (r, c)
            c += width
    return spans


def _td(text: str, style: str, rowspan: int = 1, colspan: int = 1) -> str:
    span = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
        f' colspan="{colspan}"' if colspan > 1 else ""
    )
    return f'<td{span} style="{style}">{escape_literal(text)}</td>'


def _colgroup(n_columns: int, n_labels: int, label_width: float) -> str:
    data = n_columns - n_labels
    if data <= 0:
        return ""
    share = (1.0 - (label_width if n_labels else 0.0)) * 100 / data
    cols = ["<col>"] * n_labels + [f'<col style="width:{share:.2f}%">'] * data
    return "<colgroup>" + "".join(cols) + "</colgroup>"


def table_html(table: OfficialTable) -> str:
    """The table as one line of static HTML: the template's heads and merged labels.

    Every text is escaped with ui_text.escape_literal (HTML and markdown), so
    the result is safe for st.markdown(..., unsafe_allow_html=True). One
    line, because a blank line would end the HTML block in markdown.
    Number cells are right-aligned; 存疑 cells are shaded.
    """
    frame = table.frame
    n = max(0, min(table.label_columns, len(frame.columns)))
    head_rows = table.header or (tuple((str(c), 1, 1) for c in frame.columns),)
    parts = [f'<table style="{_TABLE_STYLE}">']
    parts.append(_colgroup(len(frame.columns), n, table.label_width))
    parts.append("<thead>")
    for head in head_rows:
        parts.append("<tr>")
        for text, colspan, rowspan in head:
            attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
                f' colspan="{colspan}"' if colspan > 1 else ""
            )
            parts.append(f'<th{attrs} style="{_HEAD_STYLE}">{escape_literal(text)}</th>')
        parts.append("</tr>")
    parts.append("</thead><tbody>")
    rows = [["" if v is None else str(v) for v in row] for row in frame.itertuples(index=False)]
    spans = _label_spans([row[:n] for row in rows], n)
    for row, row_spans in zip(rows, spans, strict=True):
        parts.append("<tr>")
        for c, span in enumerate(row_spans):
            if span is not None:
                parts.append(_td(row[c], _LABEL_STYLE, *span))
        for cell in row[n:]:
            style = _UNCERTAIN_STYLE if cell.startswith(UNCERTAIN) else _NUMBER_STYLE
            parts.append(_td(cell, style))
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def text_table_html(frame: pd.DataFrame, first_width: float = 0.2) -> str:
    """A table of text (every cell left-aligned and wrapped, nothing merged),
    escaped like table_html: for metadata whose values are too long for a grid."""
    parts = [f'<table style="{_TABLE_STYLE}">']
    parts.append(f'<colgroup><col style="width:{first_width * 100:.0f}%"></colgroup><thead><tr>')
    parts += [f'<th style="{_HEAD_STYLE}">{escape_literal(str(c))}</th>' for c in frame.columns]
    parts.append("</tr></thead><tbody>")
    for row in frame.itertuples(index=False):
        cells = ["" if v is None else str(v) for v in row]
        style = _LABEL_STYLE + ";word-break:break-all"
        parts.append("<tr>" + "".join(_td(text, style) for text in cells) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)
