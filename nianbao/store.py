"""Parsed reports into the database: one transaction per report.

:func:`save_report` writes one :class:`~loaders.model.ParsedReport` (report,
sections, facts, check results, region chain) in the caller's transaction.
:func:`ingest_paths` is the batch: files and folders in, one transaction per
file, a failure in one file rolls back that file only and the batch goes on.
Problems come back as data (:class:`IngestSummary.failures`), one line each.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing as mp
import os
import random
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal, cast, get_args

from sqlalchemy import Connection, Engine, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session
from tqdm import tqdm

from loaders.errors import LoaderError
from loaders.metadata import Overrides
from loaders.model import CheckResult, ParsedReport, Scope
from loaders.model import Region as RegionValue
from nianbao import rollup
from nianbao.db import StorageError, database_url, explain, get_engine, init_db
from nianbao.issuers import issuer_key  # the key rules live there (aliases, short forms)
from nianbao.models import CheckResult as CheckRow
from nianbao.models import Fact as FactRow
from nianbao.models import Region as RegionRow
from nianbao.models import Report as ReportRow
from nianbao.models import Section as SectionRow

__all__ = [
    "REPORT_SUFFIXES",
    "IngestSummary",
    "SaveFailed",
    "SaveOutcome",
    "StorageError",
    "expand_paths",
    "ingest_paths",
    "issuer_key",
    "overrides_for",
    "save_report",
    "store_one",
]

# What a folder walk picks up; a file named explicitly is always tried.
REPORT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
_SKIPPED_NAMES = {"manifest.csv"}

SOURCE_MAX = 500  # report.source column

# Generated load-test documents (nianbao.synthetic) end their title with this.
SYNTHETIC_MARK = "（合成测试数据）"


@dataclass(frozen=True)
class SaveOutcome:
    status: Literal["new", "version", "duplicate"]
    report_id: int
    version: int


@dataclass
class IngestSummary:
    """What a batch did. ``parsed`` counts every file read without error,
    whether it was new, a duplicate of a stored report or a new version."""

    parsed: int = 0
    duplicates: int = 0
    new_versions: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, one-line reason)

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def new(self) -> int:
        return self.parsed - self.duplicates - self.new_versions

    def lines(self) -> list[str]:
        """The summary as printed by ``nianbao ingest``."""
        head = (
            f"已解析 {self.parsed} 份，其中重复 {self.duplicates} 份、"
            f"新版本 {self.new_versions} 份；失败 {self.failed} 份"
        )
        return [head, *(reason for _file, reason in self.failures)]


# --- one report -------------------------------------------------------------


def is_synthetic(report: ParsedReport) -> bool:
    """Whether the document says it is generated test data: its title ends in
    （合成测试数据）, or its first lines carry the mark or a ``合成: 1`` header."""
    if report.title and report.title.rstrip().endswith(SYNTHETIC_MARK):
        return True
    head = report.full_text[:400]
    return SYNTHETIC_MARK in head or re.search(r"^合成[:：]\s*1\s*$", head, re.M) is not None


def content_hash(report: ParsedReport, original: bytes | None) -> str:
    if report.content_hash:
        return report.content_hash
    if original is not None:
        return hashlib.sha256(original).hexdigest()
    return hashlib.sha256(report.full_text.encode("utf-8")).hexdigest()


def save_report(
    session: Session,
    report: ParsedReport,
    checks: Sequence[CheckResult] | None = None,
    original: bytes | None = None,
) -> SaveOutcome:
    """Write ``report`` with its sections, facts and checks (default: report.checks).

    Runs in the caller's transaction and commits nothing. A content hash that
    is already stored writes nothing ('duplicate'). The same issuer and year
    with a different hash is a corrected re-publication: it becomes the next
    version and the only current one.
    """
    digest = content_hash(report, original)
    existing = session.execute(
        select(ReportRow.id, ReportRow.version).where(ReportRow.content_hash == digest)
    ).first()
    if existing is not None:
        return SaveOutcome("duplicate", existing.id, existing.version)

    key = issuer_key(report)
    version = 1
    demoted: list[int] = []
    if report.year is not None:  # without a year nothing says two reports are versions
        latest = session.scalar(
            select(func.max(ReportRow.version)).where(
                ReportRow.issuer_key == key, ReportRow.year == report.year
            )
        )
        if latest is not None:
            version = latest + 1
            demoted = _demote(session, [(key, report.year)])

    source = report.source
    if len(source) > SOURCE_MAX:
        source = "…" + source[-(SOURCE_MAX - 1) :]
    row = ReportRow(
        content_hash=digest,
        issuer=report.issuer,
        issuer_key=key,
        scope=report.scope,
        region_id=_region_id(session, report.region),
        year=report.year,
        format=report.format,
        title=report.title,
        published=report.published,
        source=source,
        media_type=report.media_type,
        parser_version=_parser_version(),
        full_text=report.full_text,
        version=version,
        is_current=True,
        synthetic=is_synthetic(report),
        original=original,
        warnings="\n".join(report.warnings),
    )
    session.add(row)
    session.flush()  # the report id for the child rows

    # Child rows go in as executemany batches: a report has hundreds of facts.
    if report.sections:
        session.execute(
            insert(SectionRow),
            [
                {
                    "report_id": row.id,
                    "number": s.number,
                    "title": s.title,
                    "text": s.text,
                    "order": s.order,
                }
                for s in report.sections
            ],
        )
    if report.facts:
        session.execute(
            insert(FactRow),
            [
                {
                    "report_id": row.id,
                    "metric": f.metric,
                    "applicant": f.applicant,
                    "value": f.value,
                    "raw": f.raw,
                    "unit": f.unit,
                    "source": f.source,
                    "location": f.location,
                    "evidence": f.evidence,
                }
                for f in report.facts
            ],
        )
    results = report.checks if checks is None else checks
    if results:
        session.execute(
            insert(CheckRow),
            [
                {
                    "report_id": row.id,
                    "rule": c.rule,
                    "status": c.status,
                    "subject": c.subject,
                    "detail": c.detail,
                }
                for c in results
            ],
        )
    rollup.apply(session.connection(), added=[(row.id, True)], demoted=demoted)
    return SaveOutcome("new" if version == 1 else "version", row.id, version)


def _demote(session: Session, keys: Iterable[tuple[str, int]]) -> list[int]:
    """Clear is_current of the stored versions of these (issuer_key, year);
    the ids that were current (their rollup contributions move)."""
    ids: list[int] = []
    table = cast(Table, ReportRow.__table__)
    conn = session.connection()  # Core: the ORM's session sync costs more than the update
    for key, year in sorted(keys):  # one lock order for concurrent ingests
        ids += conn.scalars(
            update(table)
            .where(table.c.issuer_key == key, table.c.year == year, table.c.is_current.is_(True))
            .values(is_current=False)
            .returning(table.c.id)
        ).all()
    return ids


def _parser_version() -> str:
    from loaders.parse import PARSER_VERSION

    return PARSER_VERSION


# Region ids by (name, parent id), with whether the row has its code yet.
RegionCache = dict[tuple[str, int | None], tuple[int, bool]]

_LEVELS = (("province", "province"), ("city", "prefecture"), ("county", "county"))


def _region_id(
    session: Session,
    region: RegionValue,
    cache: RegionCache | None = None,
) -> int | None:
    """The id of the deepest named level, upserting the chain province →
    prefecture → county. The code (of the deepest level) gives the upper
    levels their codes too: 350128 → 350100 → 350000."""
    named = [(level, getattr(region, attr)) for attr, level in _LEVELS if getattr(region, attr)]
    if not named:
        return None
    codes: list[str | None] = [None] * len(named)
    if region.code:
        codes[-1] = region.code
        if re.fullmatch(r"\d{6}", region.code):
            derived = {"province": region.code[:2] + "0000", "prefecture": region.code[:4] + "00"}
            for i, (level, _name) in enumerate(named[:-1]):
                codes[i] = derived.get(level)
    parent_id: int | None = None
    for (level, name), code in zip(named, codes, strict=True):
        cached = cache.get((name, parent_id)) if cache is not None else None
        if cached is not None and (code is None or cached[1]):
            parent_id = cached[0]
            continue
        parent_match = (
            RegionRow.parent_id.is_(None) if parent_id is None else RegionRow.parent_id == parent_id
        )
        found = session.scalars(
            select(RegionRow).where(RegionRow.name == name, parent_match).limit(1)
        ).first()
        if found is None:
            found = RegionRow(name=name, code=code, level=level, parent_id=parent_id)
            session.add(found)
            session.flush()
        elif found.code is None and code is not None:
            found.code = code
        if cache is not None:
            cache[(name, parent_id)] = (found.id, found.code is not None)
        parent_id = found.id
    return parent_id


# --- metadata the user supplies ------------------------------------------------

_OVERRIDE_FIELDS = tuple(f.name for f in fields(Overrides))
_SCOPES = get_args(Scope)


def sidecar_path(file: Path) -> Path:
    """``report.pdf`` → ``report.pdf.meta.json``."""
    return file.with_name(file.name + ".meta.json")


def read_overrides(path: Path) -> dict[str, Any]:
    """The keys of a metadata JSON file, checked and converted.

    The keys are those of :class:`loaders.metadata.Overrides`: title, issuer,
    scope, province, city, county, region_code, year, published (YYYY-MM-DD).
    """
    label = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as e:
        raise LoaderError(
            label, f"无法读取元数据文件：{e.strerror}", "请检查文件是否存在、是否有读取权限"
        ) from None
    except UnicodeDecodeError:
        raise LoaderError(
            label, "元数据文件不是 UTF-8 编码", "请用 UTF-8 编码另存为 JSON 文件"
        ) from None
    except json.JSONDecodeError as e:
        raise LoaderError(
            label,
            f"元数据文件不是有效的 JSON（第 {e.lineno} 行第 {e.colno} 列有误）",
            '请按 {"year": 2019, "issuer": "……"} 的格式填写',
        ) from None
    if not isinstance(data, dict):
        raise LoaderError(
            label,
            "元数据文件必须是一个 JSON 对象",
            '请按 {"year": 2019, "issuer": "……"} 的格式填写',
        )
    return checked_overrides(data, label)


def checked_overrides(data: dict[str, Any], label: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _OVERRIDE_FIELDS:
            raise LoaderError(
                label, f"未知的元数据项 {key!r}", "可用的项：" + "、".join(_OVERRIDE_FIELDS)
            )
        if value is None:
            continue
        if key == "year":
            if isinstance(value, bool) or not re.fullmatch(r"\d{4}", str(value).strip()):
                raise LoaderError(
                    label, f"year 应为四位数年份，而不是 {value!r}", '例如 "year": 2019'
                )
            out[key] = int(str(value).strip())
        elif key == "published":
            if isinstance(value, dt.date):
                out[key] = value
                continue
            try:
                out[key] = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                raise LoaderError(
                    label,
                    f"published 应为日期，而不是 {value!r}",
                    '例如 "published": "2020-01-20"',
                ) from None
        elif key == "scope":
            if value not in _SCOPES:
                raise LoaderError(
                    label,
                    f"scope 的值 {value!r} 无效",
                    "可用的值：" + "、".join(_SCOPES),
                )
            out[key] = value
        else:
            if not isinstance(value, str):
                raise LoaderError(
                    label, f"{key} 应为文字，而不是 {value!r}", f"请把 {key} 的值写在双引号里"
                )
            if value.strip():
                out[key] = value.strip()
    return out


def overrides_for(
    file: Path, meta: Path | None = None, explicit: dict[str, Any] | None = None
) -> Overrides | None:
    """The Overrides of one file: its sidecar (or ``meta``), then ``explicit``
    values on top (command-line options win). None when there are none."""
    values: dict[str, Any] = {}
    sidecar = meta if meta is not None else sidecar_path(file)
    if meta is not None or sidecar.is_file():
        values.update(read_overrides(sidecar))
    values.update({k: v for k, v in (explicit or {}).items() if v is not None})
    return Overrides(**values) if values else None


# --- the batch ----------------------------------------------------------------


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to ingest, folders walked recursively in name order; plus the
    paths that do not exist, as failures."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if (
                    f.is_file()
                    and f.suffix.lower() in REPORT_SUFFIXES
                    and not any(part.startswith(".") for part in rel)
                    and f.name.lower() not in _SKIPPED_NAMES
                    and not f.name.upper().startswith("README")
                ):
                    files.append(f)
        elif p.is_file():
            files.append(p)
        else:
            missing.append((str(p), f"{p}：找不到文件（请检查路径）"))
    return files, missing


def parse_one(
    file: Path, data: bytes, explicit: dict[str, Any] | None = None
) -> tuple[ParsedReport, tuple[CheckResult, ...]]:
    """Parse and check one file. Raises LoaderError with the one line to show;
    anything else the parser raises becomes a LoaderError that asks for the file."""
    from loaders.parse import parse_file
    from nianbao.checks import run_checks

    try:
        report = parse_file(data, overrides_for(file, explicit=explicit), name=str(file))
        return report, run_checks(report)
    except LoaderError:
        raise
    except Exception as e:  # a parser bug must not stop the batch or show a traceback
        raise LoaderError(str(file), internal_error(e)) from e


def internal_error(e: BaseException) -> str:
    msg = " ".join(str(e).split())
    what = f"{type(e).__name__}: {msg}" if msg else type(e).__name__
    return f"解析器内部错误：{what}（请把这个文件报告给开发者）"


class SaveFailed(Exception):
    """One report could not be saved (its transaction was rolled back).

    ``str(err)`` is the one line shown to users: "<file>：无法保存：…".
    """


def store_one(
    engine: Engine,
    report: ParsedReport,
    checks: Sequence[CheckResult] | None = None,
    original: bytes | None = None,
    label: str | None = None,
) -> SaveOutcome:
    """Save one report in its own transaction.

    Raises SaveFailed when this report cannot be saved (nothing of it stays),
    StorageError when the database cannot be used at all (connection lost,
    locked beyond the retries, schema out of date): then every further
    report would fail the same way.

    A unique-constraint race with another import (the same file, or the same
    issuer and year taking the same next version) is retried: the retry sees
    the other import's row and becomes a duplicate or the next version.
    """
    label = label or report.source
    for attempt in range(RETRIES):
        try:
            with Session(engine) as session, session.begin():
                return save_report(session, report, checks, original)
        except IntegrityError as e:
            if attempt == RETRIES - 1:
                raise SaveFailed(f"{label}：无法保存：{_first_line(e)}") from e
        except OperationalError as e:
            if not _transient(e) or attempt == RETRIES - 1:
                raise StorageError(explain(engine, e)) from None
            _backoff(attempt)
        except SQLAlchemyError as e:
            raise SaveFailed(f"{label}：无法保存：{_first_line(e)}") from e
        except Exception as e:  # a bug here must not cost the rest of the batch
            raise SaveFailed(
                f"{label}：无法保存：{_first_line(e)}（请把这个文件报告给开发者）"
            ) from e
    raise AssertionError("not reached")


RETRIES = 8


def _transient(e: OperationalError) -> bool:
    """A lock or serialisation conflict that a retry resolves."""
    text = str(getattr(e, "orig", e)).lower()
    return any(
        word in text for word in ("database is locked", "deadlock detected", "could not serialize")
    )


def _backoff(attempt: int) -> None:
    time.sleep(min(0.05 * 2**attempt, 2.0) * (0.5 + random.random()))


# --- many reports in one transaction ------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """One file parsed and checked, ready to save."""

    file: str
    report: ParsedReport
    checks: tuple[CheckResult, ...]
    original: bytes | None


def save_batch(
    session: Session, items: Sequence[Parsed], regions: RegionCache
) -> list[SaveOutcome]:
    """Write ``items`` in the caller's transaction, a few statements for the
    whole batch: one query for known hashes, one for the latest versions, one
    multi-row insert per table. Same rules as :func:`save_report` (duplicates
    write nothing; the same issuer and year becomes the next version, the only
    current one), also between items of the batch.

    ``regions`` caches region ids by (name, parent id); the caller restores it
    if the transaction rolls back.
    """
    digests = [content_hash(it.report, it.original) for it in items]
    stored = {
        row.content_hash: row
        for row in session.execute(
            select(ReportRow.content_hash, ReportRow.id, ReportRow.version).where(
                ReportRow.content_hash.in_(set(digests))
            )
        )
    }
    keys = [issuer_key(it.report) for it in items]
    dated = {(k, it.report.year) for k, it in zip(keys, items, strict=True) if it.report.year}
    latest: dict[tuple[str, int], int] = {}
    if dated:
        for key, year, top in session.execute(
            select(ReportRow.issuer_key, ReportRow.year, func.max(ReportRow.version))
            .where(ReportRow.issuer_key.in_({k for k, _y in dated}))
            .group_by(ReportRow.issuer_key, ReportRow.year)
        ):
            if year is not None and (key, year) in dated:
                latest[(key, year)] = top
    superseded = set(latest)  # stored versions that stop being current

    outcomes: list[SaveOutcome | None] = [None] * len(items)
    rows: list[dict[str, Any]] = []
    pending: list[int] = []  # item index of each row
    seen: dict[str, int] = {}  # digest -> item index, within the batch
    last_of_key: dict[tuple[str, int], int] = {}  # the row that stays current
    for i, (it, digest, key) in enumerate(zip(items, digests, keys, strict=True)):
        if digest in stored:
            outcomes[i] = SaveOutcome("duplicate", stored[digest].id, stored[digest].version)
            continue
        if digest in seen:
            continue  # filled in once the first copy has its id
        seen[digest] = i
        r = it.report
        version = 1
        if r.year is not None:
            version = latest.get((key, r.year), 0) + 1
            latest[(key, r.year)] = version
            last_of_key[(key, r.year)] = len(rows)
        rows.append(_report_row(r, digest, key, version, it.original, regions, session))
        pending.append(i)
    for n, row in enumerate(rows):
        year = row["year"]
        row["is_current"] = year is None or last_of_key[(row["issuer_key"], year)] == n
    demoted = _demote(session, superseded)
    if rows:
        # Core inserts on the session's connection: the ORM's bulk path costs
        # more per row than the database does, with ~200 facts per report.
        conn = session.connection()
        report_table = cast(Table, ReportRow.__table__)
        ids = (
            conn.execute(
                insert(report_table).returning(report_table.c.id, sort_by_parameter_order=True),
                rows,
            )
            .scalars()
            .all()
        )
        sections: list[dict[str, Any]] = []
        facts: list[dict[str, Any]] = []
        checks: list[dict[str, Any]] = []
        for rid, i, row in zip(ids, pending, rows, strict=True):
            it = items[i]
            outcomes[i] = SaveOutcome(
                "new" if row["version"] == 1 else "version", rid, row["version"]
            )
            sections += _section_rows(rid, it.report)
            facts += _fact_rows(rid, it.report)
            checks += _check_rows(rid, it.checks)
        for model, batch in ((SectionRow, sections), (FactRow, facts), (CheckRow, checks)):
            if batch:
                _insert_many(conn, cast(Table, model.__table__), batch)
        # Last, so the rollup rows (shared by concurrent ingests) stay locked
        # only until the commit that follows.
        rollup.apply(conn, demoted=demoted)  # moves stored versions (rare)
        rollup.add_written(conn, zip(ids, rows, strict=True), facts)
    elif demoted:
        rollup.apply(session.connection(), demoted=demoted)
    for i, digest in enumerate(digests):  # second copies of a file in the batch
        if outcomes[i] is None:
            first = outcomes[seen[digest]]
            assert first is not None
            outcomes[i] = SaveOutcome("duplicate", first.report_id, first.version)
    return [o for o in outcomes if o is not None]


def _insert_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows (dicts with the same keys). On SQLite straight through the
    driver's executemany: SQLAlchemy's per-row parameter processing cost as
    much as SQLite's own work (0.9 s per 200 reports of ~300 facts). The
    values are plain str / float / int / None, nothing to convert.
    PostgreSQL keeps SQLAlchemy's multi-row VALUES (fewer round trips)."""
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), rows)
        return
    cols = list(rows[0])
    quote = conn.dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in cols)}) "
        f"VALUES ({', '.join('?' * len(cols))})"
    )
    conn.exec_driver_sql(sql, [tuple(r[c] for c in cols) for r in rows])


