"""The evaluator workbench's test database, built once per test process from real reports.

Every bundled 平潭 report (data/reports/pingtan, 205 files: the 区 main reports
2011–2025 and its departments over their years) plus the seed report (长春市朝阳区
2016) and the Shanghai 2019 HTML, ingested by the real pipeline
(``nianbao.store.ingest_paths``) into a temporary SQLite file, then evaluated
by ``nianbao.evaluation_store.evaluate_reports``. Tests only read it; tests
that change results build their own small database.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, select

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "data" / "reports"

FILES: tuple[Path, ...] = (
    *sorted(REPORTS.glob("pingtan/*.txt")),
    REPORTS / "seed" / "000_082f890431297067.txt",
    REPORTS / "other" / "2019-002.html",
)


def ingest(files: tuple[Path, ...] | list[Path], url: str) -> None:
    from nianbao.store import ingest_paths

    summary = ingest_paths(list(files), url=url, progress=False)
    if summary.failures:
        raise RuntimeError(
            "the evaluation test database could not ingest every report:\n"
            + "\n".join(reason for _, reason in summary.failures)
        )


@cache
def build_db() -> str:
    """Ingest and evaluate once per process; returns the SQLAlchemy URL."""
    from nianbao.db import get_engine
    from nianbao.evaluation_store import evaluate_reports

    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='nianbao-eval-')) / 'eval.db'}"
    ingest(FILES, url)
    evaluate_reports(get_engine(url))
    return url


def report_id(engine: Engine, name: str) -> int:
    """The id of the current report whose source ends with ``name`` (e.g. '2023-jjf-057.txt')."""
    from nianbao.models import Report

    with engine.connect() as conn:
        ids = list(
            conn.scalars(
                select(Report.id).where(Report.source.like(f"%/{name}"), Report.is_current)
            )
        )
    if len(ids) != 1:
        raise LookupError(f"{name}: {len(ids)} stored reports")
    return ids[0]
