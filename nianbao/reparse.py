"""Re-parse stored reports with the current parser (``nianbao reparse``).

Why: a report is parsed once, at import; importing the same file again is
skipped as a duplicate (same content hash). When the parser improves
(loaders.parse.PARSER_VERSION), the stored sections, facts, check results,
warnings and full text stay those of the old parser until they are re-parsed
from the original bytes every report row keeps (report.original).

One transaction per report: its fact-rollup contribution is subtracted while
the old facts are still there, the child rows are replaced, the report row
gets the new full text, warnings and parser version, and the new facts are
added to the rollup (nianbao/rollup.py, incremental: two statements per
report, nothing proportional to the database). A report that cannot be
re-parsed keeps all its old rows and is listed in one Chinese line.

What is deliberately NOT changed: the report's id, content hash, version and
is_current, and its metadata columns (issuer, issuer_key, year, region, scope,
title, published, synthetic). Its format (the table layout detected in the
text) is updated with the facts it explains; the rollup buckets by format, so
the old contribution is subtracted before and the new one added after.
The metadata given at import (sidecar JSON, command-line options) is not
stored, so the stored columns are the only record of it; and a new issuer
key or year would move the report between version chains.

The report is parsed as at import (with its sidecar ``<file>.meta.json`` if
that is still next to the stored path); when the metadata read then differs
from the stored columns, the summary says so in one line and the report is
parsed again with the stored columns as overrides, so year-dependent parsing
and the checks see what the database says (re-import the file to change the
metadata).

Originals are read and parsed in worker processes (``workers``, default 2)
while this process writes, a bounded number of reports ahead. Measured on a
copy of bench-out/scale-10000.db: ~21 ms per report with one process
(parse ~9 ms, write ~12 ms of which the rollup ~4 ms), so 100k reports take
tens of minutes: ``nianbao serve``/``init`` only print a hint.

The search index (nianbao/search.py) indexes section.text through triggers
(SQLite FTS5) or a trigram index (PostgreSQL): replacing the sections keeps
it in step. Stored evaluation results (nianbao/evaluation_store.py) are NOT
marked stale by a re-parse (their fingerprint is the set of current report
ids, which does not change): the summary asks for ``nianbao evaluate --all``.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, Table, delete, or_, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session
from tqdm import tqdm

from loaders.errors import LoaderError
from loaders.metadata import Overrides
from loaders.model import CheckResult, ParsedReport
from nianbao import rollup
from nianbao.db import StorageError, database_url, explain, get_engine, init_db
from nianbao.labels import SCOPE_LABELS, label
from nianbao.models import CheckResult as CheckRow
from nianbao.models import Fact as FactRow
from nianbao.models import Region as RegionRow
from nianbao.models import Report as ReportRow
from nianbao.models import Section as SectionRow
from nianbao.store import (
    RETRIES,
    _backoff,
    _check_rows,
    _fact_rows,
    _first_line,
    _insert_many,
    _parser_version,
    _section_rows,
    _transient,
    internal_error,
    overrides_for,
)

__all__ = ["ReparseSummary", "has_outdated", "reparse"]

# Metadata compared between the stored row and a fresh parse, with the
# Chinese name the summary uses.
_META_LABELS = {
    "issuer": "发布机关",
    "year": "年度",
    "scope": "类别",
    "title": "标题",
    "published": "发布日期",
    "province": "省",
    "city": "市",
    "county": "县区",
}


@dataclass
class ReparseSummary:
    """What a re-parse did; ``lines()`` is what ``nianbao reparse`` prints."""

    selected: int = 0
    no_original: int = 0  # outdated but without their original: left as they are
    reparsed: int = 0
    dry_run: bool = False
    kept_metadata: list[str] = field(default_factory=list)  # one line per report
    failures: list[str] = field(default_factory=list)  # one line per report

    def lines(self) -> list[str]:
        verb = "可重新解析" if self.dry_run else "已重新解析"
        head = (
            f"需重新解析 {self.selected} 份报告，{verb} {self.reparsed} 份，"
            f"失败 {len(self.failures)} 份（当前解析器版本 {_parser_version()}）"
        )
        out = [head, *self.failures, *self.kept_metadata]
        if self.no_original:
            out.append(
                f"另有 {self.no_original} 份报告没有保存原始文件，无法重新解析，保留原有数据"
                "（如需更新，请用 nianbao ingest 重新导入原文件）"
            )
        if self.dry_run:
            out.append("试运行：数据库未作任何修改")
        elif self.reparsed:
            out.append("评估结果不会自动更新：如已运行过评估，请再运行 nianbao evaluate --all")
        return out


def _outdated(everything: bool, with_original: bool | None = True) -> Any:
    """The ids to re-parse: of another parser version (all with
    ``everything``), having their original bytes (True) or not (False).
    A report without its original (a generated benchmark database, or a
    report stored without one) cannot be re-parsed."""
    r = ReportRow.__table__.c
    stmt = select(r.id).order_by(r.id)
    if not everything:
        stmt = stmt.where(or_(r.parser_version != _parser_version(), r.parser_version.is_(None)))
    if with_original is not None:
        stmt = stmt.where(r.original.is_not(None) if with_original else r.original.is_(None))
    return stmt


def has_outdated(engine: Engine) -> bool:
    """Whether the database holds reports of an older parser that can be
    re-parsed (their original is stored).

    An EXISTS (LIMIT 1), not a count: report.parser_version has no index and
    counting 100k report rows (each a page of its own) costs seconds."""
    try:
        with engine.connect() as conn:
            return conn.execute(_outdated(False).limit(1)).first() is not None
    except SQLAlchemyError:
        return False  # no tables yet: nothing to re-parse


def _stored_region(session: Session, region_id: int | None) -> dict[str, str | None]:
    """The stored region chain as Overrides fields (province, city, county, code)."""
    out: dict[str, str | None] = {"province": None, "city": None, "county": None}
    code = None
    first = True
    while region_id is not None:
        row = session.get(RegionRow, region_id)
        if row is None:
            break
        if first:
            code, first = row.code, False
        attr = {"province": "province", "prefecture": "city", "county": "county"}.get(row.level)
        if attr:
            out[attr] = row.name
        region_id = row.parent_id
    out["region_code"] = code
    return out


def _stored_overrides(row: ReportRow, region: dict[str, str | None]) -> Overrides:
    return Overrides(
        title=row.title,
        issuer=row.issuer,
        scope=cast(Any, row.scope),
        province=region["province"],
        city=region["city"],
        county=region["county"],
        region_code=region["region_code"],
        year=row.year,
        published=row.published,
    )


def _differences(report: ParsedReport, stored: Overrides) -> list[str]:
    """The metadata where a fresh parse disagrees with the stored row."""
    fresh = {
        "issuer": report.issuer,
        "year": report.year,
        "scope": report.scope,
        "title": report.title,
        "published": report.published,
        "province": report.region.province,
        "city": report.region.city,
        "county": report.region.county,
    }
    out = []
    for name, title in _META_LABELS.items():
        old, new = getattr(stored, name), fresh[name]
        if name == "scope":  # the user reads 政府/部门…, not the code
            old, new = label(SCOPE_LABELS, old), label(SCOPE_LABELS, new)
        if old != new:
            out.append(f"{title} {old or '—'}→{new or '—'}")
    return out


def _sidecar(source: str) -> Overrides | None:
    """The metadata file next to the original path, if it is still there and
    valid (ingest applied it); anything wrong with it: none."""
    try:
        return overrides_for(Path(source))
    except (LoaderError, OSError, ValueError):
        return None


def _parse_with(
    data: bytes, overrides: Overrides | None, name: str
) -> tuple[ParsedReport, tuple[CheckResult, ...]]:
    from loaders.parse import parse_file
    from nianbao.checks import run_checks

    try:
        report = parse_file(data, overrides, name=name)
        return report, run_checks(report)
    except LoaderError:
        raise
    except Exception as e:  # a parser bug: one line, the batch goes on
        raise LoaderError(name, internal_error(e)) from e


def _parse(
    row: ReportRow, session: Session
) -> tuple[ParsedReport, tuple[CheckResult, ...], list[str]]:
    """Parse the stored original; the metadata differences kept (may be empty).
    Raises LoaderError with the one line to show."""
    # The stored path as the name: the reader dispatches on its extension.
    name = row.source or f"报告{row.id}"
    if row.original is None:
        raise LoaderError(
            name, "数据库里没有保存原始文件，无法重新解析", "请用 nianbao ingest 重新导入原文件"
        )
    stored = _stored_overrides(row, _stored_region(session, row.region_id))
    data = bytes(row.original)
    report, checks = _parse_with(data, _sidecar(name), name)
    diffs = _differences(report, stored)
    if diffs:
        # Parse again with the stored metadata: year-dependent parsing and
        # the checks then see what the database says about the report.
        report, checks = _parse_with(data, stored, name)
    return report, checks, diffs


class _WriteFailed(Exception):
    pass


def _write(engine: Engine, rid: int, report: ParsedReport, checks: tuple[CheckResult, ...]) -> None:
    """Replace one report's parsed rows in one transaction (all or nothing)."""
    for attempt in range(RETRIES):
        try:
            with Session(engine) as session, session.begin():
                conn = session.connection()
                table = cast(Table, ReportRow.__table__)
                # Locked (PostgreSQL) so a concurrent re-publication cannot
                # change is_current between here and the rollup update.
                current = conn.scalar(
                    select(table.c.is_current).where(table.c.id == rid).with_for_update()
                )
                if current is None:
                    return  # deleted meanwhile: nothing to refresh
                rollup.apply(conn, removed=[(rid, bool(current))])
                for model in (SectionRow, FactRow, CheckRow):
                    conn.execute(delete(model).where(model.report_id == rid))
                for model, rows in (
                    (SectionRow, _section_rows(rid, report)),
                    (FactRow, _fact_rows(rid, report)),
                    (CheckRow, _check_rows(rid, checks)),
                ):
                    if rows:
                        _insert_many(conn, cast(Table, model.__table__), rows)
                conn.execute(
                    update(table)
                    .where(table.c.id == rid)
                    .values(
                        # The table layout is read from the text, not metadata:
                        # a better reader may recognise it where the old did not.
                        format=report.format,
                        full_text=report.full_text,
                        warnings="\n".join(report.warnings),
                        parser_version=_parser_version(),
                    )
                )
                rollup.apply(conn, added=[(rid, bool(current))])
            return
        except OperationalError as e:
            if not _transient(e) or attempt == RETRIES - 1:
                raise StorageError(explain(engine, e)) from None
            _backoff(attempt)
        except Exception as e:  # this report only: rolled back, the batch goes on
            raise _WriteFailed(_first_line(e)) from e


