"""The parser on real reports it was never developed on (tests/data/heldout).

Twenty-three Pingtan reports (2009–2025) from the same public archive as the bundled
corpus, none of them bundled; expected year, format and table cells written by
hand before the parser was run on them (benchmarks/heldout_accuracy.py has the
details and prints every miss).

Measured when this test was written (2026-11-27): year 23/23, format 23/23,
cells 1408/1412 exact = 99.72 % (the 166 non-zero cells: 166 exact; most of the
rest are the 0 cells of the 2019/2021 templates). The 4 misses are two fused 年度|累计 runs
('2424', '346085376') whose split the table's arithmetic leaves open: the
expected files say null, the parser splits them using the figure the narrative
states (with a warning). The floor below is that measured figure, rounded down.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

import loaders.legacy_labels

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "data" / "heldout"
MANIFEST = ROOT / "data" / "reports" / "manifest.csv"

# 1408/1412 = 0.99717 measured; the target is 0.995.
CELL_ACCURACY_FLOOR = 0.997


def _bench():
    spec = importlib.util.spec_from_file_location(
        "heldout_accuracy", ROOT / "benchmarks" / "heldout_accuracy.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    # Registered before it runs: its dataclasses look their module up by name.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def measurement():
    return _bench().measure(HELDOUT)


def _sources() -> list[dict[str, str]]:
    with open(HELDOUT / "SOURCES.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_heldout_report_is_listed_with_its_archive_path() -> None:
    texts = sorted(p.name for p in HELDOUT.glob("*.txt"))
    expected = sorted(
        p.name.removesuffix(".expected.json") + ".txt" for p in HELDOUT.glob("*.expected.json")
    )
    assert texts == expected
    assert sorted(r["file"] for r in _sources()) == texts
    assert len(texts) == 23


def test_heldout_reports_are_not_in_the_bundled_corpus() -> None:
    manifest = MANIFEST.read_text(encoding="utf-8")
    bundled_ids = set(re.findall(r"/(\d+)_[^/]*/page\.txt", manifest))
    assert len(bundled_ids) >= 200  # the parse of the manifest itself is right
    for row in _sources():
        archive_id = re.search(r"/(\d+)_[^/]*/page\.txt$", row["path"])
        assert archive_id, row["path"]
        assert archive_id.group(1) not in bundled_ids, row["file"]
        # The file name carries the same id, so a reader can find the source.
        assert row["file"].endswith(f"-{archive_id.group(1)}.txt")
    # And no held-out text is a byte copy of a bundled file under another name.
    bundled = {
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (ROOT / "data" / "reports").rglob("*")
        if p.is_file() and p.name != "manifest.csv"
    }
    for p in HELDOUT.glob("*.txt"):
        assert hashlib.sha256(p.read_bytes()).hexdigest() not in bundled, p.name


def test_expected_files_use_known_metric_and_applicant_codes() -> None:
    with open(ROOT / "loaders" / "metrics.csv", encoding="utf-8", newline="") as f:
        metrics = {r["code"] for r in csv.DictReader(f)}
    # Codes the legacy parser emits before they reach metrics.csv (legacy.appeals …).
    metrics |= set(getattr(loaders.legacy_labels, "NEW_METRICS", {}))
    with open(ROOT / "loaders" / "applicants.csv", encoding="utf-8", newline="") as f:
        applicants = {r["key"] for r in csv.DictReader(f)} | {None}
    for p in HELDOUT.glob("*.expected.json"):
        doc = json.loads(p.read_text(encoding="utf-8"))
        assert doc["format"] in ("legacy", "gov2019", "gov2021", "narrative"), p.name
        assert str(doc["year"]) in p.name, p.name
        for c in doc["cells"]:
            assert c["metric"] in metrics, (p.name, c)
            assert c["applicant"] in applicants, (p.name, c)
            assert not c["metric"].startswith("text."), (p.name, c)


def test_year_and_format_right_on_every_heldout_report(measurement) -> None:
    wrong = [
        f"{r.file}: year {r.year_got} (expected {r.year_expected}), "
        f"format {r.format_got} (expected {r.format_expected}) {r.error or ''}"
        for r in measurement.reports
        if not (r.year_ok and r.format_ok)
    ]
    assert wrong == []


def test_cell_accuracy_on_heldout_reports(measurement) -> None:
    assert measurement.expected_cells == 1412
    misses = "\n".join(m.line() for m in measurement.misses)
    assert measurement.accuracy >= CELL_ACCURACY_FLOOR, (
        f"{measurement.exact}/{measurement.expected_cells} = {measurement.accuracy:.4%}\n{misses}"
    )
    nonzero = sum(r.nonzero_expected for r in measurement.reports)
    assert nonzero == 166
    assert sum(r.nonzero_exact for r in measurement.reports) / nonzero >= CELL_ACCURACY_FLOOR, (
        misses
    )
    # Every miss is a cell the parser read, never a cell it lost or invented.
    assert all(m.kind == "wrong" for m in measurement.misses), misses


def test_ambiguous_fused_runs_stay_blank(measurement) -> None:
    """The fused Table A runs the expected files mark null are null in the parse too."""
    by_file = {r.file: r for r in measurement.reports}
    for name in ("2020-scj-80581.txt", "2022-main-80629.txt", "2025-main-105587.txt"):
        assert by_file[name].exact == by_file[name].expected_cells, [
            m.line() for m in by_file[name].misses
        ]
