"""Plain typed values passed between the layers of nianbao.

A reader turns bytes into a :class:`Document` (paragraphs and tables in
reading order). The parser turns a Document into a :class:`ParsedReport`
(metadata, sections, facts, warnings). Checks add :class:`CheckResult` rows.
Nothing here touches a database or Streamlit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

# Separators used when a document is linearised for the table grammar.
# A grid cell boundary is a hard boundary between values; a blank cell between
# two separators is a blank value (null), never 0.
CELL_SEP = " ‖ "
ROW_SEP = "\n"


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    """A table as a rectangular grid of cell texts.

    Merged cells are resolved: a cell with rowspan/colspan is repeated in
    every grid position it covers, so each row has the same length.
    """

    rows: tuple[tuple[str, ...], ...]
    page: int | None = None  # 1-based PDF page the table starts on, if known


Block = Paragraph | Table

MediaType = Literal["text", "html", "docx", "pdf"]


@dataclass(frozen=True)
class Document:
    """What a reader found in one file, before any interpretation."""

    source: str  # path or name as given by the user
    media_type: MediaType
    blocks: tuple[Block, ...]
    # Page metadata the file itself carries: 标题, 发布时间, 原文链接, 发布机构,
    # PubDate, 成文日期 ... keyed by the label as written.
    meta: tuple[tuple[str, str], ...] = ()
    content_hash: str = ""  # sha256 of the raw bytes
    encoding: str | None = None  # for text and HTML: the encoding used

    @property
    def text(self) -> str:
        """Narrative text: paragraphs joined by newlines, tables left out."""
        return "\n".join(b.text for b in self.blocks if isinstance(b, Paragraph))

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Table))

    def meta_value(self, *labels: str) -> str | None:
        for label in labels:
            for key, value in self.meta:
                if key == label and value.strip():
                    return value.strip()
        return None

    def linear(self) -> str:
        """The whole document as one string for the table grammar.

        Paragraphs are kept as they are; each table row becomes one line whose
        cells are joined by CELL_SEP. Flattened tables inside plain text stay
        as they were written (run-together or space-separated).
        """
        out: list[str] = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                out.append(b.text)
            else:
                for row in b.rows:
                    out.append(CELL_SEP.join(c.strip() for c in row))
        return ROW_SEP.join(out)


@dataclass(frozen=True)
class Region:
    province: str | None = None
    city: str | None = None
    county: str | None = None
    code: str | None = None  # administrative division code (6 digits) where known


Scope = Literal["government", "department", "township", "other"]
Format = Literal["gov2021", "gov2019", "legacy", "narrative"]
FactSource = Literal["table", "text"]


@dataclass(frozen=True)
class Fact:
    metric: str  # a code of loaders/metrics.csv
    applicant: str | None  # a key of loaders/applicants.csv, or None
    value: float | None  # None: the cell is there but blank / '—' / '/' / ambiguous
    raw: str  # the token as written ('' for a blank cell)
    unit: str
    source: FactSource = "table"
    # Where it came from: for tables e.g. "B 一、本年新收… / 自然人";
    # for text the sentence (evidence).
    location: str = ""
    evidence: str | None = None  # the sentence, for source == "text"


@dataclass(frozen=True)
class Section:
    number: str  # 一, 二, … ('' for a preamble)
    title: str
    text: str
    order: int


@dataclass(frozen=True)
class CheckResult:
    rule: str  # B1, B3, P1, …
    status: Literal["pass", "fail", "uncertain"]
    detail: str
    subject: str = ""  # e.g. the applicant column or row the rule was applied to


@dataclass(frozen=True)
class ParsedReport:
    source: str
    media_type: MediaType
    content_hash: str
    title: str | None
    issuer: str | None
    scope: Scope
    region: Region
    year: int | None
    format: Format
    published: dt.date | None
    facts: tuple[Fact, ...]
    sections: tuple[Section, ...]
    warnings: tuple[str, ...]
    full_text: str
    checks: tuple[CheckResult, ...] = field(default_factory=tuple)
