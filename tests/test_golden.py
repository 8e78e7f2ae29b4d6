"""Golden tests: real reports beside the JSON we verified by hand against them.

tests/data/reports/<name>.<ext>  <->  tests/data/expected/<name>.json

The expected files were first written by tools/golden.py from the parser's
output and then checked cell by cell against the source document; where the
parser was wrong, the JSON holds the value in the document and the parser was
fixed. So a difference here is a regression (or a new, reviewed correction).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from loaders.contract import to_contract
from loaders.parse import parse_file
from nianbao.checks import run_checks

HERE = Path(__file__).parent
EXPECTED = sorted((HERE / "data" / "expected").glob("*.json"))


def _source_for(expected: Path) -> Path:
    matches = [
        p
        for p in (HERE / "data" / "reports").glob(expected.stem + ".*")
        if not p.name.endswith(".meta.json")
    ]
    assert len(matches) == 1, f"need exactly one report file for {expected.name}: {matches}"
    return matches[0]


def _fact_key(f: dict) -> tuple:
    return (f["metric"], f["applicant"], f["value"], f["raw"], f["unit"], f["source"])


def _actual(source: Path) -> dict:
    report = parse_file(source)
    return to_contract(report, run_checks(report))


@pytest.mark.parametrize("expected_path", EXPECTED, ids=[p.stem for p in EXPECTED])
def test_golden(expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    actual = _actual(_source_for(expected_path))

    assert actual["report"] == expected["report"]

    want = Counter(_fact_key(f) for f in expected["facts"])
    got = Counter(_fact_key(f) for f in actual["facts"])
    missing = want - got
    extra = got - want
    assert not missing and not extra, f"missing {sorted(missing)}\nextra {sorted(extra)}"

    assert [(s["number"], s["title"]) for s in actual["sections"]] == [
        (s["number"], s["title"]) for s in expected["sections"]
    ]
    assert [(c["rule"], c.get("subject", ""), c["status"]) for c in actual["checks"]] == [
        (c["rule"], c.get("subject", ""), c["status"]) for c in expected["checks"]
    ]
    # What an evaluator reads: the warnings and check details, in Chinese.
    assert [c["detail"] for c in actual["checks"]] == [c["detail"] for c in expected["checks"]]
    assert actual["warnings"] == expected["warnings"]


def test_enough_golden_reports() -> None:
    # The parsing issue asks for at least 30 hand-verified reports.
    assert len(EXPECTED) >= 30