# One parsed report: ("ok", id, label, (report, checks, metadata differences))
# or ("failed", id, label, the one line to show).
_Result = tuple[str, int, str, Any]
_URL = ""  # the database of the worker processes


def _parse_id(rid: int) -> _Result:
    """Load one report row (its original) and parse it; in a worker process
    or inline. Reads in its own short session: the originals are large,
    never all in memory."""
    engine = get_engine(_URL)
    try:
        with Session(engine) as session:
            row = session.get(ReportRow, rid)
            if row is None:
                return ("gone", rid, "", None)  # deleted meanwhile
            label = row.source or f"报告{rid}"
            try:
                return ("ok", rid, label, _parse(row, session))
            except LoaderError as e:
                return ("failed", rid, label, f"{e}（报告 {rid} 保留原有数据）")
    except SQLAlchemyError as e:  # as text: database errors do not cross processes well
        return ("database", rid, "", explain(engine, e))


def _init_worker(url: str) -> None:
    global _URL
    _URL = url
    # The parent's pooled connections must not be shared across the fork.
    get_engine(url).dispose(close=False)


# Reports handed to the workers and not yet written: bounds memory (a parsed
# report weighs ~0.1-0.3 MB) when the writer is slower than the parsers.
IN_FLIGHT_PER_WORKER = 16