def _report_row(
    r: ParsedReport,
    digest: str,
    key: str,
    version: int,
    original: bytes | None,
    regions: RegionCache,
    session: Session,
) -> dict[str, Any]:
    source = r.source
    if len(source) > SOURCE_MAX:
        source = "…" + source[-(SOURCE_MAX - 1) :]
    return {
        "content_hash": digest,
        "issuer": r.issuer,
        "issuer_key": key,
        "scope": r.scope,
        "region_id": _region_id(session, r.region, regions),
        "year": r.year,
        "format": r.format,
        "title": r.title,
        "published": r.published,
        "source": source,
        "media_type": r.media_type,
        "parser_version": _parser_version(),
        "full_text": r.full_text,
        "version": version,
        "is_current": True,
        "synthetic": is_synthetic(r),
        "original": original,
        "warnings": "\n".join(r.warnings),
    }


def _section_rows(rid: int, r: ParsedReport) -> list[dict[str, Any]]:
    return [
        {"report_id": rid, "number": s.number, "title": s.title, "text": s.text, "order": s.order}
        for s in r.sections
    ]


def _fact_rows(rid: int, r: ParsedReport) -> list[dict[str, Any]]:
    return [
        {
            "report_id": rid,
            "metric": f.metric,
            "applicant": f.applicant,
            "value": f.value,
            "raw": f.raw,
            "unit": f.unit,
            "source": f.source,
            "location": f.location,
            "evidence": f.evidence,
        }
        for f in r.facts
    ]


