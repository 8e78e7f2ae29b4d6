"""The public JSON contract of `nianbao parse FILE --json` (spec/README.md).

Other tools and the golden tests rely on this shape; change it only by adding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from loaders.model import CheckResult, Fact, ParsedReport


def _number(value: float | None, unit: str) -> int | float | None:
    """Counts print as integers (3649, not 3649.0); money (万元) is always a float."""
    if value is None:
        return None
    if unit == "万元":
        return float(value)
    if float(value).is_integer():
        return int(value)
    return value


def fact_json(f: Fact) -> dict[str, Any]:
    out: dict[str, Any] = {
        "metric": f.metric,
        "applicant": f.applicant,
        "value": _number(f.value, f.unit),
        "raw": f.raw,
        "unit": f.unit,
        "source": f.source,
    }
    if f.source == "text":
        out["evidence"] = f.evidence
    return out


def to_contract(report: ParsedReport, checks: Sequence[CheckResult] = ()) -> dict[str, Any]:
    r = report.region
    return {
        "report": {
            "title": report.title,
            "issuer": report.issuer,
            "region": {
                "province": r.province,
                "city": r.city,
                "county": r.county,
                "code": r.code,
            },
            "scope": report.scope,
            "year": report.year,
            "format": report.format,
            "published": report.published.isoformat() if report.published else None,
        },
        "facts": [fact_json(f) for f in report.facts],
        "sections": [
            {"number": s.number, "title": s.title, "text": s.text} for s in report.sections
        ],
        "checks": [
            {"rule": c.rule, "status": c.status, "detail": c.detail}
            | ({"subject": c.subject} if c.subject else {})
            for c in (checks or report.checks)
        ],
        "warnings": list(report.warnings),
    }
