"""Run the evaluator (nianbao.evaluate) over the stored reports and keep its results.

The reports are rebuilt as :class:`~loaders.model.ParsedReport` values from
their rows (report, region chain, sections, facts), so the rules see exactly
what the parser stored. :func:`evaluate_reports` evaluates every current
report (or a subset, with the context the cross-report rules need) and
replaces their stored results in one transaction, with bulk inserts.

The table rules (B1…, P1…) are computed at ingest and stay in check_result;
evaluation_result holds the evaluator's own rules (D1 D2 F1 F2 S1 T1 X1 A1 A4
O1 O2 V1 V2). A page wanting everything reads both.

:data:`RULES_VERSION` is a hash of the evaluate package's source: any change to
a rule makes the stored results stale, and :func:`evaluate_stale` re-runs them
(also when reports were added, re-published or deleted since the last run).
Real and synthetic reports are evaluated apart, so generated benchmark data
never becomes a "peer" of a real report in the originality rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from loaders.model import Fact, ParsedReport, Region, Section
from nianbao import models_eval  # noqa: F401  (registers the tables before init_db)
from nianbao.db import StorageError, explain, get_engine, init_db
from nianbao.evaluate import evaluate
from nianbao.models import Fact as FactRow
from nianbao.models import Region as RegionRow
from nianbao.models import Report as ReportRow
from nianbao.models import Section as SectionRow
from nianbao.models_eval import EvaluationResult, EvaluationRun, ensure_tables

__all__ = [
    "RULES_VERSION",
    "EvaluationSummary",
    "StoredReport",
    "evaluate_reports",
    "evaluate_stale",
    "is_stale",
    "load_reports",
    "run_evaluation",
]

EVALUATE_DIR = Path(__file__).resolve().parent / "evaluate"


def rules_version(folder: Path = EVALUATE_DIR) -> str:
    """A short hash of the evaluate package's source files (names and bytes)."""
    h = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        h.update(path.name.encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:16]


RULES_VERSION = rules_version()

REPORT = ReportRow.__table__
SECTION = SectionRow.__table__
FACT = FactRow.__table__
REGION = RegionRow.__table__
RESULT = EvaluationResult.__table__
RUN = EvaluationRun.__table__

_CHUNK = 500  # ids per IN (…) list: well under SQLite's variable limit
_INSERT_BATCH = 5000


@dataclass(frozen=True)
class StoredReport:
    """A stored report rebuilt for the evaluator, with what groups it."""

    id: int
    issuer_key: str
    region_id: int | None
    synthetic: bool
    report: ParsedReport


@dataclass(frozen=True)
class EvaluationSummary:
    rules_version: str
    n_reports: int  # reports whose results were (re)written
    n_results: int
    n_fail: int
    n_uncertain: int
    seconds: float
    skipped: bool = False  # evaluate_stale found nothing to do

    def lines(self) -> list[str]:
        """The summary as ``nianbao evaluate`` prints it."""
        if self.skipped:
            return [f"evaluation up to date (rules {self.rules_version}); nothing to do"]
        return [
            f"evaluated {self.n_reports} reports with rules {self.rules_version}: "
            f"{self.n_results} results, {self.n_fail} fail, {self.n_uncertain} uncertain "
            f"({self.seconds:.1f} s)"
        ]


# --- reading ---------------------------------------------------------------------


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def _regions(conn: Any) -> dict[int, Region]:
    """Every region as the parser's Region value (province / city / county, code)."""
    rows = {
        r.id: r
        for r in conn.execute(
            select(REGION.c.id, REGION.c.name, REGION.c.code, REGION.c.level, REGION.c.parent_id)
        )
    }
    attr = {"province": "province", "prefecture": "city", "county": "county"}
    out: dict[int, Region] = {}
    for rid, row in rows.items():
        parts: dict[str, str | None] = {}
        cur: Any = row
        seen: set[int] = set()
        while cur is not None and cur.id not in seen:
            seen.add(cur.id)
            key = attr.get(cur.level)
            if key and key not in parts:
                parts[key] = cur.name
            cur = rows.get(cur.parent_id) if cur.parent_id is not None else None
        out[rid] = Region(
            province=parts.get("province"),
            city=parts.get("city"),
            county=parts.get("county"),
            code=row.code,
        )
    return out


