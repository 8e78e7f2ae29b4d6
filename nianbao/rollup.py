"""The fact rollup: facts pre-summed per year and cell, so the year-level
aggregates of the pages read thousands of rows instead of millions of facts.

Why: at 100,000 reports the fact table holds ~30 million rows; 趋势's outcome
composition alone summed 3 million of them per render (4–14 s on SQLite).
The rollup (table ``fact_rollup``, nianbao/models.py) holds, per

    (is_current, synthetic, year, scope, format, metric, applicant, source, unit)

the sum of the known values, the counts of facts and of facts with a value,
and the counts of reports with a fact / a known value in that cell — about
20,000 rows at 100k reports. Region and body are deliberately NOT keys: a
region key would give a row per county and year (3 reports per bucket at
10k, hardly smaller than the facts). Queries filtered by region or body
read the facts as before (they touch few reports); :func:`covers` says when
the rollup answers a filter.

Kept in step at ingest, inside the report's transaction (:func:`apply`):
every new report adds its contributions under its is_current; a report a
re-publication demotes moves its contributions from is_current true to
false. Deltas, so the cost is proportional to the reports written, not to
the database. The upsert is one statement with its rows in key order, so
two concurrent ingests on PostgreSQL lock rollup rows in the same order
(they wait for each other, they do not deadlock). Sums are floats: after a
demotion a sum may differ from the direct sum in the last bits.

Anything that writes reports or facts some other way (a re-key, a test that
deletes a report, benchmarks/synthetic_db.py) must call :func:`rebuild`;
until then :func:`fresh` notices that the report counts disagree and the
queries fall back to the facts, so a stale rollup is slow, never wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, func, inspect, select, text

from nianbao.models import FactRollup, Report

ROLLUP = FactRollup.__table__

KEYS = (
    "is_current",
    "synthetic",
    "year",
    "scope",
    "format",
    "metric",
    "applicant",
    "source",
    "unit",
)
SUMS = ("total", "n_values", "n_facts", "n_reports", "n_value_reports")
ALL_APPLICANTS = "*"  # marker rows: every fact of a metric in the bucket
REPORT_ROW = ""  # metric of the marker rows counting reports

# Per report and cell (facts grouped by the report's bucket and the fact's
# cell), with each change's sign and the is_current it counts under.
_PER_REPORT_CELLS = """
SELECT c.sign AS sign, c.cur AS cur, r.synthetic AS synthetic,
       coalesce(r.year, 0) AS year, r.scope AS scope, r.format AS format,
       f.metric AS metric, coalesce(f.applicant, '') AS applicant,
       f.source AS source, f.unit AS unit,
       sum(coalesce(f.value, 0)) AS t, count(f.value) AS nv, count(*) AS nf
FROM {changes} JOIN report r ON r.id = c.report_id JOIN fact f ON f.report_id = r.id
GROUP BY c.sign, c.cur, r.synthetic, r.year, r.scope, r.format, f.report_id,
         f.metric, f.applicant, f.source, f.unit
UNION ALL
SELECT c.sign, c.cur, r.synthetic, coalesce(r.year, 0), r.scope, r.format,
       f.metric, '*', '*', '*', sum(coalesce(f.value, 0)), count(f.value), count(*)
FROM {changes} JOIN report r ON r.id = c.report_id JOIN fact f ON f.report_id = r.id
GROUP BY c.sign, c.cur, r.synthetic, r.year, r.scope, r.format, f.report_id, f.metric
UNION ALL
SELECT c.sign, c.cur, r.synthetic, coalesce(r.year, 0), r.scope, r.format,
       '', '', '', '', 0, 0, 0
FROM {changes} JOIN report r ON r.id = c.report_id
"""

_KEY_LIST = ", ".join(KEYS)
_UPSERT = """
INSERT INTO fact_rollup ({keys}, {sums})
SELECT cur, synthetic, year, scope, format, metric, applicant, source, unit,
       sum(sign * t), sum(sign * nv), sum(sign * nf), sum(sign),
       sum(CASE WHEN nv > 0 THEN sign ELSE 0 END)
