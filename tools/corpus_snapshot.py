"""Record format, year and rule results of every bundled report.

    python tools/corpus_snapshot.py        # rewrites tests/data/corpus_checks.json

tests/test_corpus.py compares the parser with this record, so a change in any
report's format, year or rule outcome shows up as a reviewed diff. Unlike the
golden files these were not checked by hand cell by cell: they record what the
checks say about each real report (including its real failures).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.parse import parse_file  # noqa: E402
from nianbao.checks import run_checks  # noqa: E402

REPORTS = ROOT / "data" / "reports"
OUT = ROOT / "tests" / "data" / "corpus_checks.json"


def corpus_files() -> list[Path]:
    return sorted(
        p for p in REPORTS.rglob("*") if p.is_file() and p.suffix in {".txt", ".html", ".pdf"}
    )


def snapshot(path: Path) -> dict[str, object]:
    report = parse_file(path)
    return {
        "format": report.format,
        "year": report.year,
        "table_facts": sum(f.source == "table" for f in report.facts),
        "checks": sorted(f"{c.rule}|{c.subject}|{c.status}" for c in run_checks(report)),
    }


def main() -> None:
    data = {str(p.relative_to(REPORTS)): snapshot(p) for p in corpus_files()}
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(data)} reports")


if __name__ == "__main__":
    main()
