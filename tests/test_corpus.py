"""Every bundled real report parses, and its rule results are on record.

tests/data/corpus_checks.json (written by tools/corpus_snapshot.py) holds the
format, year, number of table cells and every rule outcome of each report in
data/reports; a difference here is a change to review, then re-record.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from corpus_snapshot import REPORTS, corpus_files, snapshot  # noqa: E402

from loaders.catalog import metrics  # noqa: E402
from loaders.parse import parse_file  # noqa: E402

RECORD = json.loads((ROOT / "tests" / "data" / "corpus_checks.json").read_text("utf-8"))
FILES = corpus_files()


def test_record_covers_the_whole_corpus() -> None:
    assert sorted(RECORD) == sorted(str(p.relative_to(REPORTS)) for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_report_matches_its_record(path: Path) -> None:
    assert snapshot(path) == RECORD[str(path.relative_to(REPORTS))]


def test_every_fact_uses_a_catalog_code() -> None:
    known = metrics()
    unknown = {
        (p.name, f.metric) for p in FILES for f in parse_file(p).facts if f.metric not in known
    }
    assert not unknown
