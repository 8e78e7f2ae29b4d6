"""PDF parse rate per core on the bundled PDFs (issue 5: at least 5/s). Not a test.

    python benchmarks/bench_pdf.py [--seconds 3] [--repeats 3] [--pdfminer-only]

For each bundled PDF: reports per CPU-second of loaders.readers.load (the
reader alone) and of parse_file + run_checks (what bench_scale.bench_parse
times), after one warm-up parse so that importing pdfplumber is not counted.
CPU time, not wall time: other processes on the machine do not count, but
note the load (printed) when comparing runs. --pdfminer-only times the same
reader with the pdfium fast path switched off (pdfminer parses every page),
i.e. the reader as it was before the fast path.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rate(fn, seconds: float) -> tuple[float, int]:
    done = 0
    t0, c0 = time.perf_counter(), time.process_time()
    while time.perf_counter() - t0 < seconds:
        fn()
        done += 1
    return done / (time.process_time() - c0), done


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--pdfminer-only", action="store_true")
    args = ap.parse_args()

    from loaders.parse import parse_file
    from loaders.readers import load
    from nianbao.checks import run_checks

    if args.pdfminer_only:
        import loaders.readers.pdf_objects as fast

        fast.page_objects = lambda *a: None  # read() imports it at call time

    print(f"load average {os.getloadavg()[0]:.1f}; pdfium fast path {not args.pdfminer_only}")
    for path in sorted((ROOT / "data" / "reports").rglob("*.pdf")):
        data = path.read_bytes()
        load(data)  # warm-up: imports, pdfminer's CMap cache
        for what, fn in (
            ("load", lambda data=data: load(data)),
            ("parse+checks", lambda data=data, n=path.name: run_checks(parse_file(data, name=n))),
        ):
            runs = [rate(fn, args.seconds) for _ in range(args.repeats)]
            figures = ", ".join(f"{r:.1f}" for r, _ in runs)
            print(
                f"  {path.name:<34} {what:<13} best {max(r for r, _ in runs):5.1f}/s/core "
                f"({figures}; {sum(n for _, n in runs)} parses)",
                flush=True,
            )


if __name__ == "__main__":
    main()
