"""F1: the table format expected for the report year is the one used.
F2: a 2019/2021-format report has every template row of Tables B and C.

The format is detected from the table signature (FORMAT.md §8), not the year,
so comparing the two finds agencies that lag behind a new template or print no
table at all.
"""

from __future__ import annotations

from loaders.catalog import metrics
from loaders.model import CheckResult, ParsedReport
from nianbao.evaluate._common import GOV_FORMATS, result

_FORMAT_NAMES = {
    "gov2021": "2021 format (国办公开办函〔2021〕30号)",
    "gov2019": "2019 trial format (国办公开办函〔2019〕60号)",
    "legacy": "pre-2019 统计表",
    "narrative": "no statistics table",
}


def expected_format(year: int) -> tuple[str | None, str]:
    """The table format a report of ``year`` should use, and why."""
    if year >= 2021:
        return "gov2021", "report years 2021 onward use the 30号 format"
    if year >= 2019:
        return "gov2019", "report years 2019–2020 use the 60号 trial format"
    if year >= 2014:
        return "legacy", "report years 2014–2018 carry the 统计表 (国办发〔2014〕32号)"
    return None, "report years 2008–2013: no national table required"


def check_format(report: ParsedReport) -> CheckResult:
    """F1."""
    used = _FORMAT_NAMES.get(report.format, report.format)
    if report.year is None:
        return result("F1", "uncertain", f"report year unknown; format used: {used}")
    want, why = expected_format(report.year)
    if want is None:
        return result("F1", "pass", f"{why}; format used: {used}")
    if report.format == want:
        return result("F1", "pass", f"{used}, as expected ({why})")
    if want == "legacy" and report.format == "narrative" and report.year <= 2015:
        # FORMAT.md §1.3: in 2014–2015 the statistics may or may not be printed.
        return result(
            "F1",
            "uncertain",
            f"no statistics table in a {report.year} report; {why}, but in 2014–2015 "
            "it was not always printed in the report",
        )
    what = "has no statistics table" if report.format == "narrative" else f"uses the {used}"
    return result(
        "F1",
        "fail",
        f"{report.year} report {what}; expected the {_FORMAT_NAMES[want]} ({why})",
    )


def template_rows(fmt: str) -> list[tuple[str, str]]:
    """(metric code, label) of the Table B and C rows of a format's template."""
    return [
        (m.code, m.label) for m in metrics().values() if m.table in ("B", "C") and fmt in m.formats
    ]


def check_template_rows(report: ParsedReport) -> tuple[CheckResult, ...]:
    """F2, for the 2019/2021 formats only (older tables had no national template)."""
    if report.format not in GOV_FORMATS:
        return ()
    present = {f.metric for f in report.facts if f.source == "table"}
    rows = template_rows(report.format)
    missing = [(code, label) for code, label in rows if code not in present]
    table_b = [c for c, _ in rows if c.startswith("requests.")]
    if not any(c in present for c in table_b):
        return (result("F2", "fail", "Table B (收到和处理政府信息公开申请情况) not found"),)
    if missing:
        listed = "; ".join(f"{label} [{code}]" for code, label in missing)
        if report.format == "gov2021" and "requests.other_handling" in present:
            listed += " — （六）其他处理 is printed as one row, the 2019 trial layout"
        return (
            result(
                "F2",
                "fail",
                f"{len(missing)} of {len(rows)} template rows of Tables B/C missing or "
                f"renamed beyond recognition: {listed}",
            ),
        )
    return (result("F2", "pass", f"all {len(rows)} template rows of Tables B/C present"),)