def _check_rows(rid: int, checks: Sequence[CheckResult]) -> list[dict[str, Any]]:
    return [
        {
            "report_id": rid,
            "rule": c.rule,
            "status": c.status,
            "subject": c.subject,
            "detail": c.detail,
        }
        for c in checks
    ]


# --- the batch ------------------------------------------------------------------------

BATCH_REPORTS = 200  # reports per transaction
BATCH_BYTES = 64 * 2**20  # … or fewer when their originals are large
# Files handed to the pool and not yet written. While the main process
# writes a batch (1–2 s for 200 reports at 100k) the workers go on parsing
# only as far as this window: at 16 they idled through every write, so parse
# and write time added up (19.9 min for 100k on 2 cores) instead of
# overlapping. 160 per worker covers more than one batch; a parsed report
# weighs ~0.1–0.3 MB, so the window holds < 100 MB per worker.
IN_FLIGHT_PER_WORKER = 160
# Fewer files than this per worker are parsed in this process: starting the
# pool costs more than it saves (a parse takes 3–10 ms).
INLINE_BELOW_PER_WORKER = 25


def ingest_paths(
    paths: Iterable[str | Path],
    url: str | None = None,
    progress: bool = True,
    workers: int | None = None,
    batch_size: int = BATCH_REPORTS,
) -> IngestSummary:
    """Parse, check and store every report file under ``paths``.

    Files are parsed in ``workers`` processes (default: one per core) and
    written here, ``batch_size`` reports per transaction. A file that cannot
    be read, parsed or saved is listed in the summary's failures and the
    batch goes on: a transaction that fails is redone one report at a time.
    At most a few files per worker are parsed ahead of the writer, so memory
    stays bounded however many files there are. Files already stored (same
    content hash) are not parsed again. Raises StorageError when the database
    itself cannot be used.
    """
    engine = get_engine(database_url(url))
    init_db(engine)
    files, failures = expand_paths(paths)
    summary = IngestSummary(failures=failures)
    writer = _Writer(engine, summary, batch_size)
    known = _known_hashes(engine)
    n_workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    bar = tqdm(total=len(files), disable=not progress, file=sys.stderr, unit="file", leave=False)
    try:
        for kind, file, payload in _parse_all(files, known, n_workers):
            bar.update()
            if kind == "failed":
                summary.failures.append((file, str(payload)))
            elif kind == "duplicate":
                summary.parsed += 1
                summary.duplicates += 1
            else:
                assert isinstance(payload, Parsed)
                writer.add(payload)
        writer.flush()
    finally:
        bar.close()
    # Workers finish in any order; the report lists failures by file.
    summary.failures.sort(key=lambda failure: failure[0])
    _checkpoint(engine)
    return summary


