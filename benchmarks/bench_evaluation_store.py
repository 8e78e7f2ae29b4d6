"""Benchmark: evaluating stored reports and storing the results (nianbao.evaluation_store).

    .venv/bin/python benchmarks/bench_evaluation_store.py [--sizes 1000,10000] [--seed 7]
        [--out bench-out/eval-store] [--db-url postgresql://…]

For each size N it builds a SYNTHETIC database of N reports (every row marked
``synthetic``; SQLite files under bench-out/, never data/nianbao.db): the
reports of benchmarks/bench_evaluate.py (real bundled reports' sections and
tables, perturbed, with planted copies), saved with nianbao.store.save_report.
Building is not timed. Then it times, on that database:

- load:      rebuilding the N ParsedReport values from the rows;
- full run:  evaluate_reports (load + every rule + replacing the stored results
             with bulk inserts, one transaction);
- stale run: evaluate_stale with nothing changed (the fingerprint check only);
- search:    building the full-text index (ensure_search_index back-fill) and
             a 5-character and a 2-character query.

and prints wall and CPU seconds, reports per second and the growth against
the previous size.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUNDLED = (ROOT / "data" / "nianbao.db").resolve()


def build(url: str, n: int, seed: int) -> None:
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from benchmarks.bench_evaluate import real_reports, synthetic
    from nianbao.db import get_engine, init_db
    from nianbao.models import Report
    from nianbao.store import save_report

    reports, _planted = synthetic(n, real_reports(), seed)
    engine = get_engine(url)
    init_db(engine)
    batch = 500
    for i in range(0, len(reports), batch):
        with Session(engine) as s, s.begin():
            for r in reports[i : i + batch]:
                # A unique hash: planted copies have the same text as their original.
                digest = hashlib.sha256(r.source.encode()).hexdigest()
                save_report(s, dataclasses.replace(r, content_hash=digest))
            s.execute(update(Report).values(synthetic=True))


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - w, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,2000,5000,10000")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=str(ROOT / "bench-out" / "eval-store"))
    ap.add_argument("--db-url", default=None, help="an EMPTY PostgreSQL database (one size only)")
    args = ap.parse_args()

    from nianbao.db import get_engine
    from nianbao.evaluation_store import evaluate_reports, evaluate_stale, load_reports
    from nianbao.search import SearchFilters, ensure_search_index, search

    sizes = [int(s) for s in args.sizes.split(",")]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    prev = None
    print(
        f"{'N':>6} {'build s':>8} {'load s':>7} {'full wall':>9} {'full cpu':>8} "
        f"{'rep/s':>6} {'growth':>6} {'stale s':>7} {'index s':>7} {'q5 s':>6} {'q2 s':>6} results"
    )
    for n in sizes:
        if args.db_url:
            url = args.db_url
        else:
            path = (out / f"synthetic-{n}.db").resolve()
            if path == BUNDLED:
                raise SystemExit("refusing to write synthetic reports into data/nianbao.db")
            path.unlink(missing_ok=True)
            url = f"sqlite:///{path}"
        _, build_s, _ = timed(build, url, n, args.seed)
        engine = get_engine(url)
        _, load_s, _ = timed(load_reports, engine)
        summary, wall, cpu = timed(evaluate_reports, engine)
        stale, stale_s, _ = timed(evaluate_stale, engine)
        assert stale.skipped
        _, index_s, _ = timed(ensure_search_index, engine)
        f = SearchFilters(include_synthetic=True)
        r5, q5, _ = timed(search, engine, "政务新媒体", f)
        r2, q2, _ = timed(search, engine, "复议", f)
        growth = f"{cpu / prev[1] / (n / prev[0]):.2f}" if prev else "-"
        print(
            f"{n:>6} {build_s:>8.1f} {load_s:>7.1f} {wall:>9.1f} {cpu:>8.1f} "
            f"{n / wall:>6.0f} {growth:>6} {stale_s:>7.2f} {index_s:>7.1f} {q5:>6.2f} {q2:>6.2f} "
            f"{summary.n_results} ({summary.n_fail} fail, {summary.n_uncertain} uncertain; "
            f"search {r5.total}/{r2.total})",
            flush=True,
        )
        prev = (n, cpu)
        if args.db_url:
            break
    print("growth = (CPU time / previous CPU time) / (N / previous N); 1.00 is linear.")


if __name__ == "__main__":
    main()
