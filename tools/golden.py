"""Write a candidate expected JSON for a golden test from the current parser.

    python tools/golden.py tests/data/reports/NAME.txt [...]

The output is a CANDIDATE: check every value against the source document
before committing it (that is what makes it a golden file).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders.contract import to_contract
from loaders.parse import parse_file
from nianbao.checks import run_checks


def main(paths: list[str]) -> None:
    out_dir = Path(__file__).resolve().parent.parent / "tests" / "data" / "expected"
    for p in map(Path, paths):
        report = parse_file(p)
        data = to_contract(report, run_checks(report))
        target = out_dir / (p.stem + ".json")
        target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(target)


if __name__ == "__main__":
    main(sys.argv[1:])