def _checkpoint(engine: Engine) -> None:
    """SQLite: copy the write-ahead log into the database file, so the file
    alone (copied, backed up) holds everything just imported. Batched imports
    commit too rarely for SQLite's automatic checkpoint to run."""
    if engine.dialect.name != "sqlite":
        return
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
    except SQLAlchemyError:
        pass  # a reader holding the log: it is copied later


_Result = tuple[Literal["ok", "duplicate", "failed"], str, "Parsed | str | None"]
_KNOWN: frozenset[str] = frozenset()  # set in each worker


def _init_worker(known: frozenset[str]) -> None:
    global _KNOWN
    _KNOWN = known


def _parse_path(file: str) -> _Result:
    """Read, hash, parse and check one file (in a worker process)."""
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as e:
        return (
            "failed",
            file,
            f"{file}：无法读取文件：{e.strerror}（请检查文件是否存在、是否有读取权限）",
        )
    # A file already stored is not parsed again (re-running an import is cheap).
    if hashlib.sha256(data).hexdigest() in _KNOWN:
        return ("duplicate", file, None)
    try:
        report, checks = parse_one(path, data)
    except LoaderError as e:
        return ("failed", file, str(e))
    # Stored with its absolute path, so the original can be found later.
    report = replace(report, source=str(path.resolve()))
    return ("ok", file, Parsed(file, report, checks, data))


