"""The metric catalog (metrics.csv) and applicant keys (applicants.csv).

Copied from the project's spec; codes may be added, never renamed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent


@dataclass(frozen=True)
class Metric:
    code: str
    formats: tuple[str, ...]
    table: str
    label: str
    unit: str
    parent: str | None
    has_applicant: bool
    note: str


@cache
def metrics() -> dict[str, Metric]:
    out: dict[str, Metric] = {}
    with open(_HERE / "metrics.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out[row["code"]] = Metric(
                code=row["code"],
                formats=tuple(row["formats"].split()),
                table=row["table"],
                label=row["label"],
                unit=row["unit"],
                parent=row["parent"] or None,
                has_applicant=row["dims"] == "applicant",
                note=row["note"],
            )
    return out


@cache
def applicants() -> dict[str, str]:
    """Applicant key -> label, in table column order."""
    with open(_HERE / "applicants.csv", encoding="utf-8", newline="") as f:
        return {row["key"]: row["label"] for row in csv.DictReader(f)}


# Table B's applicant columns in template order, as applicants.csv lists them.
APPLICANT_COLUMNS: tuple[str, ...] = tuple(applicants())


def unit_of(code: str) -> str:
    return metrics()[code].unit