def _parse_all(url: str, ids: list[int], workers: int) -> Iterator[_Result]:
    """Every report parsed, in the order the workers finish them. Parsing
    (~9 ms a report) overlaps the writes (~12 ms) in the main process. A
    worker that dies (a crash in a C library) breaks the pool: the reports
    in flight are parsed again one at a time in a new pool, and one that
    kills a worker on its own is reported as failed."""
    global _URL
    in_main_thread = threading.current_thread() is threading.main_thread()
    if workers <= 1 or len(ids) <= workers or not in_main_thread:
        _URL = url
        yield from map(_parse_id, ids)
        return
    ctx = mp.get_context("fork")
    todo: deque[int] = deque(ids)
    suspects: deque[int] = deque()
    retried: set[int] = set()
    while todo or suspects:
        pool = ProcessPoolExecutor(
            workers, mp_context=ctx, initializer=_init_worker, initargs=(url,)
        )
        in_flight: dict[Future[_Result], int] = {}
        broken = False
        try:
            while todo or suspects or in_flight:
                while not broken and len(in_flight) < workers * IN_FLIGHT_PER_WORKER:
                    if suspects and not in_flight:  # alone, so a crash names it
                        rid = suspects.popleft()
                    elif todo and not suspects:
                        rid = todo.popleft()
                    else:
                        break
                    in_flight[pool.submit(_parse_id, rid)] = rid
                if not in_flight:
                    break
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    rid = in_flight.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        broken = True
                        if rid in retried:
                            line = f"报告{rid}：解析进程处理它的原始文件时崩溃"
                            yield ("failed", rid, f"报告{rid}", line + "（请报告这个文件）")
                        else:
                            retried.add(rid)
                            suspects.append(rid)
                if broken and not in_flight:
                    break
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def reparse(
    url: str | None = None,
    everything: bool = False,
    dry_run: bool = False,
    progress: bool = True,
    workers: int | None = None,
) -> ReparseSummary:
    """Re-parse the reports stored by another parser version (``everything``:
    all reports) from their original bytes; see the module docstring."""
    engine = get_engine(database_url(url))
    if not dry_run:
        init_db(engine)
    summary = ReparseSummary(dry_run=dry_run)
    try:
        with engine.connect() as conn:
            ids = list(conn.scalars(_outdated(everything)))
            summary.no_original = len(conn.scalars(_outdated(everything, False)).all())
    except SQLAlchemyError as e:
        raise StorageError(explain(engine, e)) from None
    summary.selected = len(ids)
    bar = tqdm(total=len(ids), disable=not progress, file=sys.stderr, unit="份", leave=False)
    n_workers = max(1, workers if workers is not None else min(2, os.cpu_count() or 1))
    try:
        for kind, rid, label, payload in _parse_all(database_url(url), ids, n_workers):
            bar.update()
            if kind == "gone":
                continue
            if kind == "database":
                raise StorageError(payload)
            if kind == "failed":
                summary.failures.append(payload)
                continue
            report, checks, diffs = payload
            if not dry_run:
                try:
                    _write(engine, rid, report, checks)
                except _WriteFailed as e:
                    summary.failures.append(
                        f"{label}：无法保存重新解析的结果（{e}；原有数据保持不变）"
                    )
                    continue
            summary.reparsed += 1
            if diffs:
                summary.kept_metadata.append(
                    f"{label}：新解析器读出的元数据不同（{'；'.join(diffs)}），保留了原有值"
                    "（如需更改，请修正元数据后重新导入该文件）"
                )
    except SQLAlchemyError as e:
        raise StorageError(explain(engine, e)) from None
    finally:
        bar.close()
    # Workers finish in any order; the lines by report.
    summary.failures.sort()
    summary.kept_metadata.sort()
    return summary