FROM ({cells}) AS d
WHERE 1 = 1
GROUP BY cur, synthetic, year, scope, format, metric, applicant, source, unit
ORDER BY cur, synthetic, year, scope, format, metric, applicant, source, unit
ON CONFLICT ({keys}) DO UPDATE SET
  total = fact_rollup.total + excluded.total,
  n_values = fact_rollup.n_values + excluded.n_values,
  n_facts = fact_rollup.n_facts + excluded.n_facts,
  n_reports = fact_rollup.n_reports + excluded.n_reports,
  n_value_reports = fact_rollup.n_value_reports + excluded.n_value_reports
"""


def _changes_sql(n: int, dialect: str) -> str:
    """A VALUES list of (report_id, sign, cur) with n rows, bound by name."""
    cur = "CAST(:c{i} AS BOOLEAN)" if dialect == "postgresql" else ":c{i}"
    rows = ", ".join(
        f"(CAST(:r{i} AS INTEGER), CAST(:s{i} AS INTEGER), {cur.format(i=i)})" for i in range(n)
    )
    if dialect == "postgresql":
        return f"(VALUES {rows}) AS c(report_id, sign, cur)"
    # SQLite names VALUES columns column1, column2, …
    cols = "column1 AS report_id, column2 AS sign, column3 AS cur"
    return f"(SELECT {cols} FROM (VALUES {rows})) AS c"


def apply(
    conn: Connection,
    added: Iterable[tuple[int, bool]] = (),
    demoted: Iterable[int] = (),
    removed: Iterable[tuple[int, bool]] = (),
) -> None:
    """Add the contributions of newly written reports (id, is_current) and
    move those of demoted reports (were current, are not any more) from
    is_current true to false. Runs in the caller's transaction; call it after
    the reports' facts are written and their is_current is final.
    ``removed`` (id, is_current) subtracts reports whose facts are about to be
    deleted (nianbao reparse): call it while their facts are still there."""
    changes: list[tuple[int, int, bool]] = [(rid, 1, bool(cur)) for rid, cur in added]
    changes += [(rid, -1, bool(cur)) for rid, cur in removed]
    for rid in demoted:
        changes += [(rid, -1, True), (rid, 1, False)]
    if not changes:
        return
    dialect = conn.dialect.name
    # Bound parameters in chunks (SQLite allows 32,766 per statement).
    for start in range(0, len(changes), 2000):
        chunk = changes[start : start + 2000]
        params: dict[str, Any] = {}
        for i, (rid, sign, cur) in enumerate(chunk):
            params[f"r{i}"], params[f"s{i}"], params[f"c{i}"] = rid, sign, cur
        cells = _PER_REPORT_CELLS.format(changes=_changes_sql(len(chunk), dialect))
        conn.execute(
            text(_UPSERT.format(keys=_KEY_LIST, sums=", ".join(SUMS), cells=cells)), params
        )
    if any(sign < 0 for _, sign, _ in changes):
        conn.execute(text("DELETE FROM fact_rollup WHERE n_reports = 0 AND n_facts = 0"))


_UPSERT_VALUES = """
INSERT INTO fact_rollup ({keys}, {sums})
VALUES ({params})
ON CONFLICT ({keys}) DO UPDATE SET
  total = fact_rollup.total + excluded.total,
  n_values = fact_rollup.n_values + excluded.n_values,
  n_facts = fact_rollup.n_facts + excluded.n_facts,
  n_reports = fact_rollup.n_reports + excluded.n_reports,
  n_value_reports = fact_rollup.n_value_reports + excluded.n_value_reports