def load_reports(engine: Engine, report_ids: Sequence[int] | None = None) -> list[StoredReport]:
    """Current reports (all, or ``report_ids`` whatever their status) as ParsedReport values."""
    r = REPORT.c
    cols = (
        r.id,
        r.issuer_key,
        r.region_id,
        r.synthetic,
        r.source,
        r.media_type,
        r.content_hash,
        r.title,
        r.issuer,
        r.scope,
        r.year,
        r.format,
        r.published,
        r.full_text,
        r.warnings,
    )
    with engine.connect() as conn:
        regions = _regions(conn)
        if report_ids is None:
            heads = list(conn.execute(select(*cols).where(r.is_current.is_(True)).order_by(r.id)))
        else:
            wanted = sorted({int(i) for i in report_ids})
            heads = []
            for part in _chunks(wanted):
                heads.extend(conn.execute(select(*cols).where(r.id.in_(part))))
            heads.sort(key=lambda h: h.id)
        ids = [h.id for h in heads]
        sections: dict[int, list[Section]] = defaultdict(list)
        facts: dict[int, list[Fact]] = defaultdict(list)
        s, f = SECTION.c, FACT.c
        for part in _ranges(ids, report_ids is None):
            for row in conn.execute(
                select(s.report_id, s.number, s.title, s.text, s.order)
                .where(part(s.report_id))
                .order_by(s.report_id, s.order)
            ):
                sections[row.report_id].append(Section(row.number, row.title, row.text, row.order))
            for frow in conn.execute(
                select(
                    f.report_id,
                    f.metric,
                    f.applicant,
                    f.value,
                    f.raw,
                    f.unit,
                    f.source,
                    f.location,
                    f.evidence,
                )
                .where(part(f.report_id))
                .order_by(f.report_id, f.id)
            ):
                facts[frow.report_id].append(
                    Fact(
                        frow.metric,
                        frow.applicant,
                        frow.value,
                        frow.raw,
                        frow.unit,
                        frow.source,
                        frow.location or "",
                        frow.evidence,
                    )
                )
    out = []
    for h in heads:
        report = ParsedReport(
            source=h.source,
            media_type=h.media_type,
            content_hash=h.content_hash,
            title=h.title,
            issuer=h.issuer,
            scope=h.scope,
            region=regions.get(h.region_id, Region()) if h.region_id is not None else Region(),
            year=h.year,
            format=h.format,
            published=h.published,
            facts=tuple(facts.get(h.id, ())),
            sections=tuple(sections.get(h.id, ())),
            warnings=tuple(w for w in (h.warnings or "").splitlines() if w),
            full_text=h.full_text,
        )
        out.append(StoredReport(h.id, h.issuer_key, h.region_id, bool(h.synthetic), report))
    return out


def _ranges(ids: list[int], everything: bool) -> Iterable[Any]:
    """WHERE builders covering ``ids``: one id range at a time for a full load
    (an index range scan, no long IN lists), IN lists for a subset."""
    if not ids:
        return
    if everything:
        step = 2000
        for i in range(0, len(ids), step):
            lo, hi = ids[i], ids[min(i + step, len(ids)) - 1]
            wanted = set(ids[i : i + step])
            if hi - lo + 1 == len(wanted):
                yield lambda col, lo=lo, hi=hi: col.between(lo, hi)
            else:  # gaps (non-current versions in between): an IN list
                for part in _chunks(sorted(wanted)):
                    yield lambda col, part=part: col.in_(part)
    else:
        for part in _chunks(ids):
            yield lambda col, part=part: col.in_(part)


# --- evaluating ------------------------------------------------------------------


def _body_key(items: Sequence[StoredReport]) -> Any:
    """Series are the store's bodies: issuer_key within a region."""
    keys = {id(s.report): (s.issuer_key, s.region_id) for s in items}

    def body(report: ParsedReport) -> Hashable:
        return keys[id(report)]

    return body


def _context_ids(engine: Engine, report_ids: Sequence[int]) -> list[int]:
    """What the cross-report rules of ``report_ids`` need: the same bodies' other
    current reports (X1, A1, O1, D2) and the same years' current reports (O2)."""
    r = REPORT.c
    wanted = sorted({int(i) for i in report_ids})
    bodies: set[tuple[str, int | None]] = set()
    years: set[int] = set()
    with engine.connect() as conn:
        for part in _chunks(wanted):
            for row in conn.execute(
                select(r.issuer_key, r.region_id, r.year).where(r.id.in_(part))
            ):
                bodies.add((row.issuer_key, row.region_id))
                if row.year is not None:
                    years.add(row.year)
        ids = set(wanted)
        for crow in conn.execute(
            select(r.id, r.issuer_key, r.region_id, r.year).where(r.is_current.is_(True))
        ):
            if (crow.issuer_key, crow.region_id) in bodies or crow.year in years:
                ids.add(crow.id)
    return sorted(ids)


