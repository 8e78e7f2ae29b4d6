"""From a file to a ParsedReport: the one entry point of parsing.

    load(source) -> Document          (loaders.readers)
    detect_format(linear text)        (loaders.formats)
    table facts                       (loaders.tables_gov / loaders.tables_legacy)
    metadata, sections, text facts    (loaders.metadata / sections / narrative)

Pure: no database, no Streamlit. Checks are run by nianbao.checks on the result.
"""

from __future__ import annotations

from pathlib import Path

from loaders.errors import LoaderError
from loaders.formats import detect_format
from loaders.metadata import Overrides, extract_metadata
from loaders.model import Document, ParsedReport
from loaders.narrative import text_facts
from loaders.readers import load
from loaders.sections import split_sections
from loaders.tables_gov import parse_gov_tables
from loaders.tables_legacy import parse_legacy_tables

# Bumped when what the parser stores changes (0.2.0: Chinese warnings and check
# details, pdfium text layer); `nianbao reparse` refreshes older reports.
PARSER_VERSION = "0.2.0"


# Words every annual report uses somewhere (in simplified or, for mirrors such
# as big5 gateway pages, traditional characters); a document with none of them
# is something else (a notice, a news item, a wrong file) and is refused.
_REPORT_MARKERS = ("信息公开", "政务公开", "年度报告", "依申请公开", "信息公開", "年度報告")


def parse_document(doc: Document, overrides: Overrides | None = None) -> ParsedReport:
    linear = doc.linear()
    if not any(m in linear for m in _REPORT_MARKERS):
        raise LoaderError(
            doc.source,
            "不是政府信息公开工作年度报告：文中没有“信息公开”“政务公开”“年度报告”等字样",
            "请确认这是年度报告，而不是其他文件",
        )
    fmt = detect_format(linear)
    warnings: list[str] = []
    if fmt in ("gov2019", "gov2021"):
        facts, w = parse_gov_tables(linear, fmt)
    elif fmt == "legacy":
        facts, w = parse_legacy_tables(linear)
    else:
        facts, w = (), ()
    warnings.extend(w)
    meta = extract_metadata(doc, overrides)
    warnings.extend(meta.warnings)
    sections = split_sections(doc.text)
    tfacts, w = text_facts(sections, meta.year)
    warnings.extend(w)
    return ParsedReport(
        source=doc.source,
        media_type=doc.media_type,
        content_hash=doc.content_hash,
        title=meta.title,
        issuer=meta.issuer,
        scope=meta.scope,
        region=meta.region,
        year=meta.year,
        format=fmt,
        published=meta.published,
        facts=tuple(facts) + tuple(tfacts),
        sections=sections,
        warnings=tuple(warnings),
        full_text=doc.text,
    )


def parse_file(
    source: str | Path | bytes, overrides: Overrides | None = None, name: str | None = None
) -> ParsedReport:
    return parse_document(load(source, name=name), overrides)
