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
        return None, "2008年以前没有《条例》（2008年5月1日起施行）"
    if year <= 2018:
        return dt.date(year + 1, 3, 31), "2008年《条例》第三十一条：各机关均为3月31日前"
    if scope == "department":
        return dt.date(year + 1, 1, 31), "2019年《条例》第四十九条：部门为1月31日前"
    if scope == "government":
        return (
            dt.date(year + 1, 3, 31),
            "2019年《条例》第四十九条：人民政府本级为3月31日前",
        )
    if scope == "township":
        return None, (
            "2019年《条例》未规定乡镇、街道的期限（由地方通知规定），没有全国统一的期限可供核对"
        )
    return None, "无法判断是部门（1月31日前）还是人民政府（3月31日前）"


def check_timeliness(report: ParsedReport) -> CheckResult:
    """D1: publication date against the deadline for the report's year and scope."""
    if report.year is None:
        return result("D1", "uncertain", "报告年度不明，无法确定期限")
    due, basis = deadline(report.year, report.scope)
    if report.published is None:
        extra = f"；期限为 {due.isoformat()}（{basis}）" if due else f"；{basis}"
        return result("D1", "uncertain", f"发布日期不明{extra}")
    pub = report.published.isoformat()
    if due is None:
        return result("D1", "uncertain", f"发布于 {pub}；{basis}")
    if report.published < dt.date(report.year, 1, 1):
        return result(
            "D1",
            "uncertain",
            f"发布于 {pub}，早于报告年度{report.year}年开始之时：发布日期或年度有误",
        )
    days = (report.published - due).days
    if days > 0:
        return result(
            "D1",
            "fail",
            f"发布于 {pub}，比期限 {due.isoformat()} 晚 {days} 天（{basis}）",
        )
    return result("D1", "pass", f"发布于 {pub}，期限为 {due.isoformat()}（{basis}）")


def check_missing_years(reports: Sequence[ParsedReport]) -> CheckResult:
    """D2: years with no report between a body's first and last report.

    ``reports`` are the reports of one body (any order). Absence in the
    collection may mean the report was not collected rather than not
    published; the detail says which years to look for.
    """
    years = sorted({r.year for r in reports if r.year is not None})
    who = next((r.issuer for r in reports if r.issuer), "") or ""
    if not years:
        return result("D2", "uncertain", "没有年度明确的报告", who)
    missing = [y for y in range(years[0], years[-1] + 1) if y not in years]
    span = f"{years[0]}–{years[-1]}"
    if missing:
        listed = "、".join(f"{y}年" for y in missing)
        return result(
            "D2",
            "fail",
            f"首末两份报告之间（{span}年）缺少{listed}的报告"
            f"（{years[-1] - years[0] + 1} 年中有 {len(years)} 年）",
            who,
        )
    return result("D2", "pass", f"{span}年每年都有报告", who)
