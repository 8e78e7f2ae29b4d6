"""Consistency rules (勾稽关系) of FORMAT.md §4 run on a parsed report."""

from __future__ import annotations

from loaders.model import CheckResult, ParsedReport


def run_checks(report: ParsedReport) -> tuple[CheckResult, ...]:
    """All table rules that apply to the report's format, in rule order."""
    from nianbao.checks import gov, legacy

    if report.format in ("gov2019", "gov2021"):
        return gov.check(report.facts, report.format)
    if report.format == "legacy":
        return legacy.check(report.facts)
    return ()
