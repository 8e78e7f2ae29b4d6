"""Real reports from data/reports as ParsedReport values for the evaluator tests.

:func:`report` parses a bundled file with the project's own parser
(loaders.parse.parse_file). While a part of the parser is not there yet it
composes the same steps itself (reader, Table A/B/C parser, metadata,
sections), so the evaluator is always tested on what the parser really
extracts from the real file.

Three fields are taken from data/reports/manifest.csv instead, so that the
evaluator's tests do not move when metadata heuristics change: the format
(the manifest records the table signature of each file), the scope
(issuer_kind department → department, anything else → government) and the
publication date (the page's 发布时间, the date D1 is about) where the manifest has one.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import replace
from functools import cache
from pathlib import Path

from loaders.model import ParsedReport

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "data" / "reports"


@cache
def manifest() -> dict[str, dict[str, str]]:
    with open(REPORTS / "manifest.csv", encoding="utf-8", newline="") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


def _compose(path: Path, fmt: str) -> ParsedReport:
    from loaders.metadata import extract_metadata
    from loaders.readers import load
    from loaders.sections import split_sections

    doc = load(path)
    linear = doc.linear()
    facts: tuple = ()
    try:
        if fmt in ("gov2019", "gov2021"):
            from loaders.tables_gov import parse_gov_tables

            facts = tuple(parse_gov_tables(linear, fmt)[0])
        elif fmt == "legacy":
            from loaders.tables_legacy import parse_legacy_tables

            facts = tuple(parse_legacy_tables(linear)[0])
    except NotImplementedError:
        facts = ()
    meta = extract_metadata(doc)
    return ParsedReport(
        source=str(path.relative_to(REPORTS)),
        media_type=doc.media_type,
        content_hash=doc.content_hash,
        title=meta.title,
        issuer=meta.issuer,
        scope=meta.scope,
        region=meta.region,
        year=meta.year,
        format=fmt,  # type: ignore[arg-type]
        published=meta.published,
        facts=facts,
        sections=split_sections(doc.text),
        warnings=(),
        full_text=doc.text,
    )


@cache
def report(file: str) -> ParsedReport:
    """The bundled report ``file`` (a path relative to data/reports)."""
    row = manifest()[file]
    path = REPORTS / file
    try:
        from loaders.parse import parse_file

        parsed = parse_file(path)
        parsed = replace(parsed, source=file)
    except NotImplementedError:
        parsed = _compose(path, row["format"])
    # The manifest's date where it has one; otherwise what the parser found.
    published = dt.date.fromisoformat(row["published"]) if row["published"] else parsed.published
    scope = "department" if row["issuer_kind"] == "department" else "government"
    return replace(
        parsed,
        format=row["format"],  # type: ignore[arg-type]
        scope=scope,  # type: ignore[arg-type]
        published=published,
        year=int(row["year"]),
    )


def body_reports(kind: str, years: range | None = None) -> list[ParsedReport]:
    """A Pingtan body's reports by the file code (jjf, gwh, …), ordered by year."""
    files = sorted(f for f in manifest() if f.startswith("pingtan/") and f.split("-")[1] == kind)
    out = [report(f) for f in files]
    if years is not None:
        out = [r for r in out if r.year in years]
    return sorted(out, key=lambda r: r.year or 0)


# --- the builder itself -------------------------------------------------------------


def test_builder_reads_the_real_table_of_jjf_2023() -> None:
    r = report("pingtan/2023-jjf-057.txt")
    values = {(f.metric, f.applicant): f.value for f in r.facts if f.source == "table"}
    assert values[("requests.received", "total")] == 3
    assert values[("requests.received", "natural_person")] == 3
    assert values[("requests.closed", "total")] == 0
    assert r.year == 2023 and r.format == "gov2021" and r.scope == "department"
    assert r.published == dt.date(2024, 1, 30)
    assert [s.number for s in r.sections if s.number] == ["一", "二", "三", "四", "五", "六"]


def test_builder_reads_the_shanghai_2019_html_table() -> None:
    r = report("other/2019-002.html")
    values = {(f.metric, f.applicant): f.value for f in r.facts if f.source == "table"}
    assert values[("requests.disclosed", "natural_person")] == 258
    assert values.get(("requests.disclosed", "total")) is None  # blank in the report
    assert values[("requests.closed", "total")] == 805
    assert r.scope == "government" and r.format == "gov2019"
