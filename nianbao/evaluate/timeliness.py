"""D1: published by the legal deadline; D2: no year missing in a body's series.

Deadlines (FORMAT.md §1.3):
- 2008 Regulation (report years 2008–2018), 第三十一条: 3月31日 of the next
  year, for every agency;
- 2019 Regulation (report years 2019–), 第四十九条: departments 1月31日,
  a government's own report 3月31日; townships have no national deadline
  (local notices set one), so they are left uncertain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from loaders.model import CheckResult, ParsedReport
from nianbao.evaluate._common import result


def deadline(year: int, scope: str) -> tuple[dt.date | None, str]:
    """The legal deadline for a report year and scope, with its legal basis."""
    if year < 2008:
        return None, "no Regulation before 2008 (in force 2008-05-01)"
    if year <= 2018:
        return dt.date(year + 1, 3, 31), "2008 Regulation 第三十一条: 3月31日 for every agency"
    if scope == "department":
        return dt.date(year + 1, 1, 31), "2019 Regulation 第四十九条: departments by 1月31日"
    if scope == "government":
        return (
            dt.date(year + 1, 3, 31),
            "2019 Regulation 第四十九条: a government's own report by 3月31日",
        )
    if scope == "township":
        return None, (
            "2019 Regulation sets no date for 乡镇/街道 (local notices do); "
            "no national deadline to check against"
        )
    return None, f"scope {scope!r}: department (1月31日) or government (3月31日) unknown"


def check_timeliness(report: ParsedReport) -> CheckResult:
    """D1: publication date against the deadline for the report's year and scope."""
    if report.year is None:
        return result("D1", "uncertain", "report year unknown: the deadline cannot be chosen")
    due, basis = deadline(report.year, report.scope)
    if report.published is None:
        extra = f"; deadline {due.isoformat()} ({basis})" if due else f"; {basis}"
        return result("D1", "uncertain", f"publication date unknown{extra}")
    pub = report.published.isoformat()
    if due is None:
        return result("D1", "uncertain", f"published {pub}; {basis}")
    if report.published < dt.date(report.year, 1, 1):
        return result(
            "D1",
            "uncertain",
            f"published {pub}, before the report year {report.year} began: date or year wrong",
        )
    days = (report.published - due).days
    if days > 0:
        return result(
            "D1",
            "fail",
            f"published {pub}, {days} day(s) after the deadline {due.isoformat()} ({basis})",
        )
    return result("D1", "pass", f"published {pub}, deadline {due.isoformat()} ({basis})")


def check_missing_years(reports: Sequence[ParsedReport]) -> CheckResult:
    """D2: years with no report between a body's first and last report.

    ``reports`` are the reports of one body (any order). Absence in the
    collection may mean the report was not collected rather than not
    published; the detail says which years to look for.
    """
    years = sorted({r.year for r in reports if r.year is not None})
    who = next((r.issuer for r in reports if r.issuer), "") or ""
    if not years:
        return result("D2", "uncertain", "no report with a known year", who)
    missing = [y for y in range(years[0], years[-1] + 1) if y not in years]
    span = f"{years[0]}–{years[-1]}"
    if missing:
        listed = ", ".join(str(y) for y in missing)
        return result(
            "D2",
            "fail",
            f"no report for {listed} between the first and last report ({span}; "
            f"{len(years)} of {years[-1] - years[0] + 1} years present)",
            who,
        )
    return result("D2", "pass", f"a report for every year {span}", who)
