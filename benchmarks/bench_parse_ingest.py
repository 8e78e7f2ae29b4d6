"""How fast nianbao parses and stores reports (single process). Not a test.

    python benchmarks/bench_parse_ingest.py [--seconds 2] [--throwaway-pg]

Parse: reports per second per input type (text, html, docx, pdf), on the
bundled reports in data/reports and the reader test files in
tests/data/reports (files named bad_* are left out); small sets are repeated
until at least --seconds of timing.
Ingest: the bundled reports into a fresh SQLite file; into PostgreSQL too when
DATABASE_URL is set (a fresh database is created on that server and dropped
afterwards) or with --throwaway-pg (a cluster started like the tests do).
Peak RSS of the whole run is printed at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.errors import LoaderError  # noqa: E402
from loaders.parse import parse_file  # noqa: E402
from nianbao.checks import run_checks  # noqa: E402
from nianbao.db import database_url, display_url, forget_engine  # noqa: E402
from nianbao.store import REPORT_SUFFIXES, expand_paths, ingest_paths  # noqa: E402

BUNDLED = ROOT / "data" / "reports"
TEST_FILES = ROOT / "tests" / "data" / "reports"
TYPES = {".txt": "text", ".md": "text", ".html": "html", ".htm": "html", ".docx": "docx"}
TYPES[".pdf"] = "pdf"


def inputs() -> dict[str, list[Path]]:
    files, _missing = expand_paths([BUNDLED, TEST_FILES])
    by_type: dict[str, list[Path]] = {"text": [], "html": [], "docx": [], "pdf": []}
    for f in files:
        if f.name.startswith("bad_") or f.suffix.lower() not in REPORT_SUFFIXES:
            continue
        by_type[TYPES[f.suffix.lower()]].append(f)
    return by_type


def bench_parse(files: list[Path], seconds: float) -> tuple[int, int, float, float, int]:
    """(reports parsed, passes, elapsed, CPU seconds, refused per pass) over ``files``."""
    done = refused = passes = 0
    start, cpu = time.perf_counter(), time.process_time()
    while True:
        for f in files:
            try:
                run_checks(parse_file(f))
            except LoaderError:
                refused += 1
            done += 1
        passes += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done, passes, elapsed, time.process_time() - cpu, refused // passes


def bench_ingest(url: str) -> tuple[int, float, float, int]:
    start, cpu = time.perf_counter(), time.process_time()
    summary = ingest_paths([BUNDLED], url=url, progress=False)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    forget_engine(url)
    return summary.parsed + summary.failed, elapsed, cpu, summary.failed


@contextmanager
def fresh_pg_database(server_url: str) -> Iterator[str]:
    """A new database on the server of ``server_url``, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(database_url(server_url))
    name = f"nianbao_bench_{os.getpid()}"
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    from tests.pg import Cluster, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("--throwaway-pg: no PostgreSQL server binaries in /usr/lib/postgresql")
    cluster = Cluster(bin_dir)
    try:
        cluster.start()
        yield cluster.create_database("bench")
    finally:
        cluster.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=2.0, help="minimum timing per parse row")
    ap.add_argument("--throwaway-pg", action="store_true", help="also ingest into a temp cluster")
    args = ap.parse_args()

    rows: list[tuple[str, ...]] = []
    for kind, files in inputs().items():
        if not files:
            rows.append((f"parse {kind}", "0", "", "", "", "", "no files"))
            continue
        try:
            done, passes, elapsed, cpu, refused = bench_parse(files, args.seconds)
        except NotImplementedError:
            rows.append((f"parse {kind}", str(len(files)), "", "", "", "", "parser not ready"))
            continue
        note = f"{refused} refused per pass" if refused else ""
        rows.append(
            (
                f"parse {kind}",
                str(len(files)),
                str(passes),
                f"{elapsed:.2f}",
                f"{cpu:.2f}",
                f"{done / elapsed:.1f}",
                note,
            )
        )

    targets: list[tuple[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        targets.append(("ingest sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}"))
        if os.environ.get("DATABASE_URL"):
            targets.append(("ingest postgresql", fresh_pg_database(os.environ["DATABASE_URL"])))
        elif args.throwaway_pg:
            targets.append(("ingest postgresql", throwaway_cluster()))
        for label, target in targets:
            if isinstance(target, str):
                n, elapsed, cpu, failed = bench_ingest(target)
                shown = "fresh file"
            else:
                with target as url:  # type: ignore[attr-defined]
                    n, elapsed, cpu, failed = bench_ingest(url)
                    shown = display_url(url)
            note = f"{failed} failed; {shown}" if failed else shown
            rows.append(
                (label, str(n), "1", f"{elapsed:.2f}", f"{cpu:.2f}", f"{n / elapsed:.1f}", note)
            )

    # "seconds" is wall-clock time, "cpu s" this process's CPU time: a large
    # gap means waiting (disk, the database server, or a busy machine).
    header = ("what", "files", "passes", "seconds", "cpu s", "reports/s", "note")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print(
            "  ".join(
                cell.ljust(w) if i in (0, 6) else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(r, widths, strict=True))
            ).rstrip()
        )
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {peak_kb / 1024:.0f} MB (single process, Python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
