"""The synthetic report generator: reproducible documents in every format and
era that the real parser reads back exactly, with the rules holding except
where broken on purpose; marked synthetic; never written into data/."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from loaders.parse import parse_file
from nianbao import models as m
from nianbao.checks import run_checks
from nianbao.cli import main
from nianbao.db import get_engine
from nianbao.store import ingest_paths, is_synthetic
from nianbao.synthetic import WRITERS, RefusedPath, plan, write_corpus

REPO = Path(__file__).resolve().parent.parent
YEARS = list(range(2014, 2026))


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    a = write_corpus(tmp_path / "a", 4, YEARS, seed=5)
    b = write_corpus(tmp_path / "b", 4, YEARS, seed=5)
    assert a == b and a["files"] == 48
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    c = write_corpus(tmp_path / "c", 4, YEARS, seed=6)
    assert c["files"] == 48 and _digests(tmp_path / "c") != _digests(tmp_path / "a")


@pytest.mark.parametrize("ext", ["txt", "html", "docx"])
def test_every_era_reads_back_exactly_and_the_rules_hold_unless_broken(ext: str) -> None:
    seen: Counter[str] = Counter()
    for _rel, rep in plan(3, YEARS, seed=11, broken_share=0.3):
        report = parse_file(WRITERS[ext](rep), name=f"synthetic.{ext}")
        checks = run_checks(report)
        seen[rep.fmt] += 1
        assert report.format == rep.fmt
        assert report.year == rep.year
        assert is_synthetic(report)
        assert report.issuer == rep.body.issuer
        assert report.region.code == rep.body.code
        failed = {c.rule for c in checks if c.status != "pass"}
        if rep.fmt == "narrative":
            assert not [f for f in report.facts if f.source == "table"]
        elif rep.broken is None:
            assert checks and failed == set(), (rep.title, failed)
        else:
            assert rep.broken in failed, (rep.title, failed)
    # Legacy, both government formats and narrative-only reports all occur.
    assert set(seen) == {"legacy", "gov2019", "gov2021", "narrative"}


@pytest.mark.parametrize("ext", ["txt", "html", "docx"])
def test_table_cells_are_exactly_the_generated_figures(ext: str) -> None:
    reports = [rep for _rel, rep in plan(2, YEARS, seed=2) if rep.fmt != "narrative"]
    for rep in reports:
        report = parse_file(WRITERS[ext](rep), name=f"synthetic.{ext}")
        table = {(f.metric, f.applicant): f.value for f in report.facts if f.source == "table"}
        assert table == rep.cells, rep.title
    # A gov2021 Table B is 25 rows × 7 applicant columns.
    gov2021 = next(r for r in reports if r.fmt == "gov2021")
    assert len([k for k in gov2021.cells if k[0].startswith("requests.")]) == 25 * 7


def test_refuses_the_bundled_data_folder(tmp_path: Path) -> None:
    with pytest.raises(RefusedPath, match="bundled data"):
        write_corpus(REPO / "data" / "reports" / "synthetic", 1, [2020], seed=1)
    with pytest.raises(RefusedPath):
        write_corpus(REPO / "data", 1, [2020], seed=1)
    assert not (REPO / "data" / "reports" / "synthetic").exists()


def test_cli_synth_then_ingest_marks_reports_synthetic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_database_url: None
) -> None:
    out = tmp_path / "synth"
    code = main(["synth", str(out), "--bodies", "2", "--years", "2018-2021", "--seed", "4"])
    assert code == 0
    assert capsys.readouterr().out.startswith(f"wrote 8 synthetic reports to {out}")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    summary = ingest_paths([out, REPO / "data" / "reports" / "pingtan" / "2019-spp-129.txt"],
                           url=url, progress=False, workers=2)  # fmt: skip
    assert (summary.parsed, summary.failed) == (9, 0)
    with Session(get_engine(url)) as s:
        flags = {src: syn for src, syn in s.execute(select(m.Report.source, m.Report.synthetic))}
    assert sum(flags.values()) == 8
    assert [src for src, syn in flags.items() if not syn] == [
        str(REPO / "data" / "reports" / "pingtan" / "2019-spp-129.txt")
    ]
    assert main(["synth", str(REPO / "data" / "x"), "--bodies", "1"]) == 2
    assert "bundled data" in capsys.readouterr().err
