"""B1, B3, B4, C1 for the 2019/2021 formats (FORMAT.md §4.1).

Each rule is evaluated per subject (an applicant column, a row, a block) and
gives one CheckResult. A blank cell is unknown, not 0: a rule with a blank
operand is "uncertain", and the detail says whether it would hold if the
blanks were zero (real reports often leave zeros blank, FORMAT.md §6.3). A
row the parser did not find makes the rule uncertain too.
"""

from __future__ import annotations

from collections.abc import Sequence

from loaders.catalog import APPLICANT_COLUMNS, metrics
from loaders.model import CheckResult, Fact
from nianbao.labels import APPLICANT_LABELS

_ONE = "requests.received"
_TWO = "requests.carried_over"
_SEVEN = "requests.closed"
_FOUR = "requests.carried_forward"
_C_BLOCKS = (
    ("review", "行政复议"),
    ("litigation.direct", "行政诉讼 未经复议直接起诉"),
    ("litigation.after_review", "行政诉讼 复议后起诉"),
)
_C_PARTS = ("upheld", "corrected", "other", "pending")

_Missing = object()  # the row is not in the parsed table at all
Operand = float | None | object

# Short names of the B1 rows for the detail an evaluator reads.
_B1_NAMES = {
    _ONE: "本年新收",
    _TWO: "上年结转",
    _SEVEN: "办理结果总计",
    _FOUR: "结转下年",
}
_C_PART_NAMES = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
}


def _name(code: str) -> str:
    """A Table B row as the template prints it, without its bracketed note."""
    return _B1_NAMES.get(code) or metrics()[code].label.split("（区分处理")[0]


def _show(v: Operand) -> str:
    if v is _Missing:
        return "（该行缺失）"
    if v is None:
        return "空白"
    assert isinstance(v, float | int)
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


Term = tuple[str, Operand]  # (what the operand is, its value)


def _sum(terms: Sequence[Term]) -> str:
    """'本年新收 5 + 上年结转 0'; the rows of one group (（三）不予公开 1.…8.)
    share their name: '（三）不予公开（0 + 0 + 1）', in the template's order."""
    groups: list[tuple[str, list[Operand]]] = []
    for name, v in terms:
        if groups and groups[-1][0] == name:
            groups[-1][1].append(v)
        else:
            groups.append((name, [v]))
    return " + ".join(
        f"{name} {_show(vs[0])}" if len(vs) == 1 else f"{name}（{' + '.join(map(_show, vs))}）"
        for name, vs in groups
    )


def _total(vals: Sequence[Operand]) -> float:
    """Sum of the known operands (blanks count as zero here)."""
    return sum((float(v) for v in vals if isinstance(v, float | int)), 0.0)


def _equation(
    rule: str, subject: str, shown: str, left: Sequence[Term], right: Sequence[Term]
) -> CheckResult:
    """sum(left) = sum(right), with the tri-state verdict and a detail in the table's words.

    ``subject`` is the key stored with the result (an applicant key, a row
    label); ``shown`` is how the detail names it.
    """
    text_l, text_r = _sum(left), _sum(right)
    lv, rv = [v for _, v in left], [v for _, v in right]
    ops = [*lv, *rv]
    if any(v is _Missing for v in ops):
        return CheckResult(
            rule, "uncertain", f"{shown}：{text_l} 与 {text_r}（有行缺失，无法核对）", subject
        )
    if any(v is None for v in ops):
        tail = (
            "空白格按 0 计则成立"
            if abs(_total(lv) - _total(rv)) < 1e-9
            else "即使空白格按 0 计也不成立"
        )
        return CheckResult(
            rule, "uncertain", f"{shown}：{text_l} 与 {text_r}（有空白格，{tail}）", subject
        )
    if abs(_total(lv) - _total(rv)) < 1e-9:
        return CheckResult(rule, "pass", f"{shown}：{text_l} = {text_r}", subject)
    return CheckResult(rule, "fail", f"{shown}：{text_l} ≠ {text_r}", subject)


def _outcome_rows(present: set[str], fmt: str) -> list[str]:
    """The outcome rows of 三、本年度办理结果 that B3 sums, in template order.

    The （六）其他处理 layout is taken from the table itself (some 2021 reports
    still print the single 2019 row), else from the format.
    """
    layout = fmt
    if "requests.other_handling" in present:
        layout = "gov2019"
    elif any(m.startswith("requests.other_handling.") for m in present):
        layout = "gov2021"
    return [code for code, m in metrics().items() if m.parent == _SEVEN and layout in m.formats]


def check(facts: Sequence[Fact], fmt: str) -> tuple[CheckResult, ...]:
    cells: dict[tuple[str, str | None], float | None] = {}
    for f in facts:
        if f.source == "table":
            cells[(f.metric, f.applicant)] = f.value
    present = {m for m, _ in cells}

    def b(metric: str, col: str) -> Operand:
        return cells.get((metric, col), _Missing)

    def t(metric: str, col: str) -> Term:
        return (_name(metric), b(metric, col))

    out: list[CheckResult] = []
    if any(m.startswith("requests.") for m in present):
        for col in APPLICANT_COLUMNS:
            out.append(
                _equation(
                    "B1",
                    col,
                    APPLICANT_LABELS[col],
                    [t(_ONE, col), t(_TWO, col)],
                    [t(_SEVEN, col), t(_FOUR, col)],
                )
            )
        outcomes = _outcome_rows(present, fmt)
        for col in APPLICANT_COLUMNS:
            out.append(
                _equation(
                    "B3",
                    col,
                    APPLICANT_LABELS[col],
                    [t(_SEVEN, col)],
                    # an outcome group's rows under the group's name (see _sum)
                    [(_name(o).split(" ")[0], b(o, col)) for o in outcomes],
                )
            )
        rows = [code for code, m in metrics().items() if m.table == "B" and code in present]
        for code in rows:
            label = metrics()[code].label
            out.append(
                _equation(
                    "B4",
                    label,
                    label,
                    [("总计", b(code, "total"))],
                    [(APPLICANT_LABELS[col], b(code, col)) for col in APPLICANT_COLUMNS[:-1]],
                )
            )
    if any(m.startswith(("review.", "litigation.")) for m in present):
        for prefix, name in _C_BLOCKS:
            parts = [
                (_C_PART_NAMES[p], cells.get((f"{prefix}.{p}", None), _Missing)) for p in _C_PARTS
            ]
            total = ("总计", cells.get((f"{prefix}.total", None), _Missing))
            out.append(_equation("C1", name, name, [total], parts))
    return tuple(out)
