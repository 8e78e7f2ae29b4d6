"""Full-text search over the sections' text (Chinese has no spaces: trigrams).

SQLite: an FTS5 table with ``tokenize='trigram'`` over section.text, as an
external-content table (the text is stored once, in section) kept in sync by
triggers on section; :func:`ensure_search_index` creates it and back-fills it.
PostgreSQL: the pg_trgm extension and a GIN trigram index on section.text,
queried with ILIKE.

A trigram index needs at least 3 characters per term: a query term of 1–2
characters is found by scanning the sections with LIKE (slower on a big
database), and :class:`SearchResults.note` says so. With the C locale
PostgreSQL's pg_trgm extracts no trigrams from Chinese characters, so the index
helps only Latin-script terms there; the ILIKE results are the same either way.

Whitespace separates terms; a section matches when it contains every term
(case-insensitive for Latin letters). Ranking is the same on both databases:
more occurrences per 1,000 characters first, then the newer report.
Snippets are cut around the first occurrence; :func:`snippet_html` escapes the
document text and marks the matches, nothing from a document is markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, select, text
from sqlalchemy.exc import SQLAlchemyError

from nianbao.db import StorageError, explain
from nianbao.models import Region, Report, Section
from nianbao.queries.common import region_subtree

__all__ = [
    "SEARCH_COLUMNS",
    "SearchFilters",
    "SearchResults",
    "ensure_search_index",
    "search",
    "segments",
    "snippet_html",
    "snippet_text",
    "terms",
]

MIN_INDEXED = 3  # a trigram index cannot find shorter terms
SNIPPET_CONTEXT = 40  # characters either side of the first match
MAX_RESULTS = 500
MAX_TERMS = 8

SEARCH_COLUMNS = [
    "report_id",
    "issuer",
    "region",
    "year",
    "section_number",
    "section_title",
    "hits",
    "snippet",
]

_FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS section_fts USING fts5("
    "text, content='section', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS section_fts_ai AFTER INSERT ON section BEGIN "
    "INSERT INTO section_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS section_fts_ad AFTER DELETE ON section BEGIN "
    "INSERT INTO section_fts(section_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS section_fts_au AFTER UPDATE ON section BEGIN "
    "INSERT INTO section_fts(section_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO section_fts(rowid, text) VALUES (new.id, new.text); END",
)
_PG_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_section_text_trgm ON section USING gin (text gin_trgm_ops)",
)

_ready: set[str] = set()  # URLs whose index exists in this process
_scan_only: set[str] = set()  # SQLite without FTS5 trigram: LIKE scans


def _fts5_trigram_available(engine: Engine) -> bool:
    """Whether this SQLite can make an FTS5 trigram table (3.34+, FTS5 compiled in)."""
    with engine.connect() as conn:
        try:
            conn.execute(text("CREATE VIRTUAL TABLE temp._probe USING fts5(x, tokenize='trigram')"))
            conn.execute(text("DROP TABLE temp._probe"))
        except SQLAlchemyError:
            return False
    return True


def ensure_search_index(engine: Engine) -> str:
    """Create the search index if missing (back-filling it); returns the method
    ('fts5' or 'pg_trgm'). Other databases fall back to scanning ('scan')."""
    key = engine.url.render_as_string(hide_password=False)
    dialect = engine.dialect.name
    try:
        if dialect == "sqlite":
            if key in _scan_only:
                return "scan"
            if key not in _ready:
                if not _fts5_trigram_available(engine):
                    _scan_only.add(key)  # SQLite older than 3.34 or built without FTS5
                    return "scan"
                with engine.begin() as conn:
                    exists = conn.execute(
                        text("SELECT 1 FROM sqlite_master WHERE name = 'section_fts'")
                    ).first()
                    for ddl in _FTS_DDL:
                        conn.execute(text(ddl))
                    if exists is None:  # new index: fill it from the existing sections
                        conn.execute(
                            text("INSERT INTO section_fts(section_fts) VALUES ('rebuild')")
                        )
                _ready.add(key)
            return "fts5"
        if dialect == "postgresql":
            if key not in _ready:
                with engine.begin() as conn:
                    for ddl in _PG_DDL:
                        conn.execute(text(ddl))
                _ready.add(key)
            return "pg_trgm"
    except SQLAlchemyError as e:
        raise StorageError(explain(engine, e)) from None
    return "scan"


def rebuild_search_index(engine: Engine) -> None:
    """Refill the SQLite index from section (after a bulk load that bypassed triggers)."""
    ensure_search_index(engine)
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO section_fts(section_fts) VALUES ('rebuild')"))


# --- the query ---------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    """Which sections to search. Hashable, so it can key st.cache_data."""

    region_id: int | None = None  # this region and every region under it
    year: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    section_number: str | None = None  # '一' … ; '' = the preamble
    include_synthetic: bool = False


@dataclass(frozen=True)
class SearchResults:
    query: str
    terms: tuple[str, ...]
    method: str  # fts5 / pg_trgm / scan
    table: pd.DataFrame = field(compare=False)
    total: int = 0  # matching sections before the limit
    note: str = ""  # e.g. why a short query scans


def terms(query: str) -> tuple[str, ...]:
    """The query's terms: whitespace-separated, de-duplicated, at most MAX_TERMS."""
    out: list[str] = []
    for t in query.split():
        if t and t not in out:
            out.append(t)
    return tuple(out[:MAX_TERMS])