"""


def add_written(
    conn: Connection,
    reports: Iterable[tuple[int, dict[str, Any]]],
    facts: Iterable[dict[str, Any]],
) -> None:
    """Add reports just written, from the rows in memory: (id, report row)
    and their fact rows (as store.save_batch inserts them). The same sums as
    :func:`apply`, without reading the facts back (a tenth of the cost at
    ingest); one executemany upsert, rows in key order."""
    bucket = {
        rid: (
            bool(row["is_current"]),
            bool(row["synthetic"]),
            row["year"] or 0,
            row["scope"],
            row["format"],
        )
        for rid, row in reports
    }
    if not bucket:
        return
    # Per report and cell first (n_reports counts reports, not facts); one
    # dict update per fact: this loop runs for every fact ingested.
    per_cell: dict[tuple[Any, ...], list[Any]] = {}
    get = per_cell.get
    for f in facts:
        k = (f["report_id"], f["metric"], f["applicant"] or "", f["source"], f["unit"])
        acc = get(k)
        if acc is None:
            acc = per_cell[k] = [0.0, 0, 0]
        v = f["value"]
        if v is not None:
            acc[0] += v
            acc[1] += 1
        acc[2] += 1
    per_metric: dict[tuple[Any, ...], list[Any]] = {
        (rid, REPORT_ROW, "", "", ""): [0.0, 0, 0] for rid in bucket
    }
    for (rid, metric, _a, _s, _u), (t, nv, nf) in per_cell.items():
        k = (rid, metric, ALL_APPLICANTS, ALL_APPLICANTS, ALL_APPLICANTS)
        acc = per_metric.get(k)
        if acc is None:
            per_metric[k] = [t, nv, nf]
        else:
            acc[0] += t
            acc[1] += nv
            acc[2] += nf
    cells: dict[tuple[Any, ...], list[Any]] = {}
    for part in (per_cell, per_metric):
        for (rid, *cell), (t, nv, nf) in part.items():
            key = bucket[rid] + tuple(cell)
            acc = cells.get(key)
            if acc is None:
                acc = cells[key] = [0.0, 0, 0, 0, 0]
            acc[0] += t
            acc[1] += nv
            acc[2] += nf
            acc[3] += 1
            acc[4] += 1 if nv else 0
    names = (*KEYS, *SUMS)
    ordered = sorted(cells.items())
    if conn.dialect.name == "sqlite":  # the driver's executemany, as store._insert_many
        sql = _UPSERT_VALUES.format(
            keys=_KEY_LIST, sums=", ".join(SUMS), params=", ".join("?" * len(names))
        )
        conn.exec_driver_sql(sql, [(*key, *sums) for key, sums in ordered])
        return
    sql = _UPSERT_VALUES.format(
        keys=_KEY_LIST, sums=", ".join(SUMS), params=", ".join(f":{n}" for n in names)
    )
    conn.execute(text(sql), [dict(zip(names, (*k, *v), strict=True)) for k, v in ordered])


def rebuild(conn: Connection) -> None:
    """Recompute the whole rollup from the facts (migration; out-of-band writers)."""
    conn.execute(text("DELETE FROM fact_rollup"))
    changes = "(SELECT id AS report_id, 1 AS sign, is_current AS cur FROM report) AS c"
    cells = _PER_REPORT_CELLS.format(changes=changes)
    conn.execute(text(_UPSERT.format(keys=_KEY_LIST, sums=", ".join(SUMS), cells=cells)))


def fresh(conn: Connection) -> bool:
    """Whether the rollup agrees with the report table: the reports it counts
    per is_current equal the reports stored (two index-only counts). False
    on a database not yet migrated to 0004 (the pages do not migrate)."""
    if not _has_table(conn):
        return False
    r = Report.__table__.c
    stored = {
        k: v for k, v in conn.execute(select(r.is_current, func.count()).group_by(r.is_current))
    }
    rc = ROLLUP.c
    counted = {
        k: v
        for k, v in conn.execute(
            select(rc.is_current, func.sum(rc.n_reports))
            .where(rc.metric == REPORT_ROW)
            .group_by(rc.is_current)
        )
    }
    return _nonzero(stored) == _nonzero(counted)


_HAVE_TABLE: set[str] = set()  # database URLs known to have fact_rollup


def _has_table(conn: Connection) -> bool:
    url = conn.engine.url.render_as_string(hide_password=False)
    if url not in _HAVE_TABLE:
        if not inspect(conn).has_table(FactRollup.__tablename__):
            return False
        _HAVE_TABLE.add(url)
    return True


def _nonzero(counts: dict[Any, Any]) -> dict[bool, int]:
    return {bool(k): int(v) for k, v in counts.items() if v}


def covers(f: Any) -> bool:
    """Whether the rollup can answer a queries.common.Filters: its keys hold
    every condition (no region or body filter)."""
    return f.region_id is None and not f.bodies


def filter_conditions(cols: Any, f: Any) -> list[Any]:
    """The conditions of a queries.common.Filters on the keys the report table
    and the rollup share (current, synthetic, scope, year range); ``cols`` is
    either table's column collection. Region and bodies are report-only."""
    conds: list[Any] = []
    if f.current_only:
        conds.append(cols.is_current.is_(True))
    if not f.include_synthetic:
        conds.append(cols.synthetic.is_(False))
    if f.scope:
        conds.append(cols.scope == f.scope)
    if f.year is not None:
        conds.append(cols.year == f.year)
    if f.year_from is not None:
        conds.append(cols.year >= f.year_from)
    if f.year_to is not None:
        conds.append(cols.year <= f.year_to)
    return conds


