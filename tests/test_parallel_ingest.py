"""Parallel ingest: parsed in worker processes, written in batched
transactions; the same database as one-by-one ingest, and two ingests at once
lose and duplicate nothing. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loaders.model import CheckResult, Region
from nianbao import models as m
from nianbao.db import get_engine, init_db
from nianbao.store import IngestSummary, Parsed, _Writer, ingest_paths
from tests.test_store import CHAOYANG_2016, PINGTAN_2019, SUPING_2019

REPO = Path(__file__).resolve().parent.parent
PINGTAN = REPO / "data" / "reports" / "pingtan"
# 69 real reports of several bodies and years (2009–2025): enough for the
# process pool (fewer than 25 files per worker are parsed in-process).
FILES = sorted(PINGTAN.glob("*.txt"))[::3]


@pytest.fixture
def engine(db_url: str):
    engine = get_engine(db_url)
    init_db(engine)
    return engine


def _item(report) -> Parsed:
    return Parsed(report.source, report, report.checks, None)


def _rows(engine) -> list[tuple]:
    with Session(engine) as s:
        return [
            tuple(r)
            for r in s.execute(
                select(m.Report.content_hash, m.Report.version, m.Report.is_current).order_by(
                    m.Report.id
                )
            )
        ]


def test_a_batch_keeps_the_version_rules(engine) -> None:
    corrected = dataclasses.replace(SUPING_2019, content_hash="e" * 64)
    summary = IngestSummary()
    writer = _Writer(engine, summary, size=10)
    for report in (CHAOYANG_2016, SUPING_2019, corrected, SUPING_2019, PINGTAN_2019):
        writer.add(_item(report))
    writer.flush()
    assert (summary.parsed, summary.duplicates, summary.new_versions, summary.failed) == (
        5,
        1,
        1,
        0,
    )
    # The corrected re-publication in the same batch is version 2, the only current one.
    assert _rows(engine) == [
        ("a" * 64, 1, True),
        ("b" * 64, 1, False),
        ("e" * 64, 2, True),
        ("c" * 64, 1, True),
    ]
    # The next batch sees the stored versions.
    writer.add(_item(dataclasses.replace(SUPING_2019, content_hash="f" * 64)))
    writer.add(_item(CHAOYANG_2016))
    writer.flush()
    assert _rows(engine)[-1] == ("f" * 64, 3, True)
    assert ("e" * 64, 2, False) in _rows(engine)
    assert (summary.parsed, summary.duplicates, summary.new_versions) == (7, 2, 2)


def test_one_bad_report_does_not_lose_the_rest_of_its_batch(engine) -> None:
    # A NULL check status violates NOT NULL when the batch is written: the
    # batch is redone one report per transaction and only that report fails.
    bad = dataclasses.replace(
        SUPING_2019,
        region=Region(province="福建省", city="南平市", code="350700"),
        checks=(CheckResult("P2", None, "x"),),  # type: ignore[arg-type]
    )
    summary = IngestSummary()
    writer = _Writer(engine, summary, size=10)
    for report in (CHAOYANG_2016, bad, PINGTAN_2019):
        writer.add(_item(report))
    writer.flush()
    assert (summary.parsed, summary.failed) == (2, 1)
    assert summary.failures[0][1].startswith("data/reports/pingtan/2019-spp-129.txt：无法保存：")
    with Session(engine) as s:
        assert sorted(s.scalars(select(m.Report.content_hash))) == ["a" * 64, "c" * 64]
        assert s.scalar(select(func.count()).select_from(m.Fact)) == 6 + 3
        # The failed report's region was rolled back with it.
        assert s.scalar(select(func.count()).where(m.Region.name == "南平市")) == 0


def _facts(url: str) -> list[tuple]:
    with Session(get_engine(url)) as s:
        return sorted(
            (h, metric, applicant or "", -1 if value is None else value)
            for h, metric, applicant, value in s.execute(
                select(m.Report.content_hash, m.Fact.metric, m.Fact.applicant, m.Fact.value).join(
                    m.Report, m.Fact.report_id == m.Report.id
                )
            )
        )


def _corpus(tmp_path: Path) -> Path:
    """FILES, plus a copy of one (a duplicate) and a corrected re-publication
    of another (one more line: other bytes, same issuer and year)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for f in FILES:
        shutil.copy(f, folder / f.name)
    shutil.copy(FILES[0], folder / ("copy-" + FILES[0].name))
    text = FILES[1].read_text(encoding="utf-8")
    (folder / ("corrected-" + FILES[1].name)).write_text(text + "\n（更正版）\n", encoding="utf-8")
    return folder


def test_parallel_ingest_writes_what_serial_ingest_writes(db_url: str, tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    serial_url = f"sqlite:///{tmp_path / 'serial.db'}"
    serial = ingest_paths([folder], url=serial_url, progress=False, workers=1, batch_size=1)
    parallel = ingest_paths([folder], url=db_url, progress=False, workers=2, batch_size=7)
    assert serial.failures == parallel.failures == []
    n = len(FILES) + 2
    assert (parallel.parsed, parallel.duplicates, parallel.new_versions) == (n, 1, 1)
    assert (serial.parsed, serial.duplicates, serial.new_versions) == (n, 1, 1)
    assert _facts(db_url) == _facts(serial_url)
    # Again: every file is already stored and none is parsed.
    again = ingest_paths([folder], url=db_url, progress=False, workers=2)
    assert (again.parsed, again.duplicates, again.failed) == (n, n, 0)


def test_two_ingests_at_once_lose_and_duplicate_nothing(db_url: str, tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    init_db(get_engine(db_url))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DATABASE_URL", None)
    cmd = [sys.executable, "-m", "nianbao", "ingest", str(folder), "--db", db_url]
    cmd += ["--workers", "2", "--batch-size", "3", "--no-progress"]
    procs = [
        subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, (out, err)
    distinct = {hashlib.sha256(f.read_bytes()).hexdigest() for f in folder.iterdir()}
    engine = get_engine(db_url)
    with Session(engine) as s:
        hashes = list(s.scalars(select(m.Report.content_hash)))
        current = s.execute(
            select(m.Report.issuer_key, m.Report.year, func.count())
            .where(m.Report.is_current.is_(True), m.Report.year.is_not(None))
            .group_by(m.Report.issuer_key, m.Report.year)
        ).all()
        versions = sorted(s.scalars(select(m.Report.version)))
    assert sorted(hashes) == sorted(distinct)
    assert all(n == 1 for _key, _year, n in current)
    assert versions == [1] * (len(distinct) - 1) + [2]
    # Both processes together parsed every file twice; each stored it once.
    serial_url = f"sqlite:///{tmp_path / 'serial.db'}"
    ingest_paths([folder], url=serial_url, progress=False, workers=1)
    assert _facts(db_url) == _facts(serial_url)
