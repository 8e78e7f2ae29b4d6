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


def _show(v: Operand) -> str:
    if v is _Missing:
        return "(row missing)"
    if v is None:
        return "–"
    assert isinstance(v, float | int)
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _sum(vals: Sequence[Operand]) -> str:
    return " + ".join(_show(v) for v in vals)


def _total(vals: Sequence[Operand]) -> float:
    """Sum of the known operands (blanks count as zero here)."""
    return sum((float(v) for v in vals if isinstance(v, float | int)), 0.0)


def _equation(
    rule: str, subject: str, left: Sequence[Operand], right: Sequence[Operand]
) -> CheckResult:
    """sum(left) = sum(right), with the tri-state verdict and a readable detail."""
    text_l, text_r = _sum(left), _sum(right)
    ops = [*left, *right]
    if any(v is _Missing for v in ops):
        return CheckResult(rule, "uncertain", f"{subject}: {text_l} vs {text_r}", subject)
    if any(v is None for v in ops):
        zero_l, zero_r = _total(left), _total(right)
        tail = (
            "passes if blanks are zero"
            if abs(zero_l - zero_r) < 1e-9
            else "does not hold even with blanks as zero"
        )
        return CheckResult(
            rule, "uncertain", f"{subject}: {text_l} vs {text_r} (blank cells); {tail}", subject
        )
    total_l, total_r = _total(left), _total(right)
    if abs(total_l - total_r) < 1e-9:
        return CheckResult(rule, "pass", f"{subject}: {text_l} = {text_r}", subject)
    return CheckResult(rule, "fail", f"{subject}: {text_l} ≠ {text_r}", subject)


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

    out: list[CheckResult] = []
    if any(m.startswith("requests.") for m in present):
        for col in APPLICANT_COLUMNS:
            out.append(
                _equation("B1", col, [b(_ONE, col), b(_TWO, col)], [b(_SEVEN, col), b(_FOUR, col)])
            )
        outcomes = _outcome_rows(present, fmt)
        for col in APPLICANT_COLUMNS:
            out.append(_equation("B3", col, [b(_SEVEN, col)], [b(o, col) for o in outcomes]))
        rows = [code for code, m in metrics().items() if m.table == "B" and code in present]
        for code in rows:
            label = metrics()[code].label
            out.append(
                _equation(
                    "B4",
                    label,
                    [b(code, "total")],
                    [b(code, col) for col in APPLICANT_COLUMNS[:-1]],
                )
            )
    if any(m.startswith(("review.", "litigation.")) for m in present):
        for prefix, name in _C_BLOCKS:
            parts = [cells.get((f"{prefix}.{p}", None), _Missing) for p in _C_PARTS]
            out.append(
                _equation("C1", name, [cells.get((f"{prefix}.total", None), _Missing)], parts)
            )
    return tuple(out)