def _evaluate(items: Sequence[StoredReport]) -> dict[int, tuple[Any, ...]]:
    """evaluate() run apart over the real and the synthetic reports."""
    out: dict[int, tuple[Any, ...]] = {}
    for synthetic in (False, True):
        group = [s for s in items if s.synthetic is synthetic]
        if not group:
            continue
        results = evaluate(
            [s.report for s in group], body=_body_key(group), include_report_checks=False
        )
        for s, res in zip(group, results, strict=True):
            out[s.id] = res
    return out


def current_fingerprint(engine: Engine) -> tuple[str, int]:
    """A hash of the ids of the current reports, and their number."""
    r = REPORT.c
    h = hashlib.sha256()
    n = 0
    with engine.connect() as conn:
        for (rid,) in conn.execute(select(r.id).where(r.is_current.is_(True)).order_by(r.id)):
            h.update(f"{rid},".encode())
            n += 1
    return h.hexdigest(), n


def evaluate_reports(
    engine: Engine,
    report_ids: Sequence[int] | None = None,
    *,
    version: str = RULES_VERSION,
) -> EvaluationSummary:
    """Evaluate all current reports (``report_ids`` None) or those reports, and
    replace their stored results in one transaction."""
    start = time.perf_counter()
    init_db(engine)
    ensure_tables(engine)
    everything = report_ids is None
    try:
        fingerprint, n_current = current_fingerprint(engine) if everything else ("", 0)
        if everything:
            items = load_reports(engine)
            targets = {s.id for s in items}
        else:
            targets = {int(i) for i in report_ids or ()}
            items = load_reports(engine, _context_ids(engine, sorted(targets)))
            targets &= {s.id for s in items}
        results = _evaluate(items)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        rows = [
            {
                "report_id": rid,
                "rule": c.rule,
                "status": c.status,
                "subject": c.subject,
                "detail": c.detail,
                "rules_version": version,
                "evaluated_at": now,
            }
            for rid in sorted(targets)
            for c in results.get(rid, ())
        ]
        with engine.begin() as conn:
            if everything:
                conn.execute(delete(EvaluationResult))
            else:
                for part in _chunks(sorted(targets)):
                    conn.execute(
                        delete(EvaluationResult).where(EvaluationResult.report_id.in_(part))
                    )
            for i in range(0, len(rows), _INSERT_BATCH):
                conn.execute(insert(EvaluationResult), rows[i : i + _INSERT_BATCH])
            conn.execute(
                insert(EvaluationRun).values(
                    rules_version=version,
                    reports_fingerprint=fingerprint,
                    n_reports=len(targets) if not everything else n_current,
                    n_results=len(rows),
                    scope="all" if everything else "subset",
                    evaluated_at=now,
                )
            )
    except SQLAlchemyError as e:
        raise StorageError(explain(engine, e)) from None
    return EvaluationSummary(
        rules_version=version,
        n_reports=len(targets),
        n_results=len(rows),
        n_fail=sum(1 for r in rows if r["status"] == "fail"),
        n_uncertain=sum(1 for r in rows if r["status"] == "uncertain"),
        seconds=time.perf_counter() - start,
    )


def last_run(engine: Engine) -> Any:
    """The latest full run (a row of evaluation_run), or None."""
    with engine.connect() as conn:
        return conn.execute(
            select(RUN).where(RUN.c.scope == "all").order_by(RUN.c.id.desc()).limit(1)
        ).first()


def is_stale(engine: Engine, version: str = RULES_VERSION) -> bool:
    """True when the stored results are not those of these rules over these reports."""
    init_db(engine)
    ensure_tables(engine)
    run = last_run(engine)
    if run is None or run.rules_version != version:
        return True
    fingerprint, _n = current_fingerprint(engine)
    return bool(run.reports_fingerprint != fingerprint)


def evaluate_stale(engine: Engine, version: str = RULES_VERSION) -> EvaluationSummary:
    """Re-run the whole evaluation only when the rules or the set of reports changed."""
    start = time.perf_counter()
    if not is_stale(engine, version):
        return EvaluationSummary(version, 0, 0, 0, 0, time.perf_counter() - start, skipped=True)
    return evaluate_reports(engine, version=version)


def run_evaluation(url: str | None = None, only_stale: bool = True) -> EvaluationSummary:
    """The ``nianbao evaluate`` entry point: the database at ``url`` (default:
    DATABASE_URL, else the SQLite file), only if stale unless told otherwise."""
    engine = get_engine(url)
    init_db(engine)
    return evaluate_stale(engine) if only_stale else evaluate_reports(engine)


def stored_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(RESULT)) or 0)
