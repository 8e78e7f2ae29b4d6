"""The fact rollup (nianbao/rollup.py) equals a direct aggregate over the
facts: on the dashboard's real reports, after a re-publication replaces a
report, and after two ingests ran at once. SQLite and PostgreSQL (db_url;
the dashboard database with NIANBAO_TEST_PG=1)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from nianbao import rollup
from nianbao.db import get_engine, init_db
from nianbao.models import FactRollup, Report
from nianbao.queries import trends
from nianbao.queries.common import Filters
from nianbao.queries.facts import metric_counts
from nianbao.store import IngestSummary, Parsed, _Writer, store_one
from tests.dashboard_db import build_db
from tests.test_parallel_ingest import _corpus
from tests.test_store import CHAOYANG_2016, PINGTAN_2019, SUPING_2019

REPO = Path(__file__).resolve().parent.parent


def _rows(conn: Connection) -> dict[tuple, tuple]:
    out = {}
    for row in conn.execute(select(FactRollup.__table__)).mappings():
        key = tuple(
            bool(row[k]) if k in ("is_current", "synthetic") else row[k] for k in rollup.KEYS
        )
        sums = tuple(row[k] for k in rollup.SUMS)
        if any(sums):  # a demoted report leaves no empty row behind that matters
            out[key] = (round(float(sums[0]), 6), *sums[1:])
    return out


def _kept_and_rebuilt(engine) -> tuple[dict, dict]:
    """The rollup as ingest left it, and recomputed from the facts (rolled back)."""
    with engine.connect() as conn:
        kept = _rows(conn)
        rollup.rebuild(conn)
        rebuilt = _rows(conn)
        conn.rollback()
    return kept, rebuilt


def _direct(monkeypatch: pytest.MonkeyPatch, fn, engine, f: Filters) -> pd.DataFrame:
    with monkeypatch.context() as m:
        m.setattr(rollup, "usable", lambda *_a: False)
        return fn(engine, f)


def _same(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> None:
    a = a.sort_values(keys).reset_index(drop=True)
    b = b.sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False, check_like=True)


@pytest.mark.parametrize(
    "f",
    [Filters(), Filters(year=2023), Filters(scope="department"), Filters(current_only=False)],
)
def test_page_aggregates_from_the_rollup_equal_the_facts(
    monkeypatch: pytest.MonkeyPatch, f: Filters
) -> None:
    engine = get_engine(build_db())
    assert rollup.usable(engine, f)
    kept, rebuilt = _kept_and_rebuilt(engine)
    assert kept == rebuilt and len(kept) > 100
    for fn, keys in (
        (trends.outcome_composition, ["year", "era", "category"]),
        (trends.applicant_mix, ["year", "applicant"]),
        (trends.staffing_funding, ["year", "metric", "source"]),
    ):
        fast, slow = fn(engine, f), _direct(monkeypatch, fn, engine, f)
        assert len(fast) > 0
        _same(fast, slow, keys)
    fast = metric_counts(engine, include_synthetic=f.include_synthetic)
    slow = _direct(monkeypatch, metric_counts, engine, f.include_synthetic)
    _same(fast, slow, ["metric"])


def test_a_real_figure_through_the_rollup() -> None:
    # 平潭综合实验区 2023 (data/reports/pingtan/2023-main-017.txt) Table B 新收
    # 81 in the 总计 column; its two departments add their own.
    engine = get_engine(build_db())
    mix = trends.applicant_mix(engine, Filters(year=2023, scope="government"))
    comp = trends.outcome_composition(engine, Filters(year=2023, scope="government"))
    assert mix["value"].sum() == pytest.approx(81)
    assert comp["n_reports"].max() == 1


def test_region_and_body_filters_read_the_facts() -> None:
    engine = get_engine(build_db())
    assert not rollup.usable(engine, Filters(region_id=1))
    assert not rollup.usable(engine, Filters(bodies=("x",)))


@pytest.fixture
def engine(db_url: str):
    engine = get_engine(db_url)
    init_db(engine)
    return engine


def test_republication_moves_the_old_version_out(engine) -> None:
    store_one(engine, SUPING_2019)
    store_one(engine, CHAOYANG_2016)
    # A corrected re-publication with one figure fewer: the old version's
    # facts leave the current cells and go to the superseded ones.
    corrected = dataclasses.replace(SUPING_2019, content_hash="e" * 64, facts=SUPING_2019.facts[1:])
    store_one(engine, corrected)
    kept, rebuilt = _kept_and_rebuilt(engine)
    assert kept == rebuilt
    current = {k: v for k, v in kept.items() if k[0] and k[5] == ""}
    assert sum(v[3] for v in current.values()) == 2  # two current reports
    # The same in batches, a re-publication within the batch and one of a stored report.
    writer = _Writer(engine, IngestSummary(), size=10)
    for report in (
        PINGTAN_2019,
        dataclasses.replace(PINGTAN_2019, content_hash="p" * 64, facts=PINGTAN_2019.facts[:1]),
        dataclasses.replace(CHAOYANG_2016, content_hash="q" * 64),
    ):
        writer.add(Parsed(report.source, report, report.checks, None))
    writer.flush()
    kept, rebuilt = _kept_and_rebuilt(engine)
    assert kept == rebuilt
    with Session(engine) as s:
        assert rollup.fresh(s.connection())
        n_current = len(s.scalars(select(Report.id).where(Report.is_current.is_(True))).all())
    assert n_current == 3


def test_a_stale_rollup_is_noticed(engine) -> None:
    store_one(engine, SUPING_2019)
    with engine.begin() as conn:
        assert rollup.fresh(conn)
        conn.execute(text("DELETE FROM report"))  # behind the rollup's back
        assert not rollup.fresh(conn)
        rollup.rebuild(conn)
        assert rollup.fresh(conn)


def test_two_ingests_at_once_keep_the_rollup_exact(db_url: str, tmp_path: Path) -> None:
    folder = _corpus(tmp_path)  # includes a duplicate and a corrected re-publication
    init_db(get_engine(db_url))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DATABASE_URL", None)
    cmd = [sys.executable, "-m", "nianbao", "ingest", str(folder), "--db", db_url]
    cmd += ["--workers", "1", "--batch-size", "3", "--no-progress"]
    procs = [
        subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, (out, err)
    kept, rebuilt = _kept_and_rebuilt(get_engine(db_url))
    assert kept == rebuilt
    assert sum(v[3] for k, v in kept.items() if k[5] == "") == len(list(folder.iterdir())) - 1


def test_series_report_counts_in_one_pass_equal_one_count_per_era() -> None:
    from sqlalchemy import func, or_

    from nianbao.models import Fact
    from nianbao.queries.facts import series_catalog
    from nianbao.series import series_catalog as crosswalk

    engine = get_engine(build_db())
    table = series_catalog(engine).set_index("系列")
    with Session(engine) as s:
        for key in ("requests_received", "withheld", "lawsuits", "staff"):
            eras = crosswalk()[key].eras
            for era, col in ((eras[0], "报告数（2019年以前）"), (eras[-1], "报告数（2019年以后）")):
                codes = [c for t in era.terms for c in t.metrics]
                n = s.scalar(
                    select(func.count(func.distinct(Fact.report_id)))
                    .join(Report, Fact.report_id == Report.id)
                    .where(
                        Fact.metric.in_(codes),
                        Fact.value.is_not(None),
                        Report.format.in_(era.formats),
                        Report.synthetic.is_(False),
                        Report.is_current.is_(True),
                        or_(Fact.applicant.is_(None), Fact.applicant == "total"),
                    )
                )
                assert table.loc[key, col] == n, (key, col)
    # 平潭's and its departments' 2019+ reports state 收到申请 in Table B.
    assert table.loc["requests_received", "报告数（2019年以后）"] > 10


def test_a_database_before_the_rollup_reads_the_facts(sqlite_url: str) -> None:
    from alembic import command

    from nianbao.db import _alembic_config

    engine = get_engine(sqlite_url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")  # the pages do not migrate
    assert not rollup.usable(engine, Filters())
    assert trends.staffing_funding(engine, Filters()).empty