def conditions(f: Any) -> list[Any]:
    """``f`` over the rollup's keys (see :func:`covers`); marker rows are not
    excluded here (:func:`real_cells` does that where cells are read)."""
    return filter_conditions(ROLLUP.c, f)


def usable(engine: Engine, f: Any) -> bool:
    """The rollup answers ``f``: the filter fits its keys and it is fresh."""
    if not covers(f):
        return False
    with engine.connect() as conn:
        return fresh(conn)


def year_column() -> Any:
    """The rollup's year with 0 (unknown) back to NULL, as report.year reads."""
    c = ROLLUP.c
    return func.nullif(c.year, 0).label("year")


def cell_applicant(applicant: str | None) -> Any:
    """The rollup condition for a fact's applicant (None: no applicant column)."""
    c = ROLLUP.c
    return c.applicant == ("" if applicant is None else applicant)


def value_sum() -> Any:
    """Sum of the known values, NULL when no cell behind it has one."""
    c = ROLLUP.c
    return case((func.sum(c.n_values) > 0, func.sum(c.total)), else_=None)


def real_cells() -> Any:
    """Rows holding facts of one cell (not the marker rows)."""
    c = ROLLUP.c
    return and_(c.metric != REPORT_ROW, c.applicant != ALL_APPLICANTS)


def read_cells(engine: Engine, f: Any, by: tuple[str, ...], where: list[Any]) -> Any:
    """Rollup rows matching ``f`` and ``where`` summed per ``by`` (rollup
    columns; 'year' reads as report.year, NULL when unknown): value (sum of
    known values, NULL if none), n_values, n_facts, n_value_reports, unit
    (the largest, as max(fact.unit) reads). A DataFrame."""
    import pandas as pd

    c = ROLLUP.c
    keys = [year_column() if b == "year" else c[b] for b in by]
    stmt = (
        select(
            *keys,
            value_sum().label("value"),
            func.sum(c.n_values).label("n_values"),
            func.sum(c.n_facts).label("n_facts"),
            func.sum(c.n_value_reports).label("n_value_reports"),
            func.max(c.unit).label("unit"),
        )
        .where(real_cells(), *conditions(f), *where)
        .group_by(*[c[b] for b in by])
    )
    with engine.connect() as conn:
        result = conn.execute(stmt)
        rows = [tuple(r) for r in result.fetchall()]
        df = pd.DataFrame(rows, columns=list(result.keys()))
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    for col in ("n_values", "n_facts", "n_value_reports"):
        df[col] = df[col].astype("int64")
    return df


def metric_counts(engine: Engine, include_synthetic: bool) -> Any:
    """Per metric: facts stored and reports having it, every version counted
    (queries.facts.metric_counts), from the marker rows; None when stale."""
    import pandas as pd

    c = ROLLUP.c
    real = [] if include_synthetic else [c.synthetic.is_(False)]
    stmt = (
        select(c.metric, func.sum(c.n_facts), func.sum(c.n_reports))
        .where(c.applicant == ALL_APPLICANTS, *real)
        .group_by(c.metric)
    )
    with engine.connect() as conn:
        if not fresh(conn):
            return None
        rows = [(m, int(a), int(b)) for m, a, b in conn.execute(stmt)]
    return pd.DataFrame(rows, columns=["metric", "facts", "reports"])