def _like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def search(
    engine: Engine,
    query: str,
    filters: SearchFilters = SearchFilters(),
    limit: int = MAX_RESULTS,
) -> SearchResults:
    """Sections containing every term of ``query``, ranked, with snippets."""
    words = terms(query)
    if not words:
        return SearchResults(query, (), "none", pd.DataFrame(columns=SEARCH_COLUMNS))
    method = ensure_search_index(engine)
    short = [t for t in words if len(t) < MIN_INDEXED]
    long = [t for t in words if len(t) >= MIN_INDEXED]
    note = ""
    if short:
        note = (
            f"检索词「{'」「'.join(short)}」少于 {MIN_INDEXED} 个字符，三字索引无法使用，"
            "已逐段扫描全文（较慢）；加长检索词可加快检索。"
        )
    s, r = Section.__table__.c, Report.__table__.c
    conds: list[Any] = [r.is_current.is_(True)]
    if not filters.include_synthetic:
        conds.append(r.synthetic.is_(False))
    if filters.region_id is not None:
        conds.append(r.region_id.in_(region_subtree(filters.region_id)))
    if filters.year is not None:
        conds.append(r.year == filters.year)
    if filters.year_from is not None:
        conds.append(r.year >= filters.year_from)
    if filters.year_to is not None:
        conds.append(r.year <= filters.year_to)
    if filters.section_number is not None:
        conds.append(s.number == filters.section_number)
    if method == "fts5" and long:
        match = " ".join(_fts_phrase(t) for t in long)
        fts = text("section_fts MATCH :match").bindparams(match=match)
        ids = select(text("rowid")).select_from(text("section_fts")).where(fts)
        conds.append(s.id.in_(ids))
        scanned = short
    else:
        scanned = list(words)
    for t in scanned:
        if engine.dialect.name == "postgresql":
            conds.append(s.text.ilike(_like_pattern(t), escape="\\"))
        else:
            conds.append(s.text.like(_like_pattern(t), escape="\\"))
    g = Region.__table__.c
    stmt = (
        select(
            s.id.label("section_id"),
            s.report_id,
            s.number,
            s.title,
            s.text,
            r.issuer,
            r.issuer_key,
            r.year,
            g.name.label("region"),
        )
        .join(Report.__table__, r.id == s.report_id)
        .outerjoin(Region.__table__, g.id == r.region_id)
        .where(and_(*conds))
    )
    try:
        with engine.connect() as conn:
            rows = conn.execute(stmt).fetchall()
    except SQLAlchemyError as e:
        raise StorageError(explain(engine, e)) from None
    ranked = []
    for row in rows:
        body = row.text or ""
        hits = _count(body, words)
        if hits == 0:  # LIKE is ASCII-case-insensitive, FTS5 too: recount agrees
            continue
        density = hits * 1000 / max(len(body), 200)
        ranked.append((density, row.year or 0, -row.section_id, row, hits))
    ranked.sort(key=lambda x: (x[0], x[1], x[2]), reverse=True)
    total = len(ranked)
    table = pd.DataFrame(
        [
            {
                "report_id": int(row.report_id),
                "issuer": row.issuer or row.issuer_key,
                "region": row.region,
                "year": row.year,
                "section_number": row.number,
                "section_title": row.title,
                "hits": hits,
                "snippet": snippet_text(row.text or "", words),
                "text": row.text or "",
            }
            for _d, _y, _i, row, hits in ranked[:limit]
        ],
        columns=[*SEARCH_COLUMNS, "text"],
    )
    table["year"] = table["year"].astype("Int64")
    if total > limit:
        note = (note + " " if note else "") + f"共 {total} 段匹配，显示前 {limit} 段。"
    return SearchResults(query, words, method if long else "scan", table, total, note)


def _pattern(words: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)  # the longest match wins at a position
    return re.compile("|".join(re.escape(w) for w in ordered), re.IGNORECASE)


def _count(body: str, words: tuple[str, ...]) -> int:
    counts = [len(re.findall(re.escape(w), body, re.IGNORECASE)) for w in words]
    return 0 if min(counts) == 0 else sum(counts)


def segments(
    body: str, words: tuple[str, ...] | list[str], context: int = SNIPPET_CONTEXT
) -> list[tuple[str, bool]]:
    """The snippet around the first match as (text, is_match) pieces, with '…'
    where it was cut. Pieces are document text: escape them before display."""
    if not words:
        return [(body[: 2 * context], False)]
    pat = _pattern(words)
    first = pat.search(body)
    if first is None:
        return [(body[: 2 * context] + ("…" if len(body) > 2 * context else ""), False)]
    start = max(0, first.start() - context)
    end = min(len(body), first.end() + context)
    window = body[start:end].replace("\n", " ")
    out: list[tuple[str, bool]] = []
    if start > 0:
        out.append(("…", False))
    pos = 0
    for m in pat.finditer(window):
        if m.start() > pos:
            out.append((window[pos : m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(window):
        out.append((window[pos:], False))
    if end < len(body):
        out.append(("…", False))
    return out


def snippet_text(body: str, words: tuple[str, ...] | list[str]) -> str:
    """The snippet as plain text, matches in 【】 (for CSV and tables)."""
    return "".join(f"【{t}】" if hit else t for t, hit in segments(body, words))


def snippet_html(body: str, words: tuple[str, ...] | list[str]) -> str:
    """The snippet as HTML: document text escaped, matches in <mark>."""
    return "".join(
        f"<mark>{html.escape(t)}</mark>" if hit else html.escape(t)
        for t, hit in segments(body, words)
    )
