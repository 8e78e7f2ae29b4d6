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
    "gov2021": "2021格式（国办公开办函〔2021〕30号）",
    "gov2019": "2019格式（国办公开办函〔2019〕60号，试行）",
    "legacy": "2019年以前的统计表",
    "narrative": "没有统计表",
}


def expected_format(year: int) -> tuple[str | None, str]:
    """The table format a report of ``year`` should use, and why."""
    if year >= 2021:
        return "gov2021", "2021年起的年报采用30号文格式"
    if year >= 2019:
        return "gov2019", "2019–2020年的年报采用60号文试行格式"
    if year >= 2014:
        return "legacy", "2014–2018年的年报附统计表（国办发〔2014〕32号）"
    return None, "2008–2013年的年报没有全国统一的统计表"


def check_format(report: ParsedReport) -> CheckResult:
    """F1."""
    used = _FORMAT_NAMES.get(report.format, report.format)
    if report.year is None:
        return result("F1", "uncertain", f"报告年度不明；所用格式：{used}")
    want, why = expected_format(report.year)
    if want is None:
        return result("F1", "pass", f"{why}；所用格式：{used}")
    if report.format == want:
        return result("F1", "pass", f"{used}，符合要求（{why}）")
    if want == "legacy" and report.format == "narrative" and report.year <= 2015:
        # FORMAT.md §1.3: in 2014–2015 the statistics may or may not be printed.
        return result(
            "F1",
            "uncertain",
            f"{report.year}年的报告没有统计表；{why}，但2014–2015年的统计表不一定印在报告中",
        )
    what = "没有统计表" if report.format == "narrative" else f"采用{used}"
    return result(
        "F1",
        "fail",
        f"{report.year}年的报告{what}；应采用{_FORMAT_NAMES[want]}（{why}）",
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
        return (result("F2", "fail", "未找到“收到和处理政府信息公开申请情况”表"),)
    if missing:
        listed = "；".join(f"“{label}”" for _, label in missing)
        if report.format == "gov2021" and "requests.other_handling" in present:
            listed += "（“（六）其他处理”只印了一行，是2019年试行格式的排法）"
        return (
            result(
                "F2",
                "fail",
                f"依申请公开表和复议诉讼表的 {len(rows)} 个模板行中有 {len(missing)} 个"
                f"缺失或改名到无法辨认：{listed}",
            ),
        )
    return (result("F2", "pass", f"依申请公开表和复议诉讼表的 {len(rows)} 个模板行齐全"),)