def _parse_many(names: list[str]) -> list[_Result]:
    return [_parse_path(name) for name in names]


def _inline(names: Iterable[str], known: frozenset[str]) -> Iterator[_Result]:
    _init_worker(known)
    try:
        yield from map(_parse_path, names)
    finally:
        _init_worker(frozenset())


def _parse_all(files: Sequence[Path], known: frozenset[str], workers: int) -> Iterator[_Result]:
    """Every file's result, in the order the workers finish them.

    At most ``workers * IN_FLIGHT_PER_WORKER`` files are handed out and not yet
    consumed, so a slow writer holds back the parsers instead of piling up
    parsed reports. A worker that dies (killed, out of memory, a crash in a C
    library) breaks the pool: the files it may have held are parsed again one
    at a time in a new pool, and a file that kills a worker on its own is
    reported as failed. A pool that dies without parsing anything, three
    times over, is given up for parsing in this process.
    """
    names = [str(f) for f in files]
    # Off the main thread (a Streamlit script) the process has other threads,
    # where fork is unsafe, and forkserver/spawn re-import the main module:
    # parse in-process there.
    in_main_thread = threading.current_thread() is threading.main_thread()
    if workers == 1 or len(names) < INLINE_BELOW_PER_WORKER * workers or not in_main_thread:
        yield from _inline(names, known)
        return
    ctx = mp.get_context("fork")  # the workers inherit the imports and the known hashes
    chunk = max(1, min(8, len(names) // (workers * 8)))
    window = max(2 * workers, workers * IN_FLIGHT_PER_WORKER // chunk)
    todo: deque[str] = deque(names)
    suspects: deque[str] = deque()  # in flight when a pool broke: retried alone
    retried: set[str] = set()
    dead_pools = 0
    while todo or suspects:
        if dead_pools >= 3:
            yield from _inline([*suspects, *todo], known)
            return
        pool = ProcessPoolExecutor(
            workers, mp_context=ctx, initializer=_init_worker, initargs=(known,)
        )
        in_flight: dict[Future[list[_Result]], list[str]] = {}
        broken = produced = False
        try:
            while todo or suspects or in_flight:
                while not broken and len(in_flight) < window and (todo or suspects):
                    if suspects:
                        if in_flight:  # a suspect runs alone, so a crash names it
                            break
                        batch = [suspects.popleft()]
                    else:
                        batch = [todo.popleft() for _ in range(min(chunk, len(todo)))]
                    in_flight[pool.submit(_parse_many, batch)] = batch
                if not in_flight:
                    break
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    batch = in_flight.pop(future)
                    try:
                        results = future.result()
                    except BrokenProcessPool:
                        broken = True
                        if len(batch) == 1 and batch[0] in retried:
                            name = batch[0]
                            yield (
                                "failed",
                                name,
                                f"{name}：解析进程处理这个文件时崩溃（请把这个文件报告给开发者）",
                            )
                        else:
                            retried.update(batch)
                            suspects.extend(batch)
                        continue
                    produced = True
                    yield from results
                if broken and not in_flight:
                    break
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        dead_pools = 0 if produced or not broken else dead_pools + 1


class _Writer:
    """Collects parsed reports and writes them in batched transactions."""

    def __init__(self, engine: Engine, summary: IngestSummary, size: int) -> None:
        self.engine = engine
        self.summary = summary
        self.size = max(1, size)
        self.items: list[Parsed] = []
        self.bytes = 0
        self.regions: RegionCache = {}

    def add(self, item: Parsed) -> None:
        self.items.append(item)
        self.bytes += len(item.original or b"") + len(item.report.full_text) * 3
        if len(self.items) >= self.size or self.bytes >= BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        items, self.items, self.bytes = self.items, [], 0
        if not items:
            return
        outcomes = self._batch(items) if len(items) > 1 else None
        if outcomes is None:  # the batch failed: one transaction per report
            outcomes = []
            for it in items:
                try:
                    outcomes.append(
                        store_one(self.engine, it.report, it.checks, it.original, label=it.file)
                    )
                except SaveFailed as e:
                    self.summary.failures.append((it.file, str(e)))
        for o in outcomes:
            self.summary.parsed += 1
            if o.status == "duplicate":
                self.summary.duplicates += 1
            elif o.status == "version":
                self.summary.new_versions += 1

    def _batch(self, items: list[Parsed]) -> list[SaveOutcome] | None:
        for attempt in range(RETRIES):
            snapshot = dict(self.regions)
            try:
                with Session(self.engine) as session, session.begin():
                    return save_batch(session, items, self.regions)
            except OperationalError as e:
                self.regions = snapshot
                if not _transient(e):
                    raise StorageError(explain(self.engine, e)) from None
                _backoff(attempt)
            except Exception:  # a constraint race or one bad report: go one by one
                self.regions = snapshot
                return None
        return None


def _known_hashes(engine: Engine) -> frozenset[str]:
    try:
        with Session(engine) as session:
            return frozenset(session.scalars(select(ReportRow.content_hash)))
    except SQLAlchemyError as e:
        raise StorageError(explain(engine, e)) from None


def _first_line(e: BaseException) -> str:
    orig = getattr(e, "orig", None)
    text = str(orig if orig is not None else e).strip()
    line = text.splitlines()[0] if text else ""
    return f"{type(orig if orig is not None else e).__name__}: {line}"


def report_count(url: str | None = None) -> int:
    """How many reports the database holds (0 when it has no tables yet)."""
    engine = get_engine(database_url(url))
    init_db(engine)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(ReportRow)) or 0
    except SQLAlchemyError as e:
        raise StorageError(explain(engine, e)) from None
