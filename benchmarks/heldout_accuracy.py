"""How exactly the parser reads real reports it was never developed on. Not a test.

    python benchmarks/heldout_accuracy.py [--dir tests/data/heldout] [--quiet]

The held-out set (tests/data/heldout) holds Pingtan annual reports from the
public archive the bundled corpus came from, but none of the files in
data/reports (SOURCES.csv names each archive path; the ids are not in
data/reports/manifest.csv). Each report has an expected file written by hand
from the text, before the parser was run on it:

    {"year": 2022, "format": "gov2021", "cells": [{"metric", "applicant", "value"}]}

The cells are the statistical-table values only (text.* facts are not scored).
A fused run of digits whose split the table's own arithmetic does not decide
is expected as null: the parser must not guess.

Per report it prints whether year and format are right and, per expected cell,
exact (same value, or null = null), wrong (another value), missing (no table
fact for that metric and applicant); table facts nobody expected are extra.
Overall cell accuracy = exact / expected cells. Every miss is listed with file,
metric, applicant, expected and got, for the parser owners.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.errors import LoaderError  # noqa: E402
from loaders.parse import parse_file  # noqa: E402

HELDOUT = ROOT / "tests" / "data" / "heldout"

Key = tuple[str, str | None]


@dataclass(frozen=True)
class Miss:
    file: str
    kind: str  # wrong / missing / extra / duplicate
    metric: str
    applicant: str | None
    expected: float | None
    got: float | None
    raw: str = ""  # the parser's raw token, when there is a fact

    def line(self) -> str:
        who = f"[{self.applicant}]" if self.applicant else ""
        exp = "-" if self.kind in ("extra", "duplicate") else _show(self.expected)
        got = "-" if self.kind == "missing" else _show(self.got)
        raw = f" raw={self.raw!r}" if self.raw else ""
        return f"{self.file}  {self.kind:<9} {self.metric}{who}  expected {exp}  got {got}{raw}"


@dataclass
class ReportScore:
    file: str
    year_expected: int
    year_got: int | None
    format_expected: str
    format_got: str | None
    expected_cells: int = 0
    exact: int = 0
    wrong: int = 0
    missing: int = 0
    extra: int = 0
    # The same counts for the cells that carry information: a value other than
    # 0 (most template cells are 0), and the null (undecidable) cells.
    nonzero_expected: int = 0
    nonzero_exact: int = 0
    null_expected: int = 0
    null_exact: int = 0
    error: str | None = None  # the LoaderError line when the file did not parse
    misses: list[Miss] = field(default_factory=list)

    @property
    def year_ok(self) -> bool:
        return self.year_got == self.year_expected

    @property
    def format_ok(self) -> bool:
        return self.format_got == self.format_expected


@dataclass(frozen=True)
class Measurement:
    reports: tuple[ReportScore, ...]

    @property
    def expected_cells(self) -> int:
        return sum(r.expected_cells for r in self.reports)

    @property
    def exact(self) -> int:
        return sum(r.exact for r in self.reports)

    @property
    def accuracy(self) -> float:
        """exact / expected cells (1.0 when nothing is expected)."""
        n = self.expected_cells
        return self.exact / n if n else 1.0

    @property
    def misses(self) -> list[Miss]:
        return [m for r in self.reports for m in r.misses]


def _show(v: float | None) -> str:
    if v is None:
        return "null"
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _same(expected: float | None, got: float | None) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    return math.isclose(float(expected), float(got), rel_tol=1e-9, abs_tol=1e-9)


def score_report(txt: Path, expected: dict) -> ReportScore:
    """Parse one held-out file and compare it with its hand-written expectation."""
    score = ReportScore(
        file=txt.name,
        year_expected=int(expected["year"]),
        year_got=None,
        format_expected=str(expected["format"]),
        format_got=None,
    )
    want: dict[Key, float | None] = {}
    for c in expected["cells"]:
        key = (c["metric"], c["applicant"])
        if key in want:
            raise ValueError(f"{txt.name}: expected cell {key} listed twice")
        want[key] = c["value"]
    score.expected_cells = len(want)
    score.nonzero_expected = sum(v is not None and v != 0 for v in want.values())
    score.null_expected = sum(v is None for v in want.values())
    try:
        report = parse_file(txt)
    except LoaderError as e:
        score.error = str(e)
        score.missing = len(want)
        score.misses = [Miss(txt.name, "missing", m, a, v, None) for (m, a), v in want.items()]
        return score
    score.year_got = report.year
    score.format_got = report.format
    got: dict[Key, tuple[float | None, str]] = {}
    for f in report.facts:
        if f.source != "table":
            continue
        key = (f.metric, f.applicant)
        if key in got:
            # Two table facts for one cell: the first is scored, the second reported.
            score.extra += 1
            score.misses.append(
                Miss(txt.name, "duplicate", f.metric, f.applicant, None, f.value, f.raw)
            )
            continue
        got[key] = (f.value, f.raw)
    for key, value in want.items():
        if key not in got:
            score.missing += 1
            score.misses.append(Miss(txt.name, "missing", key[0], key[1], value, None))
            continue
        g, raw = got[key]
        if _same(value, g):
            score.exact += 1
            score.nonzero_exact += value is not None and value != 0
            score.null_exact += value is None
        else:
            score.wrong += 1
            score.misses.append(Miss(txt.name, "wrong", key[0], key[1], value, g, raw))
    for key, (g, raw) in got.items():
        if key not in want:
            score.extra += 1
            score.misses.append(Miss(txt.name, "extra", key[0], key[1], None, g, raw))
    return score


def measure(directory: Path = HELDOUT) -> Measurement:
    scores = []
    for exp_path in sorted(directory.glob("*.expected.json")):
        txt = exp_path.with_name(exp_path.name.removesuffix(".expected.json") + ".txt")
        if not txt.exists():
            raise FileNotFoundError(f"{exp_path.name}: no report file {txt.name} next to it")
        expected = json.loads(exp_path.read_text(encoding="utf-8"))
        scores.append(score_report(txt, expected))
    return Measurement(tuple(scores))


def render(m: Measurement, show_misses: bool = True) -> str:
    head = (
        f"{'file':<22} {'year':>10} {'format':>18} {'cells':>5} {'exact':>5} "
        f"{'wrong':>5} {'miss':>4} {'extra':>5}"
    )
    lines = [head, "-" * len(head)]
    for r in m.reports:
        year = f"{r.year_got}{'' if r.year_ok else '≠' + str(r.year_expected)}"
        fmt = f"{r.format_got}{'' if r.format_ok else '≠' + r.format_expected}"
        lines.append(
            f"{r.file:<22} {year:>10} {fmt:>18} {r.expected_cells:>5} {r.exact:>5} "
            f"{r.wrong:>5} {r.missing:>4} {r.extra:>5}" + (f"  ERROR {r.error}" if r.error else "")
        )
    years = sum(r.year_ok for r in m.reports)
    formats = sum(r.format_ok for r in m.reports)
    n = len(m.reports)
    lines.append("-" * len(head))
    lines.append(f"reports: {n}   year right: {years}/{n}   format right: {formats}/{n}")
    lines.append(
        f"cells: {m.exact}/{m.expected_cells} exact = {100 * m.accuracy:.2f}%   "
        f"wrong {sum(r.wrong for r in m.reports)}, missing {sum(r.missing for r in m.reports)}, "
        f"extra {sum(r.extra for r in m.reports)}"
    )
    nz = sum(r.nonzero_expected for r in m.reports)
    nz_ok = sum(r.nonzero_exact for r in m.reports)
    nl = sum(r.null_expected for r in m.reports)
    nl_ok = sum(r.null_exact for r in m.reports)
    lines.append(
        f"  of which non-zero: {nz_ok}/{nz} exact"
        + (f" = {100 * nz_ok / nz:.2f}%" if nz else "")
        + f"; expected null (blank or undecidable): {nl_ok}/{nl} exact"
    )
    if show_misses and m.misses:
        lines.append("")
        lines.append("misses (file, kind, metric[applicant], expected, got):")
        lines.extend("  " + x.line() for x in m.misses)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, default=HELDOUT, help="held-out directory")
    ap.add_argument("--quiet", action="store_true", help="the summary table only")
    args = ap.parse_args(argv)
    print(render(measure(args.dir), show_misses=not args.quiet))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
